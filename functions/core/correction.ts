/**
 * Corrections and voids (DOMAIN.md "Contracts and renewal", Decision: licensing operations
 * correct a registration made with a mistake and void one registered in error).
 *
 * A correction is a JSON merge patch (RFC 7396) over the registration as it was registered:
 * applied, validated as a registration, compared field by field, then turned into the writes
 * that keep serials, contacts, coverage and reminders in step. A void frees the certificate's
 * serials and stops its reminders. Pure: the time and what is stored are passed in.
 */
import { dayOf } from './calendar.ts';
import type { CoverageTerm } from './coverage.ts';
import { Conflict, type FieldError, InvalidInput, RuleViolation } from './errors.ts';
import {
  type Contact,
  type RegisteredCertificate,
  type RegisteredSerial,
  RegistrationRequest,
  type Roster,
  registrationFingerprint,
} from './registration.ts';
import { type DueReminder, nextReminder, offsetsFor, type ReminderOffsets } from './reminders.ts';
import type { RosterChange } from './renewal-contacts.ts';
import { OFFERINGS } from './tiers.ts';
import { issuesOf } from './validation.ts';

/** What a correction may change; everything else on a registration identifies it. */
export const CORRECTABLE_FIELDS = ['company', 'term', 'tier', 'products', 'primaryContact'] as const;
/** The primary contact's details a correction may change: the email is how they are known. */
export const CORRECTABLE_CONTACT_FIELDS = ['name', 'phone', 'language'] as const;

/** DynamoDB commits at most this many items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** A stored certificate as corrections see it: the revision serialises corrections and voids. */
export type CertificateOnRecord = RegisteredCertificate & {
  revision?: number;
  renewedBy?: string[];
  voidedAt?: string;
  /** A renewal: what it did to the roster of the certificate holding the contacts. */
  rosterChange?: RosterChange;
  formerContactIds?: string[];
};

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** RFC 7396: objects merge member by member, `null` removes a member, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A patch names only correctable fields (400 naming each other one). */
export function checkPatchFields(patch: Record<string, unknown>): void {
  // `{}` is a valid merge patch, but a correction that names nothing is a client's mistake.
  if (Object.keys(patch).length === 0)
    throw new InvalidInput('the patch names no field to correct', [
      { path: '(body)', message: `name at least one of ${CORRECTABLE_FIELDS.join(', ')}` },
    ]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(patch)) {
    if (!(CORRECTABLE_FIELDS as readonly string[]).includes(key))
      errors.push({
        path: key,
        message: `${key} cannot be corrected (correctable: ${CORRECTABLE_FIELDS.join(', ')})`,
      });
  }
  const contact = patch.primaryContact;
  if (contact !== undefined && contact !== null && !isObject(contact))
    errors.push({ path: 'primaryContact', message: 'a patch of primaryContact is an object' });
  if (contact === null)
    errors.push({ path: 'primaryContact', message: 'the primary contact cannot be removed' });
  if (isObject(contact))
    for (const key of Object.keys(contact))
      if (!(CORRECTABLE_CONTACT_FIELDS as readonly string[]).includes(key))
        errors.push({
          path: `primaryContact.${key}`,
          message:
            key === 'email'
              ? 'the primary contact’s email cannot be corrected: replace the contact instead'
              : `primaryContact.${key} cannot be corrected (correctable: ${CORRECTABLE_CONTACT_FIELDS.join(', ')})`,
        });
  if (errors.length) throw new InvalidInput('the patch changes fields a correction cannot change', errors);
}

