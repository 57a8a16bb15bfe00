/**
 * `/console/entitlements`: a caller gives a Contact ID (→ its deep link) or a product's
 * support identifier (answered here, kept in `?supportIdentifier=` so it can be shared).
 */

import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { Problem } from '../../components/problem.tsx';
import { useApi } from '../../components/use-api.ts';
import { type EntitlementAnswer, EntitlementView } from './EntitlementView.tsx';

export default function EntitlementLookup() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const asked = params.get('supportIdentifier') ?? '';
  const [contactId, setContactId] = useState('');
  const [supportIdentifier, setSupportIdentifier] = useState(asked);
  const bySupportIdentifier = useApi(
    (signal) =>
      asked
        ? api<EntitlementAnswer>(`/entitlements?supportIdentifier=${encodeURIComponent(asked)}`, { signal })
        : Promise.resolve(undefined),
    [asked],
  );
  const { data, error, loading } = bySupportIdentifier;
  return (
    <ContentLayout
      header={
        <Header variant="h1" description="What the caller is entitled to, and why.">
          Check entitlement
        </Header>
      }
    >
      <SpaceBetween size="l">
        <ColumnLayout columns={2}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (contactId.trim()) navigate(`/console/entitlements/${encodeURIComponent(contactId.trim())}`);
            }}
          >
            <Container header={<Header variant="h2">By Contact ID</Header>}>
              <Form actions={<Button variant="primary">Look up Contact ID</Button>}>
                <FormField
                  label="Contact ID"
                  controlId="contact-id"
                  description="The 10 digits the caller reads out."
                >
                  <Input
                    controlId="contact-id"
                    value={contactId}
                    inputMode="numeric"
                    onChange={(e) => setContactId(e.detail.value)}
                  />
                </FormField>
              </Form>
            </Container>
          </form>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (supportIdentifier.trim()) setParams({ supportIdentifier: supportIdentifier.trim() });
            }}
          >
            <Container header={<Header variant="h2">By support identifier</Header>}>
              <Form actions={<Button variant="primary">Look up support identifier</Button>}>
                <FormField
                  label="Support identifier"
                  controlId="support-identifier"
                  description="Like 1234-5678-1234, from the product."
                >
                  <Input
                    controlId="support-identifier"
                    value={supportIdentifier}
                    onChange={(e) => setSupportIdentifier(e.detail.value)}
                  />
                </FormField>
              </Form>
            </Container>
          </form>
        </ColumnLayout>
        {asked &&
          (loading && !data ? (
            <Box textAlign="center">
              <Spinner size="large" /> Checking…
            </Box>
          ) : error instanceof ApiError && error.status === 404 ? (
            <Alert type="warning" header="No such support identifier">
              No registered product has support identifier {asked}.
            </Alert>
          ) : error ? (
            <Problem error={error} />
          ) : data ? (
            <SpaceBetween size="s">
              <Header variant="h2">Support identifier {asked}</Header>
              <EntitlementView answer={data} />
            </SpaceBetween>
          ) : null)}
      </SpaceBetween>
    </ContentLayout>
  );
}
