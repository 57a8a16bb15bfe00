/**
 * `/console/imports`: a CSV of registrations through S3, as `entitlements import --via s3`
 * does it — POST /imports (a presigned upload URL), PUT the file there, then GET
 * /imports/{id} until it ends; then the per-row report from its presigned URL, as a table
 * and a download. The import's id stays in the address (`?import=`), so a reload follows it.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FileUpload from '@cloudscape-design/components/file-upload';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Steps from '@cloudscape-design/components/steps';
import Table from '@cloudscape-design/components/table';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, seg } from '../../api.ts';
import { csvRecords } from '../../components/ops-csv.ts';
import { Problem } from '../../components/problem.tsx';
import { certificateHref } from './types.ts';

interface ImportCreated {
  importId: string;
  upload: { url: string; method: 'PUT'; headers: Record<string, string> };
}
interface ImportState {
  importId: string;
  status: 'PENDING_UPLOAD' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  createdAt: string;
  createdBy: { subject: string; role: string };
  counts?: { rows: number; created: number; renewed: number; replayed: number; refused: number };
  message?: string;
  report?: { url: string; expiresAt: string };
}
type ReportRow = Record<
  'line' | 'certificateNumber' | 'serialNumber' | 'outcome' | 'contactId' | 'error',
  string
>;

const POLL_MS = 1000;

export default function ImportPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const importId = params.get('import');
  const [files, setFiles] = useState<File[]>([]);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<Error>();
  const [state, setState] = useState<ImportState>();
  const [report, setReport] = useState<ReportRow[]>();

  const start = async () => {
    const file = files[0];
    if (!file) return;
    setUploading(true);
    setError(undefined);
    setState(undefined);
    setReport(undefined);
    try {
      const created = await api<ImportCreated>('/imports', { method: 'POST' });
      let put: Response;
      try {
        put = await fetch(created.upload.url, {
          method: created.upload.method,
          headers: created.upload.headers,
          body: file,
        });
      } catch (e) {
        // A network-level refusal: the browser could not reach the upload URL (CORS or the page's CSP).
        throw new Error(`the browser could not upload to the import bucket (${(e as Error).message})`);
      }
      if (!put.ok) throw new Error(`the upload was refused: ${put.status} ${await put.text()}`);
      setParams({ import: created.importId });
    } catch (e) {
      setError(e as Error);
    } finally {
      setUploading(false);
    }
  };

  // Follows the import until it ends, then reads its report.
  useEffect(() => {
    if (!importId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await api<ImportState>(`/imports/${seg(importId)}`);
        if (!live) return;
        setState(s);
        if (s.status === 'SUCCEEDED' || s.status === 'FAILED') {
          if (s.report?.url) {
            const res = await fetch(s.report.url);
            if (!res.ok) throw new Error(`the report could not be fetched: ${res.status}`);
            const rows = csvRecords(await res.text()) as ReportRow[];
            if (live) setReport(rows);
          }
          return;
        }
        timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (live) setError(e as Error);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [importId]);

  const done = state?.status === 'SUCCEEDED' || state?.status === 'FAILED';
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="One row per product, the header line naming the columns (certificateNumber, salesOrderNumber, tier, termStart, termEnd, companyName, … serialNumber, supportIdentifier, product, version, productLine)."
        >
          Import a CSV
        </Header>
      }
    >
      <SpaceBetween size="l">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Container header={<Header variant="h2">File</Header>}>
            <Form
              actions={
                <Button variant="primary" loading={uploading} disabled={!files.length}>
                  Upload and import
                </Button>
              }
            >
              <FormField label="CSV file" description="UTF-8, with the header line.">
                <FileUpload
                  value={files}
                  onChange={(e) => setFiles(e.detail.value)}
                  accept=".csv,text/csv"
                  showFileSize
                  showFileLastModified
                  constraintText="One file, up to what the import bucket accepts."
                  i18nStrings={{
                    uploadButtonText: () => 'Choose file',
                    dropzoneText: () => 'Drop a CSV file to import',
                    removeFileAriaLabel: (i) => `Remove file ${i + 1}`,
                    limitShowFewer: 'Show fewer files',
                    limitShowMore: 'Show more files',
                    errorIconAriaLabel: 'Error',
                    warningIconAriaLabel: 'Warning',
                  }}
                />
              </FormField>
            </Form>
          </Container>
        </form>
        {error && <Problem error={error} header="The import did not go through" />}
        {importId && (
          <Container header={<Header variant="h2">Import {importId}</Header>}>
            <SpaceBetween size="m">
              <Steps
                ariaLabel="Progress of the import"
                steps={[
                  { status: 'success', header: 'Uploaded' },
                  {
                    status:
                      !state || state.status === 'PENDING_UPLOAD'
                        ? 'pending'
                        : state.status === 'RUNNING'
                          ? 'loading'
                          : 'success',
                    header: state?.status === 'RUNNING' ? 'Importing…' : 'Imported on the stage',
                  },
                  {
                    status:
                      state?.status === 'SUCCEEDED'
                        ? 'success'
                        : state?.status === 'FAILED'
                          ? 'error'
                          : 'pending',
                    header:
                      state?.status === 'FAILED'
                        ? `Failed: ${state.message ?? 'no reason given'}`
                        : state?.status === 'SUCCEEDED'
                          ? 'Done: the report is below'
                          : 'Report',
                  },
                ]}
              />
              {state && (
                <KeyValuePairs
                  columns={4}
                  items={[
                    {
                      label: 'Status',
                      value: (
                        <StatusIndicator
                          type={
                            state.status === 'SUCCEEDED'
                              ? state.counts?.refused
                                ? 'warning'
                                : 'success'
                              : state.status === 'FAILED'
                                ? 'error'
                                : 'in-progress'
                          }
                        >
                          {state.status === 'SUCCEEDED' && state.counts?.refused
                            ? `SUCCEEDED, ${state.counts.refused} row(s) refused`
                            : state.status}
                        </StatusIndicator>
                      ),
                    },
                    {
                      label: 'Started by',
                      value: `${state.createdBy.subject}, ${state.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}`,
                    },
                    { label: 'Rows', value: state.counts ? String(state.counts.rows) : '…' },
                    {
                      label: 'Outcome',
                      value: state.counts
                        ? `${state.counts.created} created, ${state.counts.renewed} renewed, ${state.counts.replayed} replayed, ${state.counts.refused} refused`
                        : done
                          ? '—'
                          : 'counting…',
                    },
                  ]}
                />
              )}
            </SpaceBetween>
          </Container>
        )}
        {report && (
          <Table
            variant="container"
            header={
              <Header
                variant="h2"
                counter={`(${report.length})`}
                actions={
                  state?.report?.url && (
                    <Link href={state.report.url} external externalIconAriaLabel="(opens the CSV)">
                      Download the report
                    </Link>
                  )
                }
              >
                Report
              </Header>
            }
            items={report}
            trackBy="line"
            wrapLines
            columnDefinitions={[
              { id: 'line', header: 'Line', cell: (r) => r.line, isRowHeader: true, minWidth: 70 },
              {
                id: 'certificate',
                header: 'Certificate',
                minWidth: 190,
                cell: (r) =>
                  r.outcome && r.outcome !== 'REFUSED' ? (
                    <Link
                      href={certificateHref(r.certificateNumber)}
                      onFollow={(e) => {
                        e.preventDefault();
                        navigate(certificateHref(r.certificateNumber));
                      }}
                    >
                      {r.certificateNumber}
                    </Link>
                  ) : (
                    r.certificateNumber
                  ),
              },
              { id: 'serial', header: 'Serial', cell: (r) => r.serialNumber, minWidth: 140 },
              {
                id: 'outcome',
                header: 'Outcome',
                minWidth: 140,
                cell: (r) => (
                  <StatusIndicator type={r.error ? 'error' : 'success'}>{r.outcome}</StatusIndicator>
                ),
              },
              { id: 'contact', header: 'Contact ID', cell: (r) => r.contactId || '—' },
              { id: 'error', header: 'Error', cell: (r) => r.error || '—' },
            ]}
            empty={<Box textAlign="center">The report has no rows.</Box>}
          />
        )}
        {done && !report && state?.status === 'SUCCEEDED' && (
          <Alert type="info">The import ended without a report.</Alert>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
