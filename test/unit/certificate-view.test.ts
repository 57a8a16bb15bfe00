/** The certificate view's additions for the console: each contact's serials, the tier's contact limit, the reminders sent. */
import { describe, expect, it } from 'vitest';
import { certificateView, type ReminderLedgerEntry } from '../../functions/core/certificate-view.ts';
import { decideRegistration } from '../../functions/core/registration.ts';
import { contractExample, parsedRequest, withField } from './fixtures.ts';

const registered = (tier: string) => {
  const decision = decideRegistration(
    parsedRequest(withField(contractExample(), 'tier', tier)),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: new Date('2026-03-01T10:00:00Z'),
      requestId: 'req-1',
      actor: { subject: 'alice', role: 'licensing-ops' },
      candidateContactId: '9800143084',
    },
  );
  if (decision.kind !== 'CREATE') throw new Error(`expected CREATE, got ${decision.kind}`);
  return decision;
};

describe('certificateView', () => {
  it.each([
    ['BASIC', 2, 'PRODUCT'],
    ['ESSENTIAL', 6, 'PRODUCT'],
    ['BCS_REMOTE', 6, 'PRODUCT_LINE'],
    ['BCS_DATACENTER', null, 'PRODUCT'],
  ])('shows the %s limit on designated contacts (%s per %s, the primary included)', (tier, limit, scope) => {
    const { certificate, contact, newSerials } = registered(tier);
    const view = certificateView(certificate, [contact], newSerials, [], '2026-06-01', {
      personalData: 'whole',
    });
    expect(view.contactLimit).toEqual({ limit, scope, primaryIncluded: true });
  });

  it("names each contact's serials, to masked readers too (they are no personal data)", () => {
    const { certificate, contact, newSerials } = registered('ESSENTIAL');
    const view = certificateView(certificate, [contact], newSerials, [], '2026-06-01', {
      personalData: 'masked',
    });
    expect(view.contacts[0]!.serialNumbers).toEqual(certificate.products.map((p) => p.serialNumber));
    expect(view.contacts[0]!.email).not.toBe(contact.email);
  });

  it('lists the renewal reminders sent by day, the same to every reader (counts, no personal data)', () => {
    const { certificate, contact, newSerials } = registered('ESSENTIAL');
    const entry = (
      offset: number,
      day: string,
      status: ReminderLedgerEntry['status'],
    ): ReminderLedgerEntry => ({
      termEnd: certificate.term.end,
      offset,
      day,
      status,
      recipients: status === 'SENT' ? 2 : 0,
      claimedAt: `${day}T06:00:00.000Z`,
      sentAt: status === 'SENT' ? `${day}T06:05:00.000Z` : null,
    });
    // The ledger's sort key orders by offset as text (…#30 before …#90): the view orders by day.
    const ledger = [entry(30, '2027-01-31', 'UNREACHABLE'), entry(90, '2026-12-02', 'SENT')];
    const read = (personalData: 'whole' | 'masked') =>
      certificateView(certificate, [contact], newSerials, [], '2027-02-01', { personalData }, ledger)
        .remindersSent;
    expect(read('whole')).toEqual([
      {
        termEnd: certificate.term.end,
        offset: 90,
        day: '2026-12-02',
        status: 'SENT',
        recipients: 2,
        sentAt: '2026-12-02T06:05:00.000Z',
      },
      {
        termEnd: certificate.term.end,
        offset: 30,
        day: '2027-01-31',
        status: 'UNREACHABLE',
        recipients: 0,
        sentAt: null,
      },
    ]);
    expect(read('masked')).toEqual(read('whole'));
  });

  it('lists no reminders for a certificate none was sent for', () => {
    const { certificate, contact, newSerials } = registered('BASIC');
    const view = certificateView(
      certificate,
      [contact],
      newSerials,
      [],
      '2026-06-01',
      { personalData: 'whole' },
      [],
    );
    expect(view.remindersSent).toEqual([]);
  });
});
