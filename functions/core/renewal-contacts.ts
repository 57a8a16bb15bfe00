/**
 * What a renewal does to contacts and to the terms it renews (DOMAIN.md "Contact ID
 * issuance" and "Contracts and renewal", Decisions). Pure, time passed in.
 *
 * - The primary contact the renewal names gets the Contact ID by email, once: the one that
 *   person (by lower-cased email) already holds on the roster of the certificate holding the
 *   contacts, or a new one. They become the primary contact; the previous primary stays as a
 *   designated contact while the tier's limit allows (the primary counts), else is replaced.
 * - Each earlier certificate records the serials renewed; it stops reminding only once every
 *   serial of it is renewed, so a serial left out keeps its reminders.
 */
import type { Actor } from './actors.ts';
import { dayOf } from './calendar.ts';
import { checkContactLimits } from './contacts.ts';
import { Conflict } from './errors.ts';
import { contactIdIssuedNotice, type Notice } from './notices.ts';
import type {
  Contact,
  EarlierTerm,
  RegisteredCertificate,
  RegistrationRequest,
  Roster,
  RosterEntry,
  RosterHolder,
} from './registration.ts';
import { DEFAULT_LINKS, type NoticeLinks } from './wording.ts';

export interface RenewalContacts {
  /** The person the renewal names, as emailed: their Contact ID, held or new. */
  contact: Contact;
  /** A new Contact ID: its contact is put, on condition it was never issued. */
  issued: boolean;
  /** The holder's roster after the renewal, or null when it does not change. */
  roster: Roster | null;
  /** Active contacts whose role or serials change (promoted, demoted, more serials). */
  updated: Array<{ contactId: string; role: Contact['role']; serialNumbers: string[] }>;
  /** The previous primary, when the tier has no room for it beside the new primary. */
  replaced: { contactId: string; replacedBy: string; replacedAt: string } | null;
  /** What the roster change was, kept on the renewal certificate (a void undoes it); null when none. */
  change: RosterChange | null;
}

/**
 * A renewal's roster change, as recorded on the renewal certificate: enough for a void to
 * put the seats back (core/correction `decideRosterRevert`) and for the audit trail.
 */
export interface RosterChange {
  /** The primary contact the renewal named. */
  contactId: string;
  /** Its Contact ID was issued by this renewal (a new person). */
  created: boolean;
  /** Its seat before, when it already held one: a designated contact promoted, or the primary given more serials. */
  before?: { role: Contact['role']; serialNumbers: string[] };
  /** The serials it answers for after the renewal. */
  serialNumbers: string[];
  /** The primary before, when someone else: kept as designated, or replaced for want of room. */
  formerPrimary?: { contactId: string; became: 'DESIGNATED' | 'REPLACED' };
}

/** The audit event a renewal's roster change writes on the certificate holding the contacts. */
export interface RenewalContactsAudit {
  action: 'RENEWAL_CONTACTS_CHANGED';
  at: string;
  requestId: string;
  /** Who registered the renewal. */
  actor: Actor;
  /** The renewal certificate. */
  via: string;
  contactId: string;
  /** NEW_PRIMARY: a new person; PROMOTED: a designated contact; MORE_SERIALS: the same primary, more serials. */
  change: 'NEW_PRIMARY' | 'PROMOTED' | 'MORE_SERIALS';
  /** The person named (masked when read). */
  email: string;
  serialNumbers: string[];
  formerPrimary?: RosterChange['formerPrimary'];
}

