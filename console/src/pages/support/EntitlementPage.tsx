/** `/console/entitlements/{contactId}`: the deep link a support engineer opens on a call. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Spinner from '@cloudscape-design/components/spinner';
import { useParams } from 'react-router';
import { ApiError, api, seg } from '../../api.ts';
import { Problem } from '../../components/problem.tsx';
import { useApi } from '../../components/use-api.ts';
import { type EntitlementAnswer, EntitlementView } from './EntitlementView.tsx';

export default function EntitlementPage() {
  const { contactId = '' } = useParams();
  const { data, error, loading } = useApi(
    (signal) => api<EntitlementAnswer>(`/entitlements/${seg(contactId)}`, { signal }),
    [contactId],
  );
  return (
    <ContentLayout
      header={
        <Header variant="h1" description={<Link href="/console/entitlements">Look up another caller</Link>}>
          Entitlement of Contact ID {contactId}
        </Header>
      }
    >
      {loading && !data ? (
        <Box textAlign="center">
          <Spinner size="large" /> Checking…
        </Box>
      ) : error instanceof ApiError && error.status === 404 ? (
        <Alert type="warning" header="No such Contact ID">
          No current contact has Contact ID {contactId}: it is unknown, was replaced, or its certificate was
          voided. Ask the caller to read it again, or look them up by a support identifier.
        </Alert>
      ) : error ? (
        <Problem error={error} />
      ) : data ? (
        <EntitlementView answer={data} />
      ) : null}
    </ContentLayout>
  );
}
