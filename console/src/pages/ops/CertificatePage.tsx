/**
 * `/console/certificates/{n}`: one certificate as licensing ops work on it — summary, coverage
 * on a timeline, contacts (add, replace, resend; the tier's limit), reminders, emails and their
 * delivery, the audit trail; correct and void behind a confirmation.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ApiError, api, seg } from '../../api.ts';
import { CoverageTimeline } from '../../components/ops-coverage-timeline.tsx';
import { Problem } from '../../components/problem.tsx';
import { useApi } from '../../components/use-api.ts';
import { ContactForm } from './ContactForm.tsx';
import { CorrectModal } from './CorrectModal.tsx';
import type { AuditEntry, Certificate, CertificateContact, ReminderSent } from './types.ts';

type Dialog =
  | { kind: 'correct' }
  | { kind: 'void' }
  | { kind: 'add' }
  | { kind: 'replace'; contact: CertificateContact }
  | undefined;

const when = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—';

export default function CertificatePage() {
  const { certificateNumber = '' } = useParams();
  const { data, error, loading, reload } = useApi(
    (signal) => api<Certificate>(`/certificates/${seg(certificateNumber)}`, { signal }),
    [certificateNumber],
  );
  const [dialog, setDialog] = useState<Dialog>();
  const [flash, setFlash] = useState<FlashbarProps.MessageDefinition[]>([]);
  const say = (type: FlashbarProps.Type, content: string) =>
    setFlash([
      {
        type,
        content,
        dismissible: true,
        dismissLabel: 'Dismiss message',
        id: String(Date.now()),
        onDismiss: () => setFlash([]),
      },
    ]);

  if (loading && !data)
    return (
      <Box textAlign="center" padding="l">
        <Spinner size="large" /> Loading certificate {certificateNumber}…
      </Box>
    );
  if (error && !data)
    return (
      <ContentLayout header={<Header variant="h1">Certificate {certificateNumber}</Header>}>
        {error instanceof ApiError && error.status === 404 ? (
          <Alert type="warning" header="No such certificate">
            No certificate {certificateNumber} is registered.
          </Alert>
        ) : (
          <Problem error={error} />
        )}
      </ContentLayout>
    );
  if (!data) return null;
  const c = data;
  const active = c.status === 'ACTIVE';

  const resend = async (contact: CertificateContact) => {
    try {
      await api(`/certificates/${seg(c.certificateNumber)}/contact-id/resend`, {
        method: 'POST',
        body: {
          salesOrderNumber: c.salesOrderNumber,
          products: c.products.map((p) => ({
            serialNumber: p.serialNumber,
            supportIdentifier: p.supportIdentifier,
          })),
          contactId: contact.contactId,
        },
      });
      say('success', `Contact ID ${contact.contactId} is being emailed again to its contact.`);
      reload();
    } catch (e) {
      say('error', (e as Error).message);
    }
  };

  return (
    <ContentLayout
      header={
        <SpaceBetween size="m">
          <Header
            variant="h1"
            description={`${c.company.name} · ${c.tier} · sales order ${c.salesOrderNumber}`}
            actions={
              active && (
                <SpaceBetween direction="horizontal" size="xs">
                  <Button onClick={() => setDialog({ kind: 'correct' })}>Correct</Button>
                  <Button onClick={() => setDialog({ kind: 'void' })}>Void</Button>
                </SpaceBetween>
              )
            }
          >
            Certificate {c.certificateNumber}
          </Header>
          <Flashbar items={flash} />
        </SpaceBetween>
      }
    >
      <SpaceBetween size="l">
        {!active && (
          <Alert type="warning" header="VOID">
            This certificate was voided: its Contact IDs no longer verify and no reminders are sent.
          </Alert>
        )}
        <Container header={<Header variant="h2">Summary</Header>}>
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Company', value: c.company.name },
              { label: 'Address', value: c.company.address },
              { label: 'Company phone', value: c.company.phone ?? '—' },
              { label: 'Tier', value: c.tier },
              {
                label: 'Status',
                value: (
                  <StatusIndicator type={active ? 'success' : 'stopped'}>
                    {active ? 'ACTIVE' : 'VOID'}
                  </StatusIndicator>
                ),
              },
              {
                label: 'Term',
                value: `${c.term.start} to ${c.term.end} (${!active ? 'void' : c.term.active ? 'in force' : 'not in force'} on ${c.asOf})`,
              },
              { label: 'Registered', value: when(c.registeredAt) },
              { label: 'Renews', value: c.renewalOf.length ? c.renewalOf.join(', ') : '—' },
              { label: 'Renewed by', value: c.renewedBy.length ? c.renewedBy.join(', ') : '—' },
            ]}
          />
        </Container>
        <Container header={<Header variant="h2">Coverage</Header>}>
          <CoverageTimeline
            today={c.asOf}
            rows={[
              { label: 'Certificate term', start: c.term.start, end: c.term.end, note: c.tier },
              ...c.products.flatMap((p) =>
                (p.coverage.terms ?? []).map((t) => ({
                  label: `${p.product} ${p.version} (serial ${p.serialNumber})`,
                  start: t.start,
                  end: t.end,
                  note: `${t.tier}, certificate ${t.certificateNumber}`,
                })),
              ),
            ]}
          />
        </Container>
        <Table
          variant="container"
          header={<Header variant="h2">Products</Header>}
          items={c.products}
          trackBy="serialNumber"
          columnDefinitions={[
            { id: 'serial', header: 'Serial', cell: (p) => p.serialNumber, isRowHeader: true },
            { id: 'sid', header: 'Support identifier', cell: (p) => p.supportIdentifier },
            { id: 'product', header: 'Product', cell: (p) => p.product },
            { id: 'line', header: 'Product line', cell: (p) => p.productLine ?? '—' },
            {
              id: 'version',
              header: 'Version',
              cell: (p) =>
                p.version === p.registeredVersion
                  ? p.version
                  : `${p.version} (registered ${p.registeredVersion})`,
            },
            {
              id: 'coverage',
              header: 'Coverage today',
              cell: (p) => (
                <StatusIndicator type={p.coverage.active ? 'success' : 'stopped'}>
                  {p.coverage.active ? 'Covered' : 'Not covered'}
                </StatusIndicator>
              ),
            },
          ]}
        />
        <Contacts
          certificate={c}
          onAdd={() => setDialog({ kind: 'add' })}
          onReplace={(contact) => setDialog({ kind: 'replace', contact })}
          onResend={(contact) => void resend(contact)}
        />
        <Container header={<Header variant="h2">Renewal reminders</Header>}>
          <SpaceBetween size="m">
            <KeyValuePairs
              columns={2}
              items={[
                {
                  label: 'Next reminder',
                  value: c.nextReminder
                    ? `${c.nextReminder.on} (${c.nextReminder.offset} days before the term ends on ${c.term.end})`
                    : 'None due',
                },
                {
                  label: 'Reminders sent',
                  value: c.remindersSent.length ? `${c.remindersSent.length} (listed below)` : 'None yet',
                },
              ]}
            />
            {c.remindersSent.length > 0 && <RemindersSent reminders={c.remindersSent} />}
          </SpaceBetween>
        </Container>
        <AuditTrail audit={c.audit} />
      </SpaceBetween>
      {dialog?.kind === 'correct' && (
        <CorrectModal
          certificate={c}
          onClose={() => setDialog(undefined)}
          onDone={() => {
            setDialog(undefined);
            say('success', `Certificate ${c.certificateNumber} corrected.`);
            reload();
          }}
        />
      )}
      {dialog?.kind === 'void' && (
        <VoidModal
          certificate={c}
          onClose={() => setDialog(undefined)}
          onDone={() => {
            setDialog(undefined);
            say('success', `Certificate ${c.certificateNumber} is void.`);
            reload();
          }}
        />
      )}
      {(dialog?.kind === 'add' || dialog?.kind === 'replace') && (
        <ContactForm
          certificate={c}
          {...(dialog.kind === 'replace' ? { replacing: dialog.contact } : {})}
          onClose={() => setDialog(undefined)}
          onDone={(message) => {
            setDialog(undefined);
            say('success', message);
            reload();
          }}
        />
      )}
    </ContentLayout>
  );
}

/** Reminders the audit trail records as sent, if it records any. */
/** A ledger entry's state in words (the indicator's colour is never the only signal). */
const REMINDER_STATUS: Record<ReminderSent['status'], [StatusIndicatorProps.Type, string]> = {
  SENT: ['success', 'Sent'],
  CLAIMED: ['in-progress', 'Sending'],
  UNREACHABLE: ['warning', 'No reachable contact'],
  OPTED_OUT: ['stopped', 'Every contact opted out'],
};