/** The registration as it stands: the body that registering again would replay. */
export function registrationOf(
  certificate: RegisteredCertificate,
  primary: Contact,
): Record<string, unknown> {
  return {
    certificateNumber: certificate.certificateNumber,
    salesOrderNumber: certificate.salesOrderNumber,
    tier: certificate.tier,
    term: { ...certificate.term },
    company: { ...certificate.company },
    primaryContact: {
      name: primary.name,
      email: primary.email,
      ...(primary.phone ? { phone: primary.phone } : {}),
      language: primary.language,
    },
    products: certificate.products.map((p) => ({ ...p })),
    ...(certificate.timeZone ? { timeZone: certificate.timeZone } : {}),
    ...(certificate.country ? { country: certificate.country } : {}),
  };
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** What a correction looks at, read strongly consistent. */
export interface CorrectionContext {
  certificate: CertificateOnRecord;
  /** The contact the registration named (certificate.primaryContactId). */
  primary: Contact;
  /** The certificate holding the roster (this one, or the first registration of a renewal). */
  holder: { certificateNumber: string; roster: Roster; rosterVersion: number };
  /** The stored serials among those the certificate lists now and those the patch lists. */
  serials: RegisteredSerial[];
  /** A renewal: the certificates it renewed, with their renewals (serials it drops are theirs again). */
  renewedCertificates?: VoidContext['renewedCertificates'];
}

/** One serial item's write. */
export type SerialWrite =
  /** A new serial item (added, or the corrected number of a serial only this certificate covered). */
  | { kind: 'CREATE'; serial: RegisteredSerial }
  /** A serial only this certificate covered, no longer listed (or renamed): its number is free again. */
  | { kind: 'DELETE'; serialNumber: string; certificateNumber: string }
  /** A serial other certificates cover too, no longer listed: this certificate's term leaves it. */
  | { kind: 'REMOVE_TERM'; serialNumber: string; termIndex: number; certificateNumber: string }
  /** A serial still listed: its term follows the corrected term and tier, its attributes the correction. */
  | {
      kind: 'UPDATE';
      serialNumber: string;
      termIndex: number;
      term: CoverageTerm;
      attributes: Pick<RegisteredSerial, 'supportIdentifier' | 'product' | 'productLine' | 'version'>;
      /** The index keys move (product or version, support identifier changed). */
      reindex: boolean;
      /** The version the serial ran when read: a move (PUT /serials/{s}/version) meanwhile cancels. */
      versionRead: string;
    };

export type CorrectionDecision =
  | { kind: 'UNCHANGED' }
  | {
      kind: 'CORRECTED';
      /** The corrected certificate, one revision on. */
      certificate: CertificateOnRecord & { revision: number };
      /** Whether nextReminder (and its due-index entry) is written. */
      remindersChanged: boolean;
      changes: FieldChange[];
      serials: SerialWrite[];
      /** The holder's roster with renamed and added serials; always written, one version on. */
      roster: Roster;
      /** Contact items whose serials follow the correction. */
      contactSerials: Array<{ contactId: string; serialNumbers: string[] }>;
      /** The primary contact's corrected details, when they changed. */
      primaryDetails: Pick<Contact, 'name' | 'phone' | 'language'> | null;
      /** A serial number or support identifier changed: the primary gets the Contact ID email again. */
      identifiersChanged: boolean;
      /** A renewal dropping serials: the certificates it renewed remind about them again. */
      renewed: Unrenewal[];
    };

export interface CorrectionOptions {
  now: Date;
  reminderOffsets?: ReminderOffsets;
}

type Product = RegisteredCertificate['products'][number];

export function decideCorrection(
  patch: Record<string, unknown>,
  context: CorrectionContext,
  options: CorrectionOptions,
): CorrectionDecision {
  checkPatchFields(patch);
  const { certificate, primary } = context;
  const before = RegistrationRequest.safeParse(registrationOf(certificate, primary));
  const parsed = RegistrationRequest.safeParse(applyMergePatch(registrationOf(certificate, primary), patch));
  if (!parsed.success)
    throw new InvalidInput('the corrected registration is malformed', issuesOf(parsed.error));
  if (certificate.status === 'VOID')
    throw new Conflict(`certificate ${certificate.certificateNumber} is void: it cannot be corrected`);
  const corrected = parsed.data;
  const products: Product[] = corrected.products.map((p) => ({
    ...p,
    productLine: p.productLine ?? p.product,
  }));

  const beforeContact = before.success ? before.data.primaryContact : primary;
  const changes = [
    ...diff('tier', certificate.tier, corrected.tier),
    ...diff('term.start', certificate.term.start, corrected.term.start),
    ...diff('term.end', certificate.term.end, corrected.term.end),
    ...(['name', 'address', 'phone'] as const).flatMap((f) =>
      diff(`company.${f}`, certificate.company[f], corrected.company[f]),
    ),
    ...CORRECTABLE_CONTACT_FIELDS.flatMap((f) =>
      diff(`primaryContact.${f}`, beforeContact[f] ?? null, corrected.primaryContact[f] ?? null),
    ),
  ];
  const pairs = pairProducts(certificate.products, products);
  changes.push(...productChanges(pairs));
  if (changes.length === 0) return { kind: 'UNCHANGED' };

  const today = dayOf(options.now);
  const number = certificate.certificateNumber;
  const stored = new Map(context.serials.map((s) => [s.serialNumber, s]));
  const termChanged = certificate.tier !== corrected.tier || changes.some((c) => c.field.startsWith('term.'));
  const ownTerm = (serial: RegisteredSerial | undefined) =>
    serial ? serial.terms.findIndex((t) => t.certificateNumber === number) : -1;
  const sharedWith = (serial: RegisteredSerial | undefined) =>
    [...new Set((serial?.terms ?? []).map((t) => t.certificateNumber).filter((n) => n !== number))].sort();
  const term = (registeredOn: string | undefined): CoverageTerm => ({
    start: corrected.term.start,
    end: corrected.term.end,
    tier: corrected.tier,
    certificateNumber: number,
    ...(registeredOn ? { registeredOn } : {}),
  });
  const registeredOn = dayOf(certificate.registeredAt);

  const writes: SerialWrite[] = [];
  const conflicts: string[] = [];
  const renamed = new Map<string, string>();
  for (const { before: old, after: now } of pairs) {
    if (now && !old) {
      // Added: a number registered anywhere else cannot join this certificate.
      const existing = stored.get(now.serialNumber);
      if (existing) {
        conflicts.push(
          `serial ${now.serialNumber} is registered on certificate ${existing.terms.map((t) => t.certificateNumber).join(', ')}`,
        );
        continue;
      }
      writes.push({ kind: 'CREATE', serial: newSerial(now, certificate, [term(registeredOn)]) });
      continue;
    }
    if (!old) continue;
    const serial = stored.get(old.serialNumber);
    const index = ownTerm(serial);
    const others = sharedWith(serial);
    if (!now) {
      if (!serial || index < 0) continue;
      writes.push(
        others.length
          ? {
              kind: 'REMOVE_TERM',
              serialNumber: old.serialNumber,
              termIndex: index,
              certificateNumber: number,
            }
          : { kind: 'DELETE', serialNumber: old.serialNumber, certificateNumber: number },
      );
      continue;
    }
    const attributesChanged = (
      ['serialNumber', 'supportIdentifier', 'product', 'productLine', 'version'] as const
    ).some((f) => old[f] !== now[f]);
    if (attributesChanged && others.length) {
      conflicts.push(
        `serial ${old.serialNumber} is also covered by certificate ${others.join(', ')}: its identifiers, product and version are corrected there first, or after voiding it`,
      );
      continue;
    }
    if (old.serialNumber !== now.serialNumber) {
      const taken = stored.get(now.serialNumber);
      if (taken) {
        conflicts.push(
          `serial ${now.serialNumber} is registered on certificate ${taken.terms.map((t) => t.certificateNumber).join(', ')}`,
        );
        continue;
      }
      renamed.set(old.serialNumber, now.serialNumber);
      const own = serial?.terms[index];
      writes.push({
        kind: 'CREATE',
        serial: {
          ...(serial ?? {}),
          ...newSerial(now, certificate, [term(own?.registeredOn ?? registeredOn)]),
        },
      });
      if (serial) writes.push({ kind: 'DELETE', serialNumber: old.serialNumber, certificateNumber: number });
      continue;
    }
    if (!serial || index < 0 || (!attributesChanged && !termChanged)) continue;
    writes.push({
      kind: 'UPDATE',
      serialNumber: old.serialNumber,
      termIndex: index,
      term: term(serial.terms[index]?.registeredOn),
      attributes: {
        supportIdentifier: now.supportIdentifier,
        product: now.product,
        productLine: now.productLine,
        // A serial moved to a newer version since registration keeps it unless the correction
        // is of the version itself.
        version: now.version !== old.version ? now.version : serial.version,
      },
      reindex: attributesChanged,
      versionRead: serial.version,
    });
  }
  if (conflicts.length) throw new Conflict(conflicts.join('; '));

  const listed = new Set(products.map((p) => p.serialNumber));
  const added = products
    .filter((p) => !pairs.some((pair) => pair.before && pair.after === p))
    .map((p) => p.serialNumber);
  const holdsRoster = context.holder.certificateNumber === number;
  // Serials whose item goes (not renamed): no contact answers for them any more. A serial
  // another certificate still covers stays with its contacts.
  const freed = new Set(
    writes.flatMap((w) => (w.kind === 'DELETE' && !renamed.has(w.serialNumber) ? [w.serialNumber] : [])),
  );
  const roster: Roster = {};
  const contactSerials: Array<{ contactId: string; serialNumbers: string[] }> = [];
  for (const [contactId, entry] of Object.entries(context.holder.roster)) {
    const serialNumbers = [
      ...new Set([
        ...entry.serialNumbers.filter((s) => !freed.has(s)).map((s) => renamed.get(s) ?? s),
        ...(holdsRoster && entry.role === 'PRIMARY' ? added : []),
      ]),
    ].sort();
    const details =
      contactId === primary.contactId
        ? { name: corrected.primaryContact.name, language: corrected.primaryContact.language }
        : {};
    roster[contactId] = { ...entry, ...details, serialNumbers };
    if (serialNumbers.join() !== [...entry.serialNumbers].sort().join())
      contactSerials.push({ contactId, serialNumbers });
  }
  if (corrected.tier !== certificate.tier) checkRosterFits(roster, products, corrected.tier, number);

  const remindersChanged = termChanged && !fullyRenewed(certificate, products);
  const next: DueReminder | null = remindersChanged
    ? nextReminder(corrected.term.end, offsetsFor(corrected.tier, options.reminderOffsets), today)
    : certificate.nextReminder;
  const primaryChanged = changes.some((c) => c.field.startsWith('primaryContact.'));
  const identifiersChanged = changes.some(
    (c) => /\.(serialNumber|supportIdentifier)$/.test(c.field) || c.field === 'products',
  );

  const decision: Extract<CorrectionDecision, { kind: 'CORRECTED' }> = {
    kind: 'CORRECTED',
    certificate: {
      ...certificate,
      tier: corrected.tier,
      term: corrected.term,
      company: corrected.company,
      products,
      fingerprint: registrationFingerprint(corrected),
      nextReminder: next,
      revision: (certificate.revision ?? 0) + 1,
    },
    remindersChanged,
    changes,
    serials: writes,
    roster,
    contactSerials,
    primaryDetails: primaryChanged
      ? {
          name: corrected.primaryContact.name,
          language: corrected.primaryContact.language,
          ...(corrected.primaryContact.phone ? { phone: corrected.primaryContact.phone } : {}),
        }
      : null,
    identifiersChanged,
    renewed: releaseRenewed(
      number,
      writes.flatMap((w) => (w.kind === 'REMOVE_TERM' ? [w.serialNumber] : [])),
      [...listed],
      context.renewedCertificates ?? [],
      options,
    ).filter((u) => u.unrenew.length),
  };
  checkTransactionSize(correctionWrites(decision, holdsRoster));
  return decision;
}

/** The items a correction writes: certificate, holder, serials, contacts, audit, notice. */
export function correctionWrites(
  decision: Extract<CorrectionDecision, { kind: 'CORRECTED' }>,
  holdsRoster: boolean,
): number {
  const contacts = new Set(decision.contactSerials.map((c) => c.contactId));
  if (decision.primaryDetails) contacts.add(decision.certificate.primaryContactId);
  return (
    1 +
    (holdsRoster ? 0 : 1) +
    decision.serials.length +
    contacts.size +
    1 +
    (decision.identifiersChanged ? 1 : 0) +
    decision.renewed.length
  );
}

function checkTransactionSize(items: number): void {
  if (items > MAX_TRANSACTION_ITEMS)
    throw new RuleViolation(
      `this correction would write ${items} items, more than one transaction holds (${MAX_TRANSACTION_ITEMS}): correct the products in smaller steps`,
    );
}

function diff(field: string, before: unknown, after: unknown): FieldChange[] {
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field, before, after }];
}

