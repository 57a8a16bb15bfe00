/**
 * Domain events: what other systems may learn happened (CONTRACT.md "Batch import and
 * integrations"). Each is built here from the fact it reports, with an `id` derived from
 * that fact alone (its key, its revision), so a retried or replayed write can only ever
 * produce the same event, and consumers deduplicate by `detail.id` (EventBridge delivers at
 * least once). A detail carries identifiers and facts, never a person's email address,
 * phone number, name or postal address: those stay in the service, behind the Contact ID.
 */
import type { Actor } from './actors.ts';
import type { Contact, RegisteredCertificate } from './registration.ts';
import * as z from './zod.ts';

/** The EventBridge `source` of every event. */
export const EVENT_SOURCE = 'entitlements';

const actor = z.object({ subject: z.string(), role: z.string() });
const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const instant = z.string().check(z.minLength(20));
const serialNumbers = z.array(z.string());
const base = { id: z.string() };

/** An address SES told us not to write to again: named by the hash the service keys it by, never itself. */
const addressMarkedDetail = () =>
  z.object({
    ...base,
    addressHash: z.string(),
    /** When SES received the feedback. */
    since: instant,
    /** The SES message it answers. */
    messageId: z.string(),
    subType: z.optional(z.string()),
    at: instant,
  });

/** The detail of each event type, by its detail-type: the JSON Schemas in schemas/events are generated from these. */
export const EVENT_DETAILS = {
  CertificateRegistered: z.object({
    ...base,
    certificateNumber: z.string(),
    salesOrderNumber: z.string(),
    tier: z.string(),
    term: z.object({ start: day, end: day }),
    products: z.array(z.object({ serialNumber: z.string(), product: z.string(), version: z.string() })),
    primaryContactId: z.string(),
    registeredAt: instant,
    actor: z.optional(actor),
  }),
  CertificateRenewed: z.object({
    ...base,
    certificateNumber: z.string(),
    salesOrderNumber: z.string(),
    /** The certificates whose serials this one renews. */
    renewalOf: z.array(z.string()),
    tier: z.string(),
    term: z.object({ start: day, end: day }),
    serialNumbers,
    primaryContactId: z.string(),
    registeredAt: instant,
    actor: z.optional(actor),
  }),
  ContactIdIssued: z.object({
    ...base,
    contactId: z.string(),
    certificateNumber: z.string(),
    role: z.enum(['PRIMARY', 'DESIGNATED']),
    serialNumbers,
    issuedAt: instant,
  }),
  ContactIdResent: z.object({
    ...base,
    contactId: z.string(),
    certificateNumber: z.string(),
    /** The notice the email goes out as (one per resend). */
    noticeId: z.string(),
    requestedAt: instant,
    actor,
  }),
  ContactAdded: z.object({
    ...base,
    certificateNumber: z.string(),
    contactId: z.string(),
    serialNumbers,
    at: instant,
    actor,
  }),
  ContactReplaced: z.object({
    ...base,
    certificateNumber: z.string(),
    contactId: z.string(),
    replacedContactId: z.string(),
    serialNumbers,
    at: instant,
    actor,
  }),
  CertificateCorrected: z.object({
    ...base,
    certificateNumber: z.string(),
    revision: z.number(),
    /** The names of the fields corrected; their values stay in the audit trail. */
    fields: z.array(z.string()),
    at: instant,
    actor,
  }),
  CertificateVoided: z.object({
    ...base,
    certificateNumber: z.string(),
    serialNumbers,
    at: instant,
    actor,
  }),
  ReminderSent: z.object({
    ...base,
    certificateNumber: z.string(),
    termEnd: day,
    /** Days before the term's end (negative: after it). */
    offset: z.number(),
    sentAt: instant,
  }),
  LifecycleMilestonePassed: z.object({
    ...base,
    product: z.string(),
    major: z.number(),
    phase: z.string(),
    date: day,
    at: instant,
  }),
  UpgradeDecided: z.object({
    ...base,
    product: z.string(),
    version: z.string(),
    gaDate: day,
    serialNumber: z.string(),
    entitled: z.boolean(),
    rule: z.string(),
    decidedAt: instant,
  }),
  EmailBounced: addressMarkedDetail(),
  EmailComplained: addressMarkedDetail(),
  PersonalDataErased: z.object({
    ...base,
    contactId: z.string(),
    fields: z.array(z.string()),
    at: instant,
    actor,
  }),
} as const;

export type DetailType = keyof typeof EVENT_DETAILS;
export const DETAIL_TYPES = Object.keys(EVENT_DETAILS) as DetailType[];
export type EventDetail<T extends DetailType> = z.infer<(typeof EVENT_DETAILS)[T]>;

