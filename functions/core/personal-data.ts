/**
 * Personal data (CONTRACT.md "Who may do what"): who reads contacts' emails and phone
 * numbers whole, how a read masks them for everyone else, and what erasing a contact's
 * personal data (DELETE /contacts/{contactId}/personal-data) rewrites. Pure.
 */
import { createHash } from 'node:crypto';
import type { Actor } from './actors.ts';
import { Conflict } from './errors.ts';
import type { Notice } from './notices.ts';
import {
  type Contact,
  maskEmail,
  maskPhone,
  type RegisteredCertificate,
  type RosterEntry,
} from './registration.ts';
import type { RosterChange } from './renewal-contacts.ts';

/** How a read shows emails, phone numbers and contacts' postal addresses. */
export type PersonalData = 'whole' | 'masked';

/**
 * Licensing ops manage contacts and integrations keep them in sync: they read them whole.
 * Any other reader (a support engineer) sees them masked: enough to recognise a caller.
 */
export const personalDataFor = (role: Actor['role']): PersonalData =>
  role === 'licensing-ops' || role === 'integration' ? 'whole' : 'masked';

/** An address anywhere in a text (an SES failure, a free-text reason). */
const ADDRESS_IN_TEXT = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+/g;

/**
 * A value as a masked read shows it: every email address in it masked (maskEmail), and every
 * phone number (maskPhone) — a value under a key ending in `phone`, or a correction's
 * before/after of a field that does (`primaryContact.phone`, `company.phone`).
 */
export function maskPersonalData(value: unknown, key = ''): unknown {
  if (typeof value === 'string')
    return /phone$/i.test(key) ? maskPhone(value) : value.replace(ADDRESS_IN_TEXT, maskEmail);
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const field = typeof record.field === 'string' && 'before' in record ? record.field : null;
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        k,
        maskPersonalData(v, field && (k === 'before' || k === 'after') ? field : k),
      ]),
    );
  }
  return value;
}

// --- Erasure ---------------------------------------------------------------------------

/** What stands for an erased contact: stable for its Contact ID, and not the person. */
export const pseudonymOf = (contactId: string): string =>
  `erased-${createHash('sha256').update(contactId).digest('hex').slice(0, 8)}`;

/**
 * The `email` an erased contact keeps: an address that can never be delivered (RFC 2606's
 * `.invalid`), so every reader of a contact (a correction of the registration it was named
 * on, a replay) still reads a well-formed one, and nobody can be reached through it.
 */
export const erasedAddress = (pseudonym: string): string => `${pseudonym}@erased.invalid`;

/** What an erasure rewrote: field names and where, never values. */
export interface Erasure {
  /** The contact's fields whose values are gone (name and email hold the pseudonym). */
  contact: string[];
  /** Its entry in the Lookup index: GET /certificates?email= no longer finds it. */
  emailLookup: boolean;
  /** Its Contact ID email's recipient and greeting. */
  contactIdEmail: boolean;
  /** Its seat on the roster of a void certificate. */
  roster: boolean;
  /** Other emails kept with its address (a renewal's Contact ID email, self-service resends): their ids. */
  notices: string[];
  /** Audit entries that carried its name, email or phone, now the pseudonym. */
  audit: Array<{ certificateNumber: string; at: string; action: string; fields: string[] }>;
}

/** The answer to an erasure, the first time and every time after. */
export interface ErasureAnswer {
  contactId: string;
  certificateNumber: string;
  pseudonym: string;
  erasedAt: string;
  erasedBy: Actor;
  erased: Erasure;
}

/** A contact as stored: with its Contact ID email, and its erasure once erased. */
export type ContactOnRecord = Contact & {
  notice?: Notice;
  pseudonym?: string;
  erasedAt?: string;
  erasedBy?: Actor;
  erasure?: Erasure;
};

/** An audit entry, as the adapter read it (with whatever it needs to write it back). */
export interface AuditOnRecord {
  certificateNumber: string;
  entry: Record<string, unknown>;
}

export interface ErasureContext<A extends AuditOnRecord = AuditOnRecord> {
  contact: ContactOnRecord;
  /** Whether the contact is in the Lookup index (by its email). */
  indexed: boolean;
  /** The certificate holding the contact: its status, its roster. */
  holder: Pick<RegisteredCertificate, 'certificateNumber' | 'status' | 'roster'>;
  /** Every certificate whose contacts the holder holds (the holder and its renewals). */
  certificates: Array<
    Pick<RegisteredCertificate, 'certificateNumber' | 'status'> & {
      notice?: Notice;
      rosterChange?: RosterChange;
    }
  >;
  /** Notices on items of their own that were owed to the contact (self-service resends). */
  notices: Array<{ noticeId: string; notice: Notice }>;
  /** The audit entries of those certificates. */
  audits: A[];
}