/**
 * Which corrected product is which registered one: the same serial number; else the same
 * support identifier (a mistyped serial); else the same place in the list for the same
 * product (both identifiers mistyped). Anything left is removed or added.
 */
export function pairProducts(
  before: readonly Product[],
  after: readonly Product[],
): Array<{ before: Product | null; after: Product | null }> {
  const pairs = new Map<Product, Product>();
  const taken = new Set<Product>();
  const match = (test: (b: Product, a: Product, i: number, j: number) => boolean) =>
    after.forEach((a, j) => {
      if (taken.has(a)) return;
      const i = before.findIndex((b, i) => !pairs.has(b) && test(b, a, i, j));
      if (i < 0) return;
      pairs.set(before[i]!, a);
      taken.add(a);
    });
  match((b, a) => b.serialNumber === a.serialNumber);
  match(
    (b, a) =>
      b.supportIdentifier === a.supportIdentifier && !before.some((x) => x.serialNumber === a.serialNumber),
  );
  match(
    (b, a, i, j) =>
      i === j && b.product === a.product && !before.some((x) => x.serialNumber === a.serialNumber),
  );
  return [
    ...before.map((b) => ({ before: b, after: pairs.get(b) ?? null })),
    ...after.filter((a) => !taken.has(a)).map((a) => ({ before: null, after: a })),
  ];
}

