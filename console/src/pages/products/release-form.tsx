/**
 * Announce a release's general availability (PUT /products/{p}/releases/{v} {gaDate}). The
 * GA run decides every serial's upgrade on that date; once it has come the date cannot move
 * (409, shown with the API's message).
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import DatePicker from '@cloudscape-design/components/date-picker';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type FormEvent, useState } from 'react';
import { ApiError, api, seg } from '../../api.ts';
import { Problem } from '../../components/problem.tsx';

export function ReleaseForm({
  product,
  onAnnounced,
}: {
  product: string;
  onAnnounced(message: string): void;
}) {
  const [version, setVersion] = useState('');
  const [gaDate, setGaDate] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const fieldError = (key: string) => (error instanceof ApiError ? error.forField(key) : undefined);

  const announce = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`/products/${seg(product)}/releases/${seg(version.trim())}`, {
        method: 'PUT',
        body: { gaDate },
      });
      onAnnounced(`${product} ${version.trim()}: general availability on ${gaDate}.`);
      setVersion('');
      setGaDate('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={announce}>
      <Container
        footer={
          <Box float="right">
            <Button formAction="submit" loading={busy}>
              Announce release
            </Button>
          </Box>
        }
        header={
          <Header
            variant="h2"
            description="Upgrades are decided for every serial on the GA date: the date can move until it comes."
          >
            Announce a release
          </Header>
        }
      >
        <SpaceBetween size="m">
          <ColumnLayout columns={2}>
            <FormField
              label="Version"
              controlId="release-version"
              constraintText="For example 12.5 or 12.0 MP 1"
              errorText={fieldError('version')}
            >
              <Input
                controlId="release-version"
                value={version}
                onChange={({ detail }) => setVersion(detail.value)}
              />
            </FormField>
            <FormField
              label="General availability"
              controlId="release-gaDate"
              constraintText="YYYY-MM-DD"
              errorText={fieldError('gaDate')}
            >
              <DatePicker
                controlId="release-gaDate"
                value={gaDate}
                format="iso"
                inputFormat="iso"
                placeholder="YYYY-MM-DD"
                onChange={({ detail }) => setGaDate(detail.value)}
                i18nStrings={{
                  openCalendarAriaLabel: (selected) =>
                    `Choose the general availability date${selected ? `, ${selected} chosen` : ''}`,
                  nextMonthAriaLabel: 'Next month',
                  previousMonthAriaLabel: 'Previous month',
                  todayAriaLabel: 'Today',
                }}
              />
            </FormField>
          </ColumnLayout>
          {error && <Problem error={error} />}
        </SpaceBetween>
      </Container>
    </form>
  );
}