/** A notice rewritten, with the status it was read in (the write's condition). */
export interface NoticeRewrite {
  notice: Notice;
  statusRead: Notice['status'];
  /** It was still owed: it leaves the pending-notice index, never to be sent. */
  wasPending: boolean;
}

export interface ErasureAudit {
  action: 'PERSONAL_DATA_ERASED';
  at: string;
  requestId: string;
  actor: Actor;
  contactId: string;
  pseudonym: string;
  fields: string[];
}

export type ErasureDecision<A extends AuditOnRecord = AuditOnRecord> =
  | { kind: 'ALREADY_ERASED'; answer: ErasureAnswer }
  | {
      kind: 'ERASE';
      answer: ErasureAnswer;
      contact: {
        statusRead: Contact['status'];
        /** What the item holds after: name and email the pseudonym's, the erasure recorded. */
        set: Pick<ContactOnRecord, 'name' | 'email' | 'pseudonym' | 'erasedAt' | 'erasedBy' | 'erasure'>;
        /** Fields removed from the item (phone, address). */
        remove: string[];
        notice: NoticeRewrite | null;
      };
      /** An active contact of a void certificate: the certificate must still be void. */
      holderMustBeVoid: boolean;
      /** Its seat on the holder's roster, rewritten (a void certificate keeps its roster). */
      rosterEntry: RosterEntry | null;
      /** Certificates whose own notice (a renewal's Contact ID email) was the contact's. */
      certificateNotices: Array<{ certificateNumber: string } & NoticeRewrite>;
      /** Notice items of their own (self-service resends). */
      itemNotices: Array<{ noticeId: string } & NoticeRewrite>;
      audits: Array<{ on: A; set: Record<string, unknown> }>;
      event: ErasureAudit;
    };

export interface ErasureCommand {
  actor: Actor;
  requestId: string;
  at: string;
}

/**
 * What erasing a contact's personal data rewrites: the contact, its roster seat (a void
 * certificate keeps its roster), the emails owed to it and every audit entry carrying its name,
 * address or phone, all to its pseudonym. A current contact of a live certificate (callers
 * verify with it) and one a renewal's void would reinstate keep theirs: 409. Erased already:
 * the answer it had, nothing rewritten.
 */
export function decideErasure<A extends AuditOnRecord>(
  context: ErasureContext<A>,
  command: ErasureCommand,
): ErasureDecision<A> {
  const { contact, holder } = context;
  const { contactId } = contact;
  if (contact.erasedAt && contact.pseudonym && contact.erasedBy && contact.erasure)
    return {
      kind: 'ALREADY_ERASED',
      answer: {
        contactId,
        certificateNumber: contact.certificateNumber,
        pseudonym: contact.pseudonym,
        erasedAt: contact.erasedAt,
        erasedBy: contact.erasedBy,
        erased: contact.erasure,
      },
    };
  const holderVoid = holder.status === 'VOID';
  if (contact.status === 'ACTIVE' && !holderVoid)
    throw new Conflict(
      `Contact ID ${contactId} is a current contact of certificate ${holder.certificateNumber}: replace it first (PUT /certificates/${holder.certificateNumber}/contacts/${contactId}), then erase its personal data`,
    );
  // A renewal that replaced this primary contact for want of room puts it back if voided.
  const reinstating = context.certificates.find(
    (c) =>
      c.status !== 'VOID' &&
      c.rosterChange?.formerPrimary?.contactId === contactId &&
      c.rosterChange.formerPrimary.became === 'REPLACED' &&
      c.rosterChange.contactId === contact.replacedBy,
  );
  if (reinstating)
    throw new Conflict(
      `renewal ${reinstating.certificateNumber} replaced Contact ID ${contactId}, and voiding it would make that contact primary again: its personal data stays while the renewal stands`,
    );

  const pseudonym = pseudonymOf(contactId);
  const person = personOf(contact, context.audits);
  const rewrite = (notice: Notice): NoticeRewrite => rewriteNotice(notice, person, pseudonym);

  const notice = contact.notice ? rewrite(contact.notice) : null;
  const seat = holder.roster?.[contactId];
  const rosterEntry: RosterEntry | null = seat
    ? (({ to: _to, ...entry }) => ({ ...entry, email: erasedAddress(pseudonym), name: pseudonym }))(seat)
    : null;
  const certificateNotices = context.certificates.flatMap((c) =>
    c.notice?.data.contactId === contactId
      ? [{ certificateNumber: c.certificateNumber, ...rewrite(c.notice) }]
      : [],
  );
  const itemNotices = context.notices
    .filter((n) => n.notice.data.contactId === contactId)
    .map((n) => ({ noticeId: n.noticeId, ...rewrite(n.notice) }));
  const audits = context.audits.flatMap((on) => {
    const set = changedFields(on.entry, scrub(on.entry, person, pseudonym) as Record<string, unknown>);
    return Object.keys(set).length ? [{ on, set }] : [];
  });

  const fields = (['name', 'email', 'phone', 'address'] as const).filter((f) => contact[f] !== undefined);
  const erasure: Erasure = {
    contact: [...fields],
    emailLookup: context.indexed,
    contactIdEmail: notice !== null,
    roster: rosterEntry !== null,
    notices: [...certificateNotices.map((n) => n.notice.id), ...itemNotices.map((n) => n.notice.id)],
    audit: audits.map(({ on, set }) => ({
      certificateNumber: on.certificateNumber,
      at: String(on.entry.at),
      action: String(on.entry.action),
      fields: Object.keys(set).sort(),
    })),
  };
  const answer: ErasureAnswer = {
    contactId,
    certificateNumber: contact.certificateNumber,
    pseudonym,
    erasedAt: command.at,
    erasedBy: command.actor,
    erased: erasure,
  };
  return {
    kind: 'ERASE',
    answer,
    contact: {
      statusRead: contact.status,
      set: {
        name: pseudonym,
        email: erasedAddress(pseudonym),
        pseudonym,
        erasedAt: command.at,
        erasedBy: command.actor,
        erasure,
      },
      remove: fields.filter((f) => f === 'phone' || f === 'address'),
      notice,
    },
    holderMustBeVoid: contact.status === 'ACTIVE',
    rosterEntry,
    certificateNotices,
    itemNotices,
    audits,
    event: {
      action: 'PERSONAL_DATA_ERASED',
      at: command.at,
      requestId: command.requestId,
      actor: command.actor,
      contactId,
      pseudonym,
      fields: [...fields],
    },
  };
}