function productChanges(pairs: ReturnType<typeof pairProducts>): FieldChange[] {
  return pairs.flatMap(({ before, after }) => {
    if (!before || !after) return [{ field: 'products', before, after }];
    const at = `products[${before.serialNumber}]`;
    return (['serialNumber', 'supportIdentifier', 'product', 'productLine', 'version'] as const).flatMap(
      (f) => diff(`${at}.${f}`, before[f], after[f]),
    );
  });
}

function newSerial(p: Product, certificate: RegisteredCertificate, terms: CoverageTerm[]): RegisteredSerial {
  return {
    serialNumber: p.serialNumber,
    supportIdentifier: p.supportIdentifier,
    product: p.product,
    productLine: p.productLine,
    version: p.version,
    contactsCertificate: certificate.contactsCertificate,
    terms,
  };
}

/** Every serial of the certificate renewed by a later one: it reminds nobody. */
export function fullyRenewed(
  certificate: CertificateOnRecord,
  products: ReadonlyArray<{ serialNumber: string }> = certificate.products,
): boolean {
  if (!certificate.renewedBy?.length) return false;
  // Written before renewals recorded which serials they renewed: the whole certificate was.
  if (!certificate.renewedSerials) return true;
  const renewed = new Set(certificate.renewedSerials);
  return products.every((p) => renewed.has(p.serialNumber));
}