/** An event as the outbox keeps it and the bus carries it. */
export interface DomainEvent<T extends DetailType = DetailType> {
  id: string;
  detailType: T;
  /** When the fact happened (ISO instant), on the service's clock. */
  time: string;
  detail: EventDetail<T>;
}

/** Who acted, without a user name (a Cognito user name may be an email address). */
export const eventActor = (a: Actor): { subject: string; role: string } => ({
  subject: a.subject,
  role: a.role,
});

/**
 * The event reporting a fact: `key` names the fact (a certificate number, a Contact ID, a
 * ledger entry, a revision) so the same fact always gives the same id.
 */
export function domainEvent<T extends DetailType>(
  detailType: T,
  key: string,
  time: string,
  facts: Omit<EventDetail<T>, 'id'>,
): DomainEvent<T> {
  const id = `${detailType}:${key}`;
  return { id, detailType, time, detail: { id, ...facts } as EventDetail<T> };
}

/** Whether a detail holds something that looks like an email address or a phone number. */
export function carriesContactData(detail: unknown): boolean {
  const text = JSON.stringify(detail);
  return /[^\s"@]+@[^\s"@]+\.[a-z]{2,}/i.test(text) || /\+\d[\d ().-]{6,}\d/.test(text);
}

/** The JSON Schema of an event type's detail, as committed in schemas/events/<DetailType>.json. */
export function eventJsonSchema(detailType: DetailType): Record<string, unknown> {
  return {
    $id: `https://entitlements.example/schemas/events/${detailType}.json`,
    title: detailType,
    description: `The detail of an EventBridge event of source "${EVENT_SOURCE}" and detail-type "${detailType}". Deduplicate by "id".`,
    ...z.toJSONSchema(EVENT_DETAILS[detailType]),
  };
}

/** The facts of a registration or renewal: the certificate, and the Contact ID it issued if any. */
export function registrationEvents(
  certificate: RegisteredCertificate,
  renewal: boolean,
  issued: Pick<Contact, 'contactId' | 'role' | 'serialNumbers' | 'issuedAt'> | null,
): DomainEvent[] {
  const n = certificate.certificateNumber;
  const common = {
    certificateNumber: n,
    salesOrderNumber: certificate.salesOrderNumber,
    tier: certificate.tier,
    term: { start: certificate.term.start, end: certificate.term.end },
    primaryContactId: certificate.primaryContactId,
    registeredAt: certificate.registeredAt,
    ...(certificate.registeredBy ? { actor: eventActor(certificate.registeredBy) } : {}),
  };
  const events: DomainEvent[] = [
    renewal
      ? domainEvent('CertificateRenewed', n, certificate.registeredAt, {
          ...common,
          renewalOf: certificate.renewalOf,
          serialNumbers: certificate.products.map((p) => p.serialNumber),
        })
      : domainEvent('CertificateRegistered', n, certificate.registeredAt, {
          ...common,
          products: certificate.products.map((p) => ({
            serialNumber: p.serialNumber,
            product: p.product,
            version: p.version,
          })),
        }),
  ];
  if (issued) events.push(contactIdIssued(issued, n));
  return events;
}

/** A Contact ID issued, once ever: its id is the Contact ID's. */
export function contactIdIssued(
  contact: Pick<Contact, 'contactId' | 'role' | 'serialNumbers' | 'issuedAt'>,
  certificateNumber: string,
): DomainEvent<'ContactIdIssued'> {
  return domainEvent('ContactIdIssued', contact.contactId, contact.issuedAt, {
    contactId: contact.contactId,
    certificateNumber,
    role: contact.role,
    serialNumbers: contact.serialNumbers,
    issuedAt: contact.issuedAt,
  });
}

/** A contact added or replaced (each keyed by the Contact ID it issued), and that Contact ID issued. */
export function contactChangeEvents(
  change: { kind: 'ADDED' | 'REPLACED'; contact: Contact; replacedContactId?: string },
  at: string,
  by: Actor,
): DomainEvent[] {
  const { contact } = change;
  const facts = {
    certificateNumber: contact.certificateNumber,
    contactId: contact.contactId,
    serialNumbers: contact.serialNumbers,
    at,
    actor: eventActor(by),
  };
  return [
    change.kind === 'ADDED'
      ? domainEvent('ContactAdded', contact.contactId, at, facts)
      : domainEvent('ContactReplaced', contact.contactId, at, {
          ...facts,
          replacedContactId: change.replacedContactId as string,
        }),
    contactIdIssued(contact, contact.certificateNumber),
  ];
}

