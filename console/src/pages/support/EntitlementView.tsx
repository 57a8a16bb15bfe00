/**
 * One entitlement answer as a support engineer reads it on a call: the verdict first, in
 * words (never colour alone), then what the caller gets, each product, and why.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';

interface SeverityTarget {
  initialResponse: string | null;
  restoreService?: string | null;
  solution: string | null;
}

export interface EntitlementAnswer {
  contactId?: string;
  role?: 'PRIMARY' | 'DESIGNATED';
  name?: string;
  supportIdentifier?: string;
  certificateNumber: string;
  entitled: boolean;
  tier: string | null;
  offering: string | null;
  hours: 'BUSINESS_HOURS' | '24x7' | null;
  responseTargets: Record<string, SeverityTarget> | null;
  callCentreAcknowledgement: string;
  upgradesOpen: boolean;
  phoneSupport: {
    hours: string;
    openNow: boolean;
    timeZone: string;
    localTime: string;
    nextOpensAt?: string | null;
    closesAt?: string | null;
    reason?: string;
  } | null;
  products: Array<{
    serialNumber: string;
    product: string;
    version: string;
    coverage: {
      start: string;
      end: string;
      active: boolean;
      certificateNumber?: string;
      tier?: string;
    } | null;
    supportPhase: 'STANDARD' | 'PARTIAL' | 'NONE' | 'PER_CONTRACT';
    supported: boolean;
  }>;
  reasons: string[];
  asOf: string;
}

const PHASES: Record<EntitlementAnswer['products'][number]['supportPhase'], string> = {
  STANDARD: 'Standard support',
  PARTIAL: 'Partial support',
  NONE: 'End of support',
  PER_CONTRACT: 'As the contract says',
};
const HOURS = { BUSINESS_HOURS: 'Business hours (08:00–18:00 local, business days)', '24x7': '24×7×365' };
const dash = (value: string | null | undefined) => value ?? '—';

export function EntitlementView({ answer }: { answer: EntitlementAnswer }) {
  const targets = Object.entries(answer.responseTargets ?? {}).map(([severity, t]) => ({
    severity: `Severity ${severity.replace('severity', '')}`,
    ...t,
  }));
  const phone = answer.phoneSupport;
  return (
    <SpaceBetween size="l">
      <Alert
        type={answer.entitled ? 'success' : 'error'}
        header={
          <Box fontSize="heading-xl" fontWeight="bold" color="inherit">
            <span data-testid="verdict">{answer.entitled ? 'ENTITLED' : 'NOT ENTITLED'}</span>
          </Box>
        }
      >
        {answer.reasons[0]}
      </Alert>
      <Container header={<Header variant="h2">What the caller gets</Header>}>
        <KeyValuePairs
          columns={3}
          items={[
            {
              label: answer.contactId ? 'Contact ID' : 'Support identifier',
              value: answer.contactId
                ? `${answer.contactId} (${answer.role === 'PRIMARY' ? 'primary technical contact' : 'designated contact'})`
                : dash(answer.supportIdentifier),
            },
            { label: 'Certificate', value: answer.certificateNumber },
            {
              label: 'Offering',
              value: answer.offering ? `${answer.offering} (${answer.tier})` : 'None',
            },
            {
              label: 'Phone support',
              value: phone ? (
                <SpaceBetween size="xxxs">
                  <StatusIndicator type={phone.openNow ? 'success' : 'stopped'}>
                    {phone.openNow ? 'Open now' : 'Closed now'}
                  </StatusIndicator>
                  <Box variant="small">
                    {answer.hours ? HOURS[answer.hours] : phone.hours}; caller's time{' '}
                    {phone.localTime.replace('T', ' ')} ({phone.timeZone})
                    {phone.nextOpensAt ? `; opens ${phone.nextOpensAt.replace('T', ' ')}` : ''}
                  </Box>
                </SpaceBetween>
              ) : (
                'None owed'
              ),
            },
            {
              label: 'Upgrades',
              value: (
                <StatusIndicator type={answer.upgradesOpen ? 'success' : 'stopped'}>
                  {answer.upgradesOpen ? 'Open' : 'Not open'}
                </StatusIndicator>
              ),
            },
            { label: 'Call centre acknowledges within', value: answer.callCentreAcknowledgement },
          ]}
        />
      </Container>
      <Table
        header={<Header variant="h2">Response targets by severity</Header>}
        variant="container"
        items={targets}
        empty={<Box textAlign="center">No response targets: the caller is not entitled to support.</Box>}
        columnDefinitions={[
          { id: 'severity', header: 'Severity', cell: (t) => t.severity, isRowHeader: true },
          { id: 'initial', header: 'Initial response', cell: (t) => dash(t.initialResponse) },
          { id: 'restore', header: 'Restore service', cell: (t) => dash(t.restoreService) },
          { id: 'solution', header: 'Solution', cell: (t) => dash(t.solution) },
        ]}
      />
      <Table
        header={<Header variant="h2">Products</Header>}
        variant="container"
        items={answer.products}
        trackBy="serialNumber"
        empty={<Box textAlign="center">No products.</Box>}
        columnDefinitions={[
          { id: 'serial', header: 'Serial', cell: (p) => p.serialNumber, isRowHeader: true },
          { id: 'product', header: 'Product', cell: (p) => p.product },
          { id: 'version', header: 'Version', cell: (p) => p.version },
          {
            id: 'coverage',
            header: 'Coverage',
            cell: (p) =>
              p.coverage
                ? `${p.coverage.start} to ${p.coverage.end}${p.coverage.active ? '' : ' (not in force)'}`
                : 'None',
          },
          { id: 'phase', header: 'Support phase', cell: (p) => PHASES[p.supportPhase] },
          {
            id: 'supported',
            header: 'Supported today',
            cell: (p) => (
              <StatusIndicator type={p.supported ? 'success' : 'stopped'}>
                {p.supported ? 'Yes' : 'No'}
              </StatusIndicator>
            ),
          },
        ]}
      />
      <Container header={<Header variant="h2">Why</Header>}>
        <ul aria-label="Reasons">
          {answer.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
        <Box variant="small" color="text-body-secondary">
          As of {answer.asOf}.
        </Box>
      </Container>
    </SpaceBetween>
  );
}