/** A tier's contact limit holds for every product (or product line) of the corrected certificate. */
export function checkRosterFits(
  roster: Roster,
  products: readonly Product[],
  tier: RegisteredCertificate['tier'],
  certificateNumber: string,
): void {
  const [over] = seatsOverLimit(roster, products, tier);
  if (over)
    throw new Conflict(
      `${over.what} has ${over.count} contacts on certificate ${certificateNumber}, more than ${tier} allows (${over.limit}, the primary technical contact included): replace or remove contacts before changing the tier`,
    );
}

/** Each product (or product line) whose contacts pass the tier's limit, with their count. */
function seatsOverLimit(
  roster: Roster,
  products: readonly Product[],
  tier: RegisteredCertificate['tier'],
): Array<{ serialNumber: string; what: string; count: number; limit: number }> {
  const offering = OFFERINGS[tier];
  const limit = offering.contactLimit;
  if (limit === null) return [];
  const entries = Object.values(roster);
  return products.flatMap((product) => {
    const scope =
      offering.limitScope === 'PRODUCT_LINE'
        ? new Set(products.filter((p) => p.productLine === product.productLine).map((p) => p.serialNumber))
        : new Set([product.serialNumber]);
    const count = entries.filter((e) => e.serialNumbers.some((s) => scope.has(s))).length;
    const what =
      offering.limitScope === 'PRODUCT_LINE'
        ? `product line ${product.productLine}`
        : `${product.product} (serial ${product.serialNumber})`;
    return count > limit ? [{ serialNumber: product.serialNumber, what, count, limit }] : [];
  });
}