/** What identifies the person wherever it was copied: their address (any case), names, phones and postal address. */
interface Person {
  email: string;
  names: Set<string>;
  phones: Set<string>;
  address?: string;
}

/**
 * The contact's values now, and those corrections replaced: a correction of the primary
 * contact's name or phone (before → after) leading to a value the person has (or had, going
 * back) was theirs, so its before was too. Newest first, so a chain of corrections is followed.
 */
function personOf(contact: ContactOnRecord, audits: readonly AuditOnRecord[]): Person {
  const known = {
    name: new Set([contact.name]),
    phone: new Set(contact.phone ? [contact.phone] : []),
  };
  const corrections = audits
    .map((a) => a.entry)
    .filter((e) => e.action === 'CERTIFICATE_CORRECTED' && Array.isArray(e.changes))
    .sort((a, b) => (String(a.at) < String(b.at) ? 1 : -1));
  for (const entry of corrections)
    for (const change of entry.changes as Array<{ field?: unknown; before?: unknown; after?: unknown }>) {
      const field =
        change.field === 'primaryContact.name'
          ? 'name'
          : change.field === 'primaryContact.phone'
            ? 'phone'
            : null;
      if (!field) continue;
      const values = [change.before, change.after].filter((v): v is string => typeof v === 'string');
      if (values.some((v) => known[field].has(v))) for (const v of values) known[field].add(v);
    }
  return {
    email: contact.email,
    names: known.name,
    phones: known.phone,
    ...(contact.address ? { address: contact.address } : {}),
  };
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A value with the person's data replaced by the pseudonym: their address anywhere in a text
 * (any case), a phone number or postal address anywhere in one, a name as a whole value.
 * Who acted (`actor`) is staff, not the person: left as it is.
 */
function scrub(value: unknown, person: Person, pseudonym: string): unknown {
  if (typeof value === 'string') {
    if (person.names.has(value.trim())) return pseudonym;
    let text = value.replace(new RegExp(literal(person.email), 'gi'), pseudonym);
    for (const phone of person.phones)
      if (phone.replace(/\D/g, '').length >= 5) text = text.replaceAll(phone, pseudonym);
    if (person.address && person.address.length >= 8) text = text.replaceAll(person.address, pseudonym);
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, person, pseudonym));
  if (value instanceof Set) return new Set([...value].map((v) => scrub(v, person, pseudonym)));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'actor' ? v : scrub(v, person, pseudonym)]),
    );
  return value;
}

/** The top-level attributes whose values the rewrite changed. */
function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => canonical(v) !== canonical(before[k])));
}

const canonical = (value: unknown) => JSON.stringify(value, (_, v) => (v instanceof Set ? [...v] : v));

/** A notice the person was owed: addressed to nobody, greeting the pseudonym; if still owed, never sent. */
function rewriteNotice(notice: Notice, person: Person, pseudonym: string): NoticeRewrite {
  const scrubbed = scrub(notice, person, pseudonym) as Notice;
  const wasPending = notice.status === 'PENDING';
  return {
    notice: {
      ...scrubbed,
      to: erasedAddress(pseudonym),
      ...(wasPending
        ? { status: 'UNDELIVERABLE', failure: 'the contact’s personal data was erased before it was sent' }
        : {}),
    },
    statusRead: notice.status,
    wasPending,
  };
}