/** The same Contact ID emailed again: one event per resend notice. */
export const contactIdResent = (
  resend: { contactId: string; certificateNumber: string; noticeId: string; at: string },
  by: Actor,
): DomainEvent<'ContactIdResent'> =>
  domainEvent('ContactIdResent', resend.noticeId, resend.at, {
    contactId: resend.contactId,
    certificateNumber: resend.certificateNumber,
    noticeId: resend.noticeId,
    requestedAt: resend.at,
    actor: eventActor(by),
  });

/** A correction, keyed by the revision it made (each revision is written once). */
export const certificateCorrected = (
  certificateNumber: string,
  revision: number,
  fields: readonly string[],
  at: string,
  by: Actor,
): DomainEvent<'CertificateCorrected'> =>
  domainEvent('CertificateCorrected', `${certificateNumber}:r${revision}`, at, {
    certificateNumber,
    revision,
    fields: [...new Set(fields)],
    at,
    actor: eventActor(by),
  });

/** A void: a certificate is voided once. */
export const certificateVoided = (
  certificate: Pick<RegisteredCertificate, 'certificateNumber' | 'products'>,
  at: string,
  by: Actor,
): DomainEvent<'CertificateVoided'> =>
  domainEvent('CertificateVoided', certificate.certificateNumber, at, {
    certificateNumber: certificate.certificateNumber,
    serialNumbers: certificate.products.map((p) => p.serialNumber),
    at,
    actor: eventActor(by),
  });

/** A lifecycle milestone passed: a phase is entered once per scheduled date. */
export const lifecycleMilestonePassed = (
  m: { product: string; major: number; phase: string; date: string },
  at: string,
): DomainEvent<'LifecycleMilestonePassed'> =>
  domainEvent('LifecycleMilestonePassed', `${m.product}#${m.major}#${m.phase}@${m.date}`, at, { ...m, at });

/** An upgrade decision, from its record (which is its own outbox item: one per serial and release). */
export const upgradeDecided = (d: {
  serialNumber: string;
  product: string;
  toVersion: string;
  gaDate: string;
  entitled: boolean;
  rule: string;
  decidedAt: string;
}): DomainEvent<'UpgradeDecided'> =>
  domainEvent('UpgradeDecided', `${d.serialNumber}:${d.product}:${d.toVersion}`, d.decidedAt, {
    product: d.product,
    version: d.toVersion,
    gaDate: d.gaDate,
    serialNumber: d.serialNumber,
    entitled: d.entitled,
    rule: d.rule,
    decidedAt: d.decidedAt,
  });

/** An address marked BOUNCED or COMPLAINED, once per address (its hash keys the mark). */
export const addressMarked = (
  mark: { state: 'BOUNCED' | 'COMPLAINED'; since: string; messageId: string; subType?: string },
  addressHash: string,
  at: string,
): DomainEvent<'EmailBounced' | 'EmailComplained'> =>
  domainEvent(mark.state === 'BOUNCED' ? 'EmailBounced' : 'EmailComplained', addressHash, at, {
    addressHash,
    since: mark.since,
    messageId: mark.messageId,
    ...(mark.subType ? { subType: mark.subType } : {}),
    at,
  });

/** A renewal reminder gone: its ledger entry (certificate, term end, offset) is marked SENT once. */
export const reminderSent = (
  r: { certificateNumber: string; termEnd: string; offset: number },
  sentAt: string,
): DomainEvent<'ReminderSent'> =>
  domainEvent('ReminderSent', `${r.certificateNumber}:${r.termEnd}:${r.offset}`, sentAt, { ...r, sentAt });

/** A contact's personal data erased (once: a repeat changes nothing). */
export const personalDataErased = (
  contactId: string,
  fields: readonly string[],
  at: string,
  by: Actor,
): DomainEvent<'PersonalDataErased'> =>
  domainEvent('PersonalDataErased', contactId, at, {
    contactId,
    fields: [...fields],
    at,
    actor: eventActor(by),
  });

/**
 * The event a new item of the table's stream reports, or null: an outbox item's event, or an
 * upgrade decision's (its record is its own outbox: one write per decision, not three). Only
 * inserts: a rewrite of the same fact (MODIFY) or the outbox item's expiry (REMOVE) is not a new fact.
 */
export function eventOfStreamRecord(
  eventName: string | undefined,
  image: Record<string, unknown> | undefined,
): DomainEvent | null {
  if (eventName !== 'INSERT' || !image) return null;
  if (image.type === 'OutboxEvent') return image.event as DomainEvent;
  if (image.type === 'UpgradeDecision') return upgradeDecided(image as Parameters<typeof upgradeDecided>[0]);
  return null;
}

/** The stream items the publisher is given (its event source mapping's filter says the same). */
export const PUBLISHED_ITEM_TYPES = ['OutboxEvent', 'UpgradeDecision'] as const;