/** What voiding writes to one certificate's serials, the earlier certificates and their reminders. */
export interface VoidDecision {
  kind: 'VOIDED';
  serials: Array<Extract<SerialWrite, { kind: 'DELETE' | 'REMOVE_TERM' }>>;
  /** Earlier certificates this one renewed: its serials leave their renewed set; reminders come back. */
  renewed: Unrenewal[];
  /** A renewal that moved the roster: its change undone, or kept (and why). */
  roster?: RosterRevert;
}

export interface VoidContext {
  certificate: CertificateOnRecord;
  serials: RegisteredSerial[];
  /** The certificates that renewed this one (renewedBy). */
  renewals: CertificateOnRecord[];
  /** The certificates this one renewed (renewalOf), with the other renewals of each. */
  renewedCertificates: Array<{ certificate: CertificateOnRecord; renewals: CertificateOnRecord[] }>;
  /** A renewal with a roster change: the roster as it stands now, and the contacts it moved. */
  roster?: RosterRevertContext;
}

/** The roster a renewal changed, read when voiding it. */
export interface RosterRevertContext {
  holder: {
    certificateNumber: string;
    roster: Roster;
    rosterVersion: number;
    formerContactIds: string[];
    tier: RegisteredCertificate['tier'];
    products: RegisteredCertificate['products'];
  };
  /** The contacts the renewal moved (named, former primary), as stored now. */
  contacts: Contact[];
}

/** One contact item's write when a renewal's roster change is undone. */
export type ContactRevert =
  /** A contact the renewal issued leaves: REPLACED, never reissued, no longer verifying. */
  | { kind: 'WITHDRAW'; contactId: string; replacedBy: string }
  /** An active contact goes back to its seat: role and serials (conditioned on the role read). */
  | {
      kind: 'RESEAT';
      contactId: string;
      role: Contact['role'];
      serialNumbers: string[];
      roleRead: Contact['role'];
    }
  /** The former primary the renewal replaced comes back: ACTIVE, PRIMARY, its serials. */
  | { kind: 'REINSTATE'; contactId: string; serialNumbers: string[]; replacedBy: string };

export type RosterRevert =
  | {
      kind: 'REVERTED';
      /** The roster version read: the revert is written on it. */
      version: number;
      roster: Roster;
      primaryContactId: string;
      formerContactIds: string[];
      contacts: ContactRevert[];
    }
  /** The seats changed since the renewal: the roster stays as it is (still conditioned on the version read). */
  | { kind: 'KEPT'; version: number; reason: string };

/**
 * Undo a renewal's roster change (voiding the renewal): a contact it issued leaves the roster
 * (REPLACED, its Contact ID never reissued), a contact it promoted goes back to designated
 * with the serials it had, and the former primary is primary again, reinstated when the
 * renewal had replaced it. Only while those seats are as the renewal left them: once another
 * change moved them (a contact replaced, a later renewal naming someone else), or when the
 * tier has no room left to reinstate the former primary, the roster is kept, with the reason.
 */
