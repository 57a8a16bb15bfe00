/**
 * `/console/products/{product}` — a product manager's view of one product: its majors on the
 * lifecycle timeline (every date written out), a table of majors with their phase, the
 * schedule form (dry run first, then confirm), the releases with their upgrade decision
 * counts, and the history of every schedule change with who made it.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError, api, seg } from '../../api.ts';
import { Problem } from '../../components/problem.tsx';
import { PHASE_STATUS } from '../../components/product-phase.ts';
import { LifecycleTimeline, type TimelineMajor } from '../../components/product-timeline.tsx';
import { useApi } from '../../components/use-api.ts';
import { rememberProduct } from './recent.ts';
import { ReleaseForm } from './release-form.tsx';
import { type ScheduleDraft, ScheduleForm } from './schedule-form.tsx';
import { actorText, type HistoryEvent, PHASE_LABELS, type ProductOverview } from './types.ts';

const EMPTY_DRAFT: ScheduleDraft = { major: '', eolDate: '', partialSupportDate: '', endOfSupportDate: '' };
const EVENTS: Record<string, string> = {
  SCHEDULED: 'Scheduled',
  RESCHEDULED: 'Rescheduled',
  EOL: 'Reached end of life',
  PARTIAL_SUPPORT: 'Entered partial support',
  END_OF_SUPPORT: 'Reached end of support',
};
const todayIso = () => new Date().toISOString().slice(0, 10);
const dateText = (day: string | null) => day ?? <em>not scheduled</em>;
/** An instant as staff read it everywhere in the console: UTC, to the minute. */
const instant = (at: string) => `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;

export default function ProductPage() {
  const { product = '' } = useParams();
  const { data, error, loading, reload } = useApi(
    (signal) => api<ProductOverview>(`/products/${seg(product)}/overview`, { signal }),
    [product],
  );
  const [draft, setDraft] = useState<ScheduleDraft>(EMPTY_DRAFT);
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    if (data) rememberProduct(data.product);
  }, [data]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another product's page starts afresh
  useEffect(() => {
    setDraft(EMPTY_DRAFT);
    setNotice(undefined);
  }, [product]);

  const done = (message: string) => {
    setNotice(message);
    reload();
  };
  const unknown = error instanceof ApiError && error.status === 404;
  const majors = [...(data?.majors ?? [])].sort((a, b) => b.major - a.major);
  const history = majors
    .flatMap((m) => (m.history ?? []).map((h) => ({ ...h, major: m.major })))
    .sort((a, b) => b.at.localeCompare(a.at));
  const edit = (m: TimelineMajor) =>
    setDraft({
      major: String(m.major),
      eolDate: m.eolDate ?? '',
      partialSupportDate: m.partialSupportDate ?? '',
      endOfSupportDate: m.endOfSupportDate ?? '',
    });

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={`Lifecycle, releases and history. Today is ${data?.asOf ?? todayIso()}.`}
        >
          {data?.product ?? product}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {notice && (
          <Alert type="success" dismissible onDismiss={() => setNotice(undefined)} header="Saved">
            {notice}
          </Alert>
        )}
        {loading && !data && !error && (
          <Box textAlign="center">
            <Spinner size="large" /> Loading {product}…
          </Box>
        )}
        {unknown && (
          <Alert type="info" header={`Nothing is known about ${product} yet`}>
            No release or lifecycle names this product. Announce its first release below, or check the
            spelling.
          </Alert>
        )}
        {error && !unknown && <Problem error={error} />}
        {data && (
          <SpaceBetween size="l">
            <Container header={<Header variant="h2">Lifecycle timeline</Header>}>
              {majors.length ? (
                <LifecycleTimeline
                  majors={majors}
                  today={data.asOf ?? todayIso()}
                  formatDate={(day) => day}
                  wording={{
                    major: (m) => `Major ${m}`,
                    ga: 'General availability',
                    eol: 'End of life',
                    partial: 'Partial support',
                    endOfSupport: 'End of support',
                    today: 'Today',
                    notScheduled: 'not scheduled',
                    standard: 'Standard support',
                    standardNotSold: 'Standard support, not sold',
                    partialSpan: 'Partial support',
                    label: `Lifecycle of ${data.product}`,
                  }}
                />
              ) : (
                <Box color="text-body-secondary">No major has a release or a lifecycle yet.</Box>
              )}
            </Container>
            <Table
              header={<Header variant="h2">Majors</Header>}
              variant="container"
              items={majors}
              trackBy="major"
              ariaLabels={{ tableLabel: 'Majors' }}
              empty={<Box color="text-body-secondary">No majors yet.</Box>}
              columnDefinitions={[
                { id: 'major', header: 'Major', cell: (m) => m.major },
                { id: 'ga', header: 'General availability', cell: (m) => dateText(m.gaDate) },
                { id: 'eol', header: 'End of life', cell: (m) => dateText(m.eolDate) },
                { id: 'partial', header: 'Partial support', cell: (m) => dateText(m.partialSupportDate) },
                { id: 'eos', header: 'End of support', cell: (m) => dateText(m.endOfSupportDate) },
                {
                  id: 'phase',
                  header: 'Phase today',
                  cell: (m) =>
                    m.gaDate !== null && m.gaDate > (data.asOf ?? todayIso()) ? (
                      <StatusIndicator type="pending">Not yet available</StatusIndicator>
                    ) : (
                      <StatusIndicator type={PHASE_STATUS[m.phase]}>{PHASE_LABELS[m.phase]}</StatusIndicator>
                    ),
                },
                {
                  id: 'actions',
                  header: 'Milestones',
                  cell: (m) => (
                    <Button
                      variant="inline-link"
                      ariaLabel={`Edit the milestones of major ${m.major}`}
                      onClick={() => edit(m)}
                    >
                      Edit
                    </Button>
                  ),
                },
              ]}
            />
          </SpaceBetween>
        )}
        {(data || unknown) && (
          <SpaceBetween size="l">
            <ScheduleForm product={product} draft={draft} onDraft={setDraft} onScheduled={done} />
            {data && (
              <Table
                header={<Header variant="h2">Releases</Header>}
                variant="container"
                wrapLines
                items={[...data.releases].sort((a, b) => b.gaDate.localeCompare(a.gaDate))}
                trackBy="version"
                ariaLabels={{ tableLabel: 'Releases' }}
                empty={<Box color="text-body-secondary">No release announced yet.</Box>}
                columnDefinitions={[
                  { id: 'version', header: 'Version', cell: (r) => r.version },
                  { id: 'ga', header: 'General availability', cell: (r) => r.gaDate },
                  {
                    id: 'status',
                    header: 'Status',
                    minWidth: 130,
                    cell: (r) =>
                      r.status === 'DECIDED' ? (
                        <StatusIndicator type="success">Decided</StatusIndicator>
                      ) : (
                        <StatusIndicator type="pending">Scheduled</StatusIndicator>
                      ),
                  },
                  { id: 'entitled', header: 'Entitled', cell: (r) => r.decisions?.entitled ?? '—' },
                  { id: 'notEntitled', header: 'Not entitled', cell: (r) => r.decisions?.notEntitled ?? '—' },
                  {
                    id: 'announcedBy',
                    header: 'Announced by',
                    cell: (r) => r.announcedBy?.subject ?? 'not recorded',
                  },
                  {
                    id: 'updatedBy',
                    header: 'Last changed by',
                    cell: (r) => r.updatedBy?.subject ?? 'not recorded',
                  },
                ]}
              />
            )}
            <ReleaseForm product={product} onAnnounced={done} />
            {data && (
              <Table
                header={<Header variant="h2">History</Header>}
                variant="container"
                wrapLines
                items={history}
                trackBy={(h) => `${h.major}:${h.at}:${h.event}`}
                ariaLabels={{ tableLabel: 'History' }}
                empty={<Box color="text-body-secondary">No schedule change yet.</Box>}
                columnDefinitions={[
                  { id: 'at', header: 'When', cell: (h) => instant(h.at) },
                  { id: 'major', header: 'Major', cell: (h) => h.major },
                  { id: 'what', header: 'What', cell: (h) => whatHappened(h) },
                  { id: 'who', header: 'Who', cell: (h) => actorText(h.actor) },
                ]}
              />
            )}
          </SpaceBetween>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}

function whatHappened(h: HistoryEvent): string {
  const what = EVENTS[h.event] ?? h.event;
  if (!h.dates) return what;
  return `${what}: end of life ${h.dates.eolDate}, partial support ${h.dates.partialSupportDate}, end of support ${h.dates.endOfSupportDate}`;
}