export function renewalContactsAudit(
  change: RosterChange,
  renewal: Pick<RegisteredCertificate, 'certificateNumber' | 'registeredAt' | 'requestId'>,
  email: string,
  actor: Actor,
): RenewalContactsAudit {
  return {
    action: 'RENEWAL_CONTACTS_CHANGED',
    at: renewal.registeredAt,
    requestId: renewal.requestId,
    actor,
    via: renewal.certificateNumber,
    contactId: change.contactId,
    change: change.created
      ? 'NEW_PRIMARY'
      : change.before?.role === 'DESIGNATED'
        ? 'PROMOTED'
        : 'MORE_SERIALS',
    email,
    serialNumbers: change.serialNumbers,
    ...(change.formerPrimary ? { formerPrimary: change.formerPrimary } : {}),
  };
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function decideRenewalContacts(
  request: RegistrationRequest,
  renewal: RegisteredCertificate,
  holder: RosterHolder,
  options: { now: Date; candidateContactId: string },
): RenewalContacts {
  const details = request.primaryContact;
  const email = details.email.toLowerCase();
  const serials = renewal.products.map((p) => p.serialNumber).sort();
  const before = holder.entries;
  const held = Object.entries(before).find(([, e]) => e.email === email);
  const contactId = held ? held[0] : options.candidateContactId;
  const previous =
    Object.entries(before).find(([, e]) => e.role === 'PRIMARY')?.[0] ??
    (before[holder.primaryContactId] ? holder.primaryContactId : undefined);
  const mine = union(held?.[1].serialNumbers ?? [], serials);

  const roster: Roster = { ...before };
  const updated: RenewalContacts['updated'] = [];
  let replaced: RenewalContacts['replaced'] = null;
  if (previous && previous !== contactId) {
    const demoted: RosterEntry = { ...(before[previous] as RosterEntry), role: 'DESIGNATED' };
    roster[previous] = demoted;
    // A new person takes a seat on each serial: the previous primary keeps theirs only if the
    // renewal's tier has room for both (someone already on the roster takes no new seat).
    if (!held && !fits(renewal, holder, roster, serials, options.now)) {
      delete roster[previous];
      replaced = { contactId: previous, replacedBy: contactId, replacedAt: options.now.toISOString() };
    } else updated.push({ contactId: previous, role: 'DESIGNATED', serialNumbers: demoted.serialNumbers });
  }
  roster[contactId] = {
    ...(held?.[1] ?? { email, to: details.email, name: details.name, language: details.language }),
    role: 'PRIMARY',
    serialNumbers: mine,
  };
  if (held && (held[1].role !== 'PRIMARY' || !sameList(held[1].serialNumbers, mine)))
    updated.push({ contactId, role: 'PRIMARY', serialNumbers: mine });

  const changed = !held || updated.length > 0 || replaced !== null;
  const change: RosterChange | null = changed
    ? {
        contactId,
        created: !held,
        ...(held ? { before: { role: held[1].role, serialNumbers: [...held[1].serialNumbers].sort() } } : {}),
        serialNumbers: mine,
        ...(previous && previous !== contactId
          ? { formerPrimary: { contactId: previous, became: replaced ? 'REPLACED' : 'DESIGNATED' } }
          : {}),
      }
    : null;
  return {
    contact: {
      contactId,
      certificateNumber: holder.certificateNumber,
      role: 'PRIMARY',
      status: 'ACTIVE',
      name: details.name,
      email: details.email,
      ...(details.phone ? { phone: details.phone } : {}),
      language: details.language,
      serialNumbers: mine,
      issuedAt: options.now.toISOString(),
    },
    issued: !held,
    roster: changed ? roster : null,
    updated,
    replaced,
    change,
  };
}

/** Whether the roster has room for one more contact on `serials`, by the renewal's tier. */
function fits(
  renewal: RegisteredCertificate,
  holder: RosterHolder,
  roster: Roster,
  serials: string[],
  now: Date,
): boolean {
  try {
    // No serials passed: the limit is the renewal's tier, the term the contact is issued for.
    checkContactLimits(
      {
        certificate: renewal,
        roster: { certificateNumber: holder.certificateNumber, entries: roster, version: holder.version },
        serials: [],
      },
      roster,
      serials,
      dayOf(now),
    );
    return true;
  } catch (error) {
    if (error instanceof Conflict) return false;
    throw error;
  }
}

/** A renewal's Contact ID email: one per renewal certificate, kept on that certificate. */
export const renewalContactIdNoticeId = (contactId: string, certificateNumber: string): string =>
  `contact-id-${contactId}-renewal-${certificateNumber}`;

export function renewalContactIdNotice(
  contact: Contact,
  renewal: RegisteredCertificate,
  at: string,
  links: NoticeLinks = DEFAULT_LINKS,
): Notice {
  return {
    ...contactIdIssuedNotice(contact, renewal, at, undefined, links),
    id: renewalContactIdNoticeId(contact.contactId, renewal.certificateNumber),
  };
}

/** What a renewal records on an earlier certificate; `before` is the condition it commits on. */
export interface RenewedTerm {
  certificateNumber: string;
  before: string[];
  add: string[];
  /** Every serial of it is now renewed: its reminders stop. */
  complete: boolean;
}

export function renewedTerms(renewalOf: string[], earlier: EarlierTerm[], renewing: string[]): RenewedTerm[] {
  const byNumber = new Map(earlier.map((e) => [e.certificateNumber, e]));
  return renewalOf.map((certificateNumber) => {
    const e = byNumber.get(certificateNumber);
    if (!e) return { certificateNumber, before: [], add: [], complete: false };
    const before = [...e.renewedSerials].sort();
    const add = renewing.filter((s) => e.serialNumbers.includes(s) && !before.includes(s)).sort();
    const after = new Set([...before, ...add]);
    return { certificateNumber, before, add, complete: e.serialNumbers.every((s) => after.has(s)) };
  });
}