export function decideRosterRevert(
  renewal: string,
  change: RosterChange,
  context: RosterRevertContext,
): RosterRevert {
  const { holder } = context;
  const version = holder.rosterVersion;
  const kept = (reason: string): RosterRevert => ({
    kind: 'KEPT',
    version,
    reason: `${reason}: the contacts of certificate ${holder.certificateNumber} stay as they are`,
  });
  const roster: Roster = { ...holder.roster };
  const named = roster[change.contactId];
  if (named?.role !== 'PRIMARY')
    return kept(
      `Contact ID ${change.contactId}, named by renewal ${renewal}, is no longer the primary contact (changed since)`,
    );
  const former = change.formerPrimary;
  const formerIds = new Set(holder.formerContactIds);
  const contacts: ContactRevert[] = [];
  if (change.created) {
    if (!former) return kept(`renewal ${renewal} replaced no primary contact to restore`);
    delete roster[change.contactId];
    formerIds.add(change.contactId);
    contacts.push({ kind: 'WITHDRAW', contactId: change.contactId, replacedBy: former.contactId });
  } else {
    // Only the serials the renewal gave it leave: a serial renamed by a correction since stays.
    const added = new Set(change.serialNumbers.filter((s) => !change.before?.serialNumbers.includes(s)));
    const role = change.before?.role ?? 'PRIMARY';
    const serialNumbers = named.serialNumbers.filter((s) => !added.has(s)).sort();
    roster[change.contactId] = { ...named, role, serialNumbers };
    contacts.push({ kind: 'RESEAT', contactId: change.contactId, role, serialNumbers, roleRead: 'PRIMARY' });
  }
  if (former?.became === 'DESIGNATED') {
    const entry = roster[former.contactId];
    if (entry?.role !== 'DESIGNATED')
      return kept(
        `the former primary contact ${former.contactId} is no longer a designated contact (changed since)`,
      );
    roster[former.contactId] = { ...entry, role: 'PRIMARY' };
    contacts.push({
      kind: 'RESEAT',
      contactId: former.contactId,
      role: 'PRIMARY',
      serialNumbers: entry.serialNumbers,
      roleRead: 'DESIGNATED',
    });
  } else if (former?.became === 'REPLACED') {
    const contact = context.contacts.find((c) => c.contactId === former.contactId);
    if (contact?.status !== 'REPLACED' || contact.replacedBy !== change.contactId)
      return kept(`the former primary contact ${former.contactId} was changed since`);
    const email = contact.email.toLowerCase();
    if (Object.values(roster).some((e) => e.email === email))
      return kept(
        `the former primary contact ${former.contactId}'s person holds another Contact ID on the roster`,
      );
    const serialNumbers = [...contact.serialNumbers].sort();
    roster[former.contactId] = {
      role: 'PRIMARY',
      serialNumbers,
      email,
      to: contact.email,
      name: contact.name,
      language: contact.language,
    };
    // Seats it left may have been taken since: it comes back only where the tier has room.
    const before = new Map(
      seatsOverLimit(holder.roster, holder.products, holder.tier).map((o) => [o.serialNumber, o.count]),
    );
    const over = seatsOverLimit(roster, holder.products, holder.tier).find(
      (o) => o.count > (before.get(o.serialNumber) ?? 0),
    );
    if (over)
      return kept(
        `${over.what} has no room left under ${holder.tier} to reinstate the former primary contact ${former.contactId}`,
      );
    formerIds.delete(former.contactId);
    contacts.push({
      kind: 'REINSTATE',
      contactId: former.contactId,
      serialNumbers,
      replacedBy: change.contactId,
    });
  }
  const primaries = Object.entries(roster).filter(([, e]) => e.role === 'PRIMARY');
  if (primaries.length !== 1 || !primaries[0])
    return kept(`undoing renewal ${renewal} would not leave exactly one primary contact`);
  return {
    kind: 'REVERTED',
    version,
    roster,
    primaryContactId: primaries[0][0],
    formerContactIds: [...formerIds].sort(),
    contacts,
  };
}

