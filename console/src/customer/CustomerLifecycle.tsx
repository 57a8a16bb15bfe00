/**
 * `/customer/lifecycle/{product}` — public: every major of a product with its dates and its
 * phase today, in a table and on a timeline, dates written for the reader's language; the
 * iCalendar feed (GET /products/{p}/lifecycle.ics) to subscribe to. An unknown product (404)
 * gets a page that says so, never an empty schedule.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useParams } from 'react-router';
import { ApiError, api, seg } from '../api.ts';
import { PHASE_STATUS } from '../components/product-phase.ts';
import { LifecycleTimeline, type TimelineMajor } from '../components/product-timeline.tsx';
import { useApi } from '../components/use-api.ts';
import { CustomerFrame, useLanguage } from './frame.tsx';
import { formatDay, MESSAGES } from './i18n.ts';

export interface ProductLifecycle {
  product: string;
  /** The service's today (YYYY-MM-DD): phases are as of this day. */
  asOf?: string;
  majors: TimelineMajor[];
}

const todayIso = () => new Date().toISOString().slice(0, 10);

export default function CustomerLifecycle() {
  const { product = '' } = useParams();
  const [language, setLanguage] = useLanguage();
  const t = MESSAGES[language].lifecycle;
  const { data, error, loading } = useApi(
    (signal) => api<ProductLifecycle>(`/products/${seg(product)}/lifecycle`, { anonymous: true, signal }),
    [product],
  );
  const unknown = error instanceof ApiError && error.status === 404;
  const date = (day: string | null) =>
    day ? (
      <time dateTime={day} style={{ whiteSpace: 'nowrap' }}>
        {formatDay(day, language)}
      </time>
    ) : (
      <em>{t.notScheduled}</em>
    );
  const feed = `/products/${seg(product)}/lifecycle.ics`;
  const webcal = `webcal://${location.host}${feed}`;
  const majors = [...(data?.majors ?? [])].sort((a, b) => b.major - a.major);

  return (
    <CustomerFrame
      language={language}
      onLanguage={setLanguage}
      title={unknown ? t.unknownTitle : t.title(product)}
    >
      {unknown ? (
        <SpaceBetween size="l">
          <Header variant="h1">{t.unknownTitle}</Header>
          <Container>
            <Box variant="p">{t.unknown(product)}</Box>
          </Container>
        </SpaceBetween>
      ) : (
        <SpaceBetween size="l">
          <Header variant="h1" description={t.intro}>
            {t.title(data?.product ?? product)}
          </Header>
          {loading && !data && (
            <Box textAlign="center">
              <Spinner size="large" /> {t.loading}
            </Box>
          )}
          {error && !unknown && <Alert type="error">{t.failed}</Alert>}
          {data && majors.length === 0 && <Alert type="info">{t.none}</Alert>}
          {data && majors.length > 0 && (
            <SpaceBetween size="l">
              <Table
                header={<Header variant="h2">{t.table}</Header>}
                variant="container"
                wrapLines
                items={majors}
                trackBy="major"
                ariaLabels={{ tableLabel: t.table }}
                columnDefinitions={[
                  {
                    id: 'major',
                    header: t.versionColumn,
                    cell: (m) => <strong style={{ whiteSpace: 'nowrap' }}>{t.version(m.major)}</strong>,
                  },
                  { id: 'ga', header: t.ga, cell: (m) => date(m.gaDate) },
                  { id: 'eol', header: t.eol, cell: (m) => date(m.eolDate) },
                  { id: 'partial', header: t.partial, cell: (m) => date(m.partialSupportDate) },
                  { id: 'eos', header: t.endOfSupport, cell: (m) => date(m.endOfSupportDate) },
                  {
                    id: 'phase',
                    header: t.phaseToday,
                    minWidth: 220,
                    cell: (m) => {
                      // Not released yet: "Standard support" would promise a version nobody can have.
                      const upcoming = m.gaDate !== null && m.gaDate > (data.asOf ?? todayIso());
                      const phase = upcoming ? t.upcoming : t.phases[m.phase];
                      return (
                        <span>
                          <StatusIndicator type={upcoming ? 'pending' : PHASE_STATUS[m.phase]}>
                            {phase.name}
                          </StatusIndicator>
                          <Box variant="small" display="block">
                            {phase.meaning}
                          </Box>
                        </span>
                      );
                    },
                  },
                ]}
              />
              <Container header={<Header variant="h2">{t.timeline}</Header>}>
                <LifecycleTimeline
                  majors={majors}
                  today={data.asOf ?? todayIso()}
                  formatDate={(day) => formatDay(day, language)}
                  wording={{
                    major: t.version,
                    ga: t.ga,
                    eol: t.eol,
                    partial: t.partial,
                    endOfSupport: t.endOfSupport,
                    today: t.today,
                    notScheduled: t.notScheduled,
                    standard: t.standard,
                    standardNotSold: t.standardNotSold,
                    partialSpan: t.partialSpan,
                    label: t.timeline,
                  }}
                />
              </Container>
              <Container
                header={
                  <Header variant="h2" description={t.subscribeIntro}>
                    {t.subscribe}
                  </Header>
                }
              >
                <SpaceBetween size="xs">
                  <Link href={webcal}>{t.webcal}</Link>
                  <Link href={feed}>{t.download}</Link>
                </SpaceBetween>
              </Container>
            </SpaceBetween>
          )}
        </SpaceBetween>
      )}
    </CustomerFrame>
  );
}