const offsetInWords = (offset: number) =>
  offset > 0
    ? `${offset} days before the end`
    : offset === 0
      ? 'On the end day'
      : `${-offset} days after the end`;

/** The certificate's renewal reminder ledger, by day: one row per term end and offset. */
function RemindersSent({ reminders }: { reminders: ReminderSent[] }) {
  return (
    <Table
      variant="borderless"
      header={
        <Header variant="h3" counter={`(${reminders.length})`}>
          Reminders sent
        </Header>
      }
      items={reminders}
      trackBy={(r) => `${r.termEnd} ${r.offset}`}
      columnDefinitions={[
        { id: 'day', header: 'Day', cell: (r) => r.day, isRowHeader: true },
        { id: 'offset', header: 'Reminder', cell: (r) => `${offsetInWords(r.offset)} (${r.termEnd})` },
        {
          id: 'status',
          header: 'Status',
          cell: (r) => {
            const [type, label] = REMINDER_STATUS[r.status] ?? ['info', r.status];
            return <StatusIndicator type={type}>{label}</StatusIndicator>;
          },
        },
        {
          id: 'recipients',
          header: 'Recipients',
          cell: (r) => (r.recipients === 1 ? '1 recipient' : `${r.recipients} recipients`),
        },
      ]}
    />
  );
}