export function decideVoid(
  context: VoidContext,
  options: CorrectionOptions,
): { kind: 'ALREADY_VOID' } | VoidDecision {
  const { certificate } = context;
  const number = certificate.certificateNumber;
  if (certificate.status === 'VOID') return { kind: 'ALREADY_VOID' };
  const live = context.renewals.filter((r) => r.status !== 'VOID').map((r) => r.certificateNumber);
  if (live.length)
    throw new Conflict(
      `certificate ${number} was renewed by certificate ${live.sort().join(', ')}: void the renewal first`,
    );
  const serials: VoidDecision['serials'] = [];
  for (const serial of context.serials) {
    const index = serial.terms.findIndex((t) => t.certificateNumber === number);
    if (index < 0) continue;
    const others = serial.terms.some((t) => t.certificateNumber !== number);
    serials.push(
      others
        ? {
            kind: 'REMOVE_TERM',
            serialNumber: serial.serialNumber,
            termIndex: index,
            certificateNumber: number,
          }
        : { kind: 'DELETE', serialNumber: serial.serialNumber, certificateNumber: number },
    );
  }
  const renewed = releaseRenewed(
    number,
    certificate.products.map((p) => p.serialNumber),
    [],
    context.renewedCertificates,
    options,
  );
  const decision: VoidDecision = { kind: 'VOIDED', serials, renewed };
  if (certificate.rosterChange && context.roster)
    decision.roster = decideRosterRevert(number, certificate.rosterChange, context.roster);
  checkTransactionSize(voidWrites(decision));
  return decision;
}

/** An earlier certificate a renewal no longer renews some serials of: they leave its renewed set. */
export interface Unrenewal {
  certificateNumber: string;
  /** Serials no other live renewal still covers. */
  unrenew: string[];
  /** The reminder put back, when it had none and one is still due. */
  rearm: DueReminder | null;
  /** What the condition expects, so a renewal landing meanwhile is not undone. */
  renewedByCount: number;
}

/**
 * The earlier certificates `renewal` renewed, once it no longer covers `released` (voided, or
 * serials corrected away): those serials are no longer renewed unless another live renewal
 * (or `kept`, what the renewal still lists) covers them, and a certificate left with a serial
 * not renewed gets its next reminder back, computed from today.
 */
export function releaseRenewed(
  renewal: string,
  released: readonly string[],
  kept: readonly string[],
  renewedCertificates: VoidContext['renewedCertificates'],
  options: CorrectionOptions,
): Unrenewal[] {
  const today = dayOf(options.now);
  return renewedCertificates.map(({ certificate: earlier, renewals }) => {
    const stillRenewed = new Set([
      ...kept,
      ...renewals
        .filter((r) => r.certificateNumber !== renewal && r.status !== 'VOID')
        .flatMap((r) => r.products.map((p) => p.serialNumber)),
    ]);
    const onEarlier = new Set(earlier.products.map((p) => p.serialNumber));
    const unrenew = released.filter((s) => onEarlier.has(s) && !stillRenewed.has(s)).sort();
    const renewedAfter = earlier.renewedSerials
      ? new Set(earlier.renewedSerials.filter((s) => !unrenew.includes(s)))
      : stillRenewed;
    const allRenewed = earlier.products.every((p) => renewedAfter.has(p.serialNumber));
    const rearm =
      earlier.status !== 'VOID' && !earlier.nextReminder && !allRenewed && unrenew.length
        ? nextReminder(earlier.term.end, offsetsFor(earlier.tier, options.reminderOffsets), today)
        : null;
    return {
      certificateNumber: earlier.certificateNumber,
      unrenew,
      rearm,
      renewedByCount: earlier.renewedBy?.length ?? 0,
    };
  });
}

/** The items a void writes: the certificate, its serials, the certificates it renewed, the audit, the roster's. */
export function voidWrites(decision: VoidDecision): number {
  const roster = decision.roster
    ? 2 + (decision.roster.kind === 'REVERTED' ? decision.roster.contacts.length : 0)
    : 0;
  return 1 + decision.serials.length + decision.renewed.length + 1 + roster;
}
