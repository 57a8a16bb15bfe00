/**
 * Schedule or reschedule a major's milestones in two steps: a dry run (PUT
 * …/lifecycle?dryRun=true) shows who the dates would touch and the phase they put the major
 * in, and only "Confirm" sends the same dates for real. The API's refusals (422 out of order,
 * 409 moving a passed milestone) are shown with its messages, each date's next to it.
 */
import Alert from '@cloudscape-design/components/alert';
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
import { type LifecycleDates, type LifecycleDryRun, PHASE_LABELS } from './types.ts';

const DATES: Array<{ key: keyof LifecycleDates; label: string }> = [
  { key: 'eolDate', label: 'End of life' },
  { key: 'partialSupportDate', label: 'Partial support' },
  { key: 'endOfSupportDate', label: 'End of support' },
];

export interface ScheduleDraft extends LifecycleDates {
  major: string;
}

export function ScheduleForm({
  product,
  draft,
  onDraft,
  onScheduled,
}: {
  product: string;
  draft: ScheduleDraft;
  onDraft(draft: ScheduleDraft): void;
  onScheduled(message: string): void;
}) {
  const [preview, setPreview] = useState<LifecycleDryRun>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<'preview' | 'confirm'>();
  const path = `/products/${seg(product)}/majors/${seg(draft.major.trim())}/lifecycle`;
  const body: LifecycleDates = {
    eolDate: draft.eolDate,
    partialSupportDate: draft.partialSupportDate,
    endOfSupportDate: draft.endOfSupportDate,
  };
  const fieldError = (key: string) => (error instanceof ApiError ? error.forField(key) : undefined);
  const change = (next: Partial<ScheduleDraft>) => {
    // Other dates than the ones previewed: the impact shown no longer says what Confirm would do.
    setPreview(undefined);
    setError(undefined);
    onDraft({ ...draft, ...next });
  };

  const dryRun = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('preview');
    setError(undefined);
    setPreview(undefined);
    try {
      setPreview(await api<LifecycleDryRun>(`${path}?dryRun=true`, { method: 'PUT', body }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  const confirm = async () => {
    setBusy('confirm');
    setError(undefined);
    try {
      await api(path, { method: 'PUT', body });
      setPreview(undefined);
      onScheduled(
        `${product} ${draft.major}: end of life ${body.eolDate}, partial support ${body.partialSupportDate}, end of support ${body.endOfSupportDate}.`,
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <form onSubmit={dryRun}>
      <Container
        footer={
          <Box float="right">
            <Button variant={preview ? 'normal' : 'primary'} formAction="submit" loading={busy === 'preview'}>
              Preview impact
            </Button>
          </Box>
        }
        header={
          <Header
            variant="h2"
            description="Preview who the dates touch before you confirm them. A milestone that has passed cannot move."
          >
            Schedule milestones
          </Header>
        }
      >
        <SpaceBetween size="m">
          <ColumnLayout columns={4}>
            <FormField label="Major version" controlId="schedule-major" errorText={fieldError('major')}>
              <Input
                controlId="schedule-major"
                inputMode="numeric"
                value={draft.major}
                onChange={({ detail }) => change({ major: detail.value })}
              />
            </FormField>
            {DATES.map(({ key, label }) => (
              <FormField
                key={key}
                label={label}
                controlId={`schedule-${key}`}
                constraintText="YYYY-MM-DD"
                errorText={fieldError(key)}
              >
                <DatePicker
                  controlId={`schedule-${key}`}
                  value={draft[key]}
                  format="iso"
                  inputFormat="iso"
                  placeholder="YYYY-MM-DD"
                  onChange={({ detail }) => change({ [key]: detail.value })}
                  i18nStrings={{
                    openCalendarAriaLabel: (selected) =>
                      `Choose the ${label.toLowerCase()} date${selected ? `, ${selected} chosen` : ''}`,
                    nextMonthAriaLabel: 'Next month',
                    previousMonthAriaLabel: 'Previous month',
                    todayAriaLabel: 'Today',
                  }}
                />
              </FormField>
            ))}
          </ColumnLayout>
          {error && <Problem error={error} />}
          {preview && (
            <Alert
              type="info"
              header={`Dry run: ${preview.product} ${preview.major} would be in phase “${PHASE_LABELS[preview.phase]}” today`}
              action={
                <SpaceBetween direction="horizontal" size="xs">
                  <Button onClick={() => setPreview(undefined)}>Cancel</Button>
                  <Button variant="primary" onClick={() => void confirm()} loading={busy === 'confirm'}>
                    Confirm
                  </Button>
                </SpaceBetween>
              }
            >
              <Box variant="p">Nothing is changed yet. These dates concern:</Box>
              <dl
                aria-label="Impact"
                style={{ display: 'grid', gridTemplateColumns: 'max-content max-content', gap: '2px 12px' }}
              >
                <dt>Serials</dt>
                <dd style={{ margin: 0 }} data-impact="serials">
                  {preview.impact.serials}
                </dd>
                <dt>Contacts</dt>
                <dd style={{ margin: 0 }} data-impact="contacts">
                  {preview.impact.contacts}
                </dd>
                <dt>Certificates</dt>
                <dd style={{ margin: 0 }} data-impact="certificates">
                  {preview.impact.certificates}
                </dd>
              </dl>
            </Alert>
          )}
        </SpaceBetween>
      </Container>
    </form>
  );
}