const EMAIL_STATUS: Record<string, StatusIndicatorProps.Type> = {
  SENT: 'success',
  DELIVERED: 'success',
  PENDING: 'pending',
  FAILED: 'error',
};

function Contacts({
  certificate: c,
  onAdd,
  onReplace,
  onResend,
}: {
  certificate: Certificate;
  onAdd(): void;
  onReplace(contact: CertificateContact): void;
  onResend(contact: CertificateContact): void;
}) {
  const active = c.contacts.filter((x) => x.status === 'ACTIVE');
  const limit = c.contactLimit?.limit;
  const lineOf = new Map(c.products.map((p) => [p.serialNumber, p.productLine ?? p.product]));
  // Per product (or product line, for BCS Remote): how many active contacts may call about it.
  const seats = c.products.map((p) => {
    const scope =
      c.contactLimit?.scope === 'PRODUCT_LINE'
        ? c.products
            .filter((q) => lineOf.get(q.serialNumber) === lineOf.get(p.serialNumber))
            .map((q) => q.serialNumber)
        : [p.serialNumber];
    const used = active.filter((x) => (x.serialNumbers ?? []).some((s) => scope.includes(s))).length;
    return { product: p, used };
  });
  const full = limit != null && seats.every((s) => s.used >= limit);
  const counter =
    limit === undefined
      ? `${active.length} active`
      : limit === null
        ? `${active.length} active; ${c.tier} has no limit`
        : seats.length === 1
          ? `${seats[0]!.used} of ${limit} designated contacts`
          : seats.map((s) => `${s.product.serialNumber}: ${s.used} of ${limit}`).join('; ');
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          counter={`(${counter})`}
          description={
            limit == null
              ? undefined
              : `${c.tier} allows ${limit} designated contacts per ${c.contactLimit?.scope === 'PRODUCT_LINE' ? 'product line' : 'product'}, the primary technical contact included.`
          }
          actions={
            c.status === 'ACTIVE' && (
              <Button
                onClick={onAdd}
                disabled={full}
                disabledReason={`${c.tier} allows ${limit} contacts per product`}
              >
                Add designated contact
              </Button>
            )
          }
        >
          Contacts
        </Header>
      }
      items={c.contacts}
      trackBy="contactId"
      wrapLines
      columnDefinitions={[
        { id: 'id', header: 'Contact ID', cell: (x) => x.contactId, isRowHeader: true, minWidth: 120 },
        {
          id: 'role',
          header: 'Role and status',
          minWidth: 130,
          cell: (x) => (
            <>
              <div>{x.role === 'PRIMARY' ? 'Primary' : 'Designated'}</div>
              <StatusIndicator type={x.status === 'ACTIVE' ? 'success' : 'stopped'}>
                {x.erased ? 'Erased' : x.status === 'ACTIVE' ? 'Active' : 'Replaced'}
              </StatusIndicator>
            </>
          ),
        },
        {
          id: 'contact',
          header: 'Contact',
          cell: (x) =>
            x.erased ? (
              `Erased (${x.erased.pseudonym})`
            ) : (
              <>
                <div>{x.name ?? '—'}</div>
                <div>{x.email ?? '—'}</div>
                {x.phone && <div>{x.phone}</div>}
              </>
            ),
        },
        // With one product every contact has it: the column would only repeat it.
        ...(c.products.length > 1
          ? [
              {
                id: 'serials',
                header: 'Products',
                cell: (x: CertificateContact) => (x.serialNumbers ?? []).join(', ') || '—',
              },
            ]
          : []),
        {
          id: 'emails',
          header: 'Emails',
          minWidth: 210,
          cell: (x) => (
            <SpaceBetween size="xxxs">
              {x.contactIdEmail ? (
                <div>
                  <StatusIndicator type={EMAIL_STATUS[x.contactIdEmail.status] ?? 'info'}>
                    Contact ID email {x.contactIdEmail.status}
                  </StatusIndicator>
                  {(x.contactIdEmail.sentAt || x.contactIdEmail.failure) && (
                    <Box variant="small" display="block">
                      {x.contactIdEmail.sentAt ? when(x.contactIdEmail.sentAt) : ''}
                      {x.contactIdEmail.failure ? ` ${x.contactIdEmail.failure}` : ''}
                    </Box>
                  )}
                </div>
              ) : (
                <span>No Contact ID email</span>
              )}
              {x.delivery && (
                <StatusIndicator type={x.delivery.state === 'OK' ? 'success' : 'warning'}>
                  {x.delivery.state === 'OK' ? 'Address reaches' : `Address ${x.delivery.state}`}
                  {x.delivery.since ? ` since ${when(x.delivery.since)}` : ''}
                </StatusIndicator>
              )}
              {x.status === 'ACTIVE' && (
                <Box variant="small" display="block">
                  {x.remindersOptOut
                    ? `Renewal reminders stopped ${when(x.remindersOptOut.at)}`
                    : 'Receives renewal reminders'}
                </Box>
              )}
            </SpaceBetween>
          ),
        },
        {
          id: 'actions',
          header: 'Actions',
          minWidth: 140,
          cell: (x) =>
            x.status === 'ACTIVE' && c.status === 'ACTIVE' ? (
              <SpaceBetween direction="horizontal" size="xxs">
                <Button
                  variant="inline-link"
                  ariaLabel={`Replace contact ${x.contactId}`}
                  onClick={() => onReplace(x)}
                >
                  Replace
                </Button>
                <Button
                  variant="inline-link"
                  ariaLabel={`Resend Contact ID ${x.contactId}`}
                  onClick={() => onResend(x)}
                >
                  Resend
                </Button>
              </SpaceBetween>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

const ACTIONS: Record<string, string> = {
  CERTIFICATE_REGISTERED: 'Registered',
  CERTIFICATE_RENEWED: 'Registered as a renewal',
  CERTIFICATE_CORRECTED: 'Corrected',
  CERTIFICATE_VOIDED: 'Voided',
  CONTACT_ADDED: 'Designated contact added',
  CONTACT_REPLACED: 'Contact replaced',
  CONTACT_ID_RESENT: 'Contact ID sent again',
  CONTACT_ID_SELF_SERVICE_RESENT: 'Contact ID sent again (customer request)',
  PERSONAL_DATA_ERASED: 'Personal data erased',
  REMINDERS_OPTED_OUT: 'Renewal reminders stopped (unsubscribe)',
};

/** What an audit entry changed, in words: a correction's fields, else its other facts. */
function details(e: AuditEntry): string {
  if (e.changes?.length)
    return e.changes.map((ch) => `${ch.field}: ${show(ch.before)} → ${show(ch.after)}`).join('; ');
  const skip = new Set(['at', 'action', 'actor', 'requestId', 'revision', 'optOutKey']);
  return Object.entries(e)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join('; ');
}
const show = (v: unknown): string =>
  v === null || v === undefined
    ? '(none)'
    : typeof v === 'string'
      ? v
      : Array.isArray(v)
        ? v.map(show).join(', ')
        : JSON.stringify(v);

function AuditTrail({ audit }: { audit: AuditEntry[] }) {
  return (
    <Table
      variant="container"
      header={
        <Header variant="h2" counter={`(${audit.length})`}>
          Audit trail
        </Header>
      }
      items={audit}
      trackBy={(e) => `${e.at} ${e.action}`}
      wrapLines
      columnDefinitions={[
        { id: 'when', header: 'When', cell: (e) => when(e.at), isRowHeader: true },
        { id: 'who', header: 'Who', cell: (e) => (e.actor ? `${e.actor.subject} (${e.actor.role})` : '—') },
        { id: 'what', header: 'What', cell: (e) => ACTIONS[e.action] ?? e.action },
        { id: 'details', header: 'Details', cell: (e) => details(e) || '—' },
      ]}
    />
  );
}

function VoidModal({
  certificate,
  onClose,
  onDone,
}: {
  certificate: Certificate;
  onClose(): void;
  onDone(): void;
}) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/certificates/${seg(certificate.certificateNumber)}`, { method: 'DELETE' });
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      visible
      closeAriaLabel="Close dialog"
      onDismiss={onClose}
      header={`Void certificate ${certificate.certificateNumber}?`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" loading={busy} onClick={() => void confirm()}>
              Void certificate
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          Void only a certificate registered in error. Its{' '}
          {certificate.contacts.filter((x) => x.status === 'ACTIVE').length} Contact ID(s) stop verifying,
          renewal reminders stop, and its serials can be registered again.
        </Box>
        {error && <Problem error={error} header="The certificate was not voided" />}
      </SpaceBetween>
    </Modal>
  );
}
