/**
 * What a certificate read shows (GET /certificates/{n}): the registration, its contacts
 * (replaced and erased ones too), each product's coverage on `today` and the version its
 * serial runs now with its history, the next reminder and the renewal reminders sent (its
 * ledger, by day), and the audit trail, the registration
 * first, each entry with who acted. Personal data as its reader may see it (core/personal-data):
 * whole, or every email and phone number masked (contacts, the company's phone, audit
 * entries' values, a correction's before and after) and contacts' postal addresses left out.
 * Pure.
 */
import { summarizeCoverage } from './coverage.ts';
import { type AddressMark, deliveryView } from './delivery-events.ts';
import type { Notice } from './notices.ts';
import { type ContactOnRecord, maskPersonalData, type PersonalData } from './personal-data.ts';
import { optOutKey } from './recipients.ts';
import { maskEmail, maskPhone, type RegisteredCertificate, type RegisteredSerial } from './registration.ts';
import { OFFERINGS } from './tiers.ts';
import type { VersionHistoryEntry } from './upgrades.ts';

/** A renewal reminder ledger entry (adapters/reminders claim, adapters/notices markReceipts). */
export interface ReminderLedgerEntry {
  termEnd: string;
  /** Days before the term's end. */
  offset: number;
  /** The day it was due and claimed. */
  day: string;
  /** CLAIMED until every recipient's digest has gone, then SENT; UNREACHABLE or OPTED_OUT when no one got a line. */
  status: 'CLAIMED' | 'SENT' | 'UNREACHABLE' | 'OPTED_OUT';
  /** How many recipients got a line (a count: no personal data). */
  recipients: number;
  claimedAt: string;
  sentAt: string | null;
}

export function certificateView(
  certificate: RegisteredCertificate & { renewedBy?: string[] },
  contacts: ReadonlyArray<
    ContactOnRecord & {
      notice?: Pick<Notice, 'status' | 'sentAt' | 'failure'>;
      /** What SES reported about the contact's address (a hard bounce, a complaint), if anything. */
      addressMark?: Pick<AddressMark, 'state' | 'since'>;
    }
  >,
  serials: ReadonlyArray<RegisteredSerial & { versionHistory?: readonly VersionHistoryEntry[] }>,
  auditEvents: ReadonlyArray<Record<string, unknown>>,
  today: string,
  /** Who reads: licensing ops and integrations whole, anyone else masked (personalDataFor). */
  reader: { personalData: PersonalData },
  /** The certificate's own reminder ledger (a renewal's earlier certificates keep theirs). */
  reminders: ReadonlyArray<ReminderLedgerEntry> = [],
) {
  const whole = reader.personalData === 'whole';
  const email = (address: string) => (whole ? address : maskEmail(address));
  const phone = (number: string | undefined) => (number ? (whole ? number : maskPhone(number)) : null);
  const serialBy = new Map(serials.map((s) => [s.serialNumber, s]));
  // An address's opt-out of renewal reminders is audited where the contacts live, with its key.
  const remindersOptOuts = new Map(
    auditEvents
      .filter((e) => e.action === 'REMINDERS_OPTED_OUT' && typeof e.optOutKey === 'string')
      .map((e) => [String(e.optOutKey), { at: String(e.at) }]),
  );
  return {
    certificateNumber: certificate.certificateNumber,
    status: certificate.status ?? 'ACTIVE',
    salesOrderNumber: certificate.salesOrderNumber,
    tier: certificate.tier,
    term: { ...certificate.term, active: certificate.term.start <= today && today <= certificate.term.end },
    company: { ...certificate.company, phone: phone(certificate.company.phone) },
    registeredAt: certificate.registeredAt,
    renewalOf: certificate.renewalOf,
    renewedBy: certificate.renewedBy ?? [],
    contactsCertificate: certificate.contactsCertificate,
    contacts: [...contacts]
      .sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : 1))
      .map((c) => ({
        contactId: c.contactId,
        role: c.role,
        status: c.status,
        // An erased contact is its pseudonym: who erased it and when, nothing of the person.
        name: c.erasedAt ? null : c.name,
        email: c.erasedAt ? null : email(c.email),
        phone: c.erasedAt ? null : phone(c.phone),
        ...(whole && c.address && !c.erasedAt ? { address: c.address } : {}),
        erased: c.erasedAt ? { pseudonym: c.pseudonym, at: c.erasedAt, by: c.erasedBy } : null,
        language: c.language,
        // Which products the contact may call about (what a replacement names again).
        serialNumbers: c.serialNumbers,
        issuedAt: c.issuedAt,
        remindersOptOut: c.erasedAt ? null : (remindersOptOuts.get(optOutKey(c.email)) ?? null),
        contactIdEmail: c.notice
          ? {
              status: c.notice.status,
              sentAt: c.notice.sentAt ?? null,
              // SES's reason may quote the address.
              ...(c.notice.failure
                ? { failure: whole ? c.notice.failure : String(maskPersonalData(c.notice.failure)) }
                : {}),
            }
          : null,
        // Whether email reaches this address: licensing ops ask for a correct one when it does not.
        delivery: deliveryView(c.addressMark),
      })),
    products: certificate.products.map((p) => {
      const serial = serialBy.get(p.serialNumber);
      const terms = serial?.terms ?? [];
      return {
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
        product: p.product,
        productLine: p.productLine,
        // The version the serial runs now (it moves after an upgrade), and the one registered.
        version: serial?.version ?? p.version,
        registeredVersion: p.version,
        versionHistory: serial?.versionHistory ?? [],
        coverage: { ...summarizeCoverage(terms, today), terms },
      };
    }),
    // The tier's designated-contact limit (core/contacts checkContactLimits), for the console to show.
    contactLimit: {
      limit: OFFERINGS[certificate.tier].contactLimit,
      scope: OFFERINGS[certificate.tier].limitScope,
      primaryIncluded: true,
    },
    nextReminder: certificate.nextReminder,
    // Counts and days only, so every reader sees the same.
    remindersSent: [...reminders]
      .sort((a, b) => (a.day === b.day ? b.offset - a.offset : a.day < b.day ? -1 : 1))
      .map((r) => ({
        termEnd: r.termEnd,
        offset: r.offset,
        day: r.day,
        status: r.status,
        recipients: r.recipients,
        sentAt: r.sentAt,
      })),
    asOf: today,
    audit: [
      {
        at: certificate.registeredAt,
        action: certificate.renewalOf.length ? 'CERTIFICATE_RENEWED' : 'CERTIFICATE_REGISTERED',
        requestId: certificate.requestId,
        actor: certificate.registeredBy,
      },
      ...auditEvents.map((e) => (whole ? { ...e } : (maskPersonalData(e) as Record<string, unknown>))),
    ],
  };
}
