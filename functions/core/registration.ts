/**
 * Certificate registration (DOMAIN.md "Contact ID issuance", "Contracts and renewal").
 *
 * Use case: parse the request → load the certificate and the serials it names →
 * decide (create, replay, renewal, or refuse) → persist atomically → email the
 * primary technical contact their Contact ID, once.
 * This module is the "decide" part: pure, time passed in.
 */

import { createHash } from 'node:crypto';
import type { Actor } from './actors.ts';
import { dayOf, daysBetween } from './calendar.ts';
import type { CoverageTerm } from './coverage.ts';
import { Conflict, RuleViolation } from './errors.ts';
import {
  CertificateNumber,
  CountryCode,
  EmailAddress,
  IsoDate,
  isCalendarDate,
  Language,
  PhoneNumber,
  SalesOrderNumber,
  SerialNumber,
  SupportIdentifier,
  Text,
  Tier,
  TimeZone,
} from './identifiers.ts';
import { type DueReminder, nextReminder, offsetsFor, type ReminderOffsets } from './reminders.ts';
import { VersionString } from './versions.ts';
import * as z from './zod.ts';

/** Longest term we accept: a typo in a year (2062 for 2026) should not pass silently. */
export const MAX_TERM_DAYS = 5 * 366;
/** A renewal updates every serial in one transaction (100 actions at most), with room for the rest. */
export const MAX_PRODUCTS_PER_CERTIFICATE = 50;

// The term-level rules speak only about real dates; a malformed date has its own error.
const datesValid = (t: { start: string; end: string }) => isCalendarDate(t.start) && isCalendarDate(t.end);

export const Term = z.strictObject({ start: IsoDate, end: IsoDate }).check(
  z.refine((t) => !datesValid(t) || t.end >= t.start, {
    error: 'the term ends before it starts',
    path: ['end'],
  }),
  z.refine((t) => !datesValid(t) || daysBetween(t.start, t.end) <= MAX_TERM_DAYS, {
    error: `a term lasts at most ${MAX_TERM_DAYS} days`,
    path: ['end'],
  }),
);

export const CertificateProduct = z.strictObject({
  serialNumber: SerialNumber,
  supportIdentifier: SupportIdentifier,
  product: Text(100),
  version: VersionString,
  productLine: z.optional(Text(100)),
});

export const RegistrationRequest = z.strictObject({
  certificateNumber: CertificateNumber,
  salesOrderNumber: SalesOrderNumber,
  tier: Tier,
  term: Term,
  /** Where the software is installed: optional, and in the fingerprint only when given. */
  timeZone: z.optional(TimeZone),
  country: z.optional(CountryCode),
  company: z.strictObject({ name: Text(200), address: Text(500), phone: PhoneNumber }),
  primaryContact: z.strictObject({
    name: Text(200),
    email: EmailAddress,
    phone: z.optional(PhoneNumber),
    language: z._default(Language, 'en'),
  }),
  products: z.array(CertificateProduct).check(
    z.minLength(1, 'a certificate covers at least one product'),
    z.maxLength(
      MAX_PRODUCTS_PER_CERTIFICATE,
      `a certificate covers at most ${MAX_PRODUCTS_PER_CERTIFICATE} products`,
    ),
    z.superRefine((products, ctx) => {
      const seen = new Set<string>();
      products.forEach((p, i) => {
        if (seen.has(p.serialNumber))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'serialNumber'],
            message: `serial ${p.serialNumber} is listed twice`,
          });
        seen.add(p.serialNumber);
      });
    }),
  ),
});
export type RegistrationRequest = z.infer<typeof RegistrationRequest>;

export interface RegisteredCertificate {
  certificateNumber: string;
  salesOrderNumber: string;
  tier: RegistrationRequest['tier'];
  term: { start: string; end: string };
  company: RegistrationRequest['company'];
  products: Array<
    Required<Pick<RegistrationRequest['products'][number], 'productLine'>> &
      RegistrationRequest['products'][number]
  >;
  /** The certificate whose contacts serve this one: itself, or the first registration of a renewed serial. */
  contactsCertificate: string;
  primaryContactId: string;
  renewalOf: string[];
  fingerprint: string;
  registeredAt: string;
  requestId: string;
  /** Who registered it (the token's subject and role); absent on certificates registered before roles. */
  registeredBy?: Actor;
  nextReminder: DueReminder | null;
  /** Active contacts, on the certificate that holds them (empty on a renewal certificate). */
  roster: Roster;
  /** Bumped by every contact change: the condition that serialises concurrent changes. */
  rosterVersion: number;
  /** VOID once licensing ops void it (DELETE /certificates/{n}); absent on older records = ACTIVE. */
  status?: 'ACTIVE' | 'VOID';
  /** Where the software is installed (IANA zone, ISO country): business hours and holidays are theirs. */
  timeZone?: string;
  country?: string;
  /** Serials of this certificate a later certificate renewed: its reminders no longer name them. */
  renewedSerials?: string[];
}

/** Active contacts of a certificate: Contact ID → the serials they may call about. */
export interface RosterEntry {
  role: 'PRIMARY' | 'DESIGNATED';
  serialNumbers: string[];
  /** Lower-cased, to recognise a retried add of the same person. */
  email: string;
  /** What a reminder needs to write to them without reading the contact (absent on older rosters). */
  to?: string;
  name?: string;
  language?: z.infer<typeof Language>;
}
export type Roster = Record<string, RosterEntry>;

export interface RegisteredSerial {
  serialNumber: string;
  supportIdentifier: string;
  product: string;
  productLine: string;
  version: string;
  /** Where its contacts live (see RegisteredCertificate.contactsCertificate). */
  contactsCertificate: string;
  terms: CoverageTerm[];
}

export interface Contact {
  contactId: string;
  certificateNumber: string;
  role: 'PRIMARY' | 'DESIGNATED';
  status: 'ACTIVE' | 'REPLACED';
  name: string;
  email: string;
  phone?: string;
  address?: string;
  company?: string;
  language: z.infer<typeof Language>;
  serialNumbers: string[];
  issuedAt: string;
  replacedBy?: string;
  replacedAt?: string;
  /** The renewal whose void withdrew this contact (it had been issued by that renewal). */
  withdrawnWith?: string;
}

/** What a stored registration looks like to `decide`. */
export interface RegistrationContext {
  certificate: RegisteredCertificate | null;
  /** The stored serials among those the request names. */
  serials: RegisteredSerial[];
  /** The primary contact ID of each certificate that holds contacts for a renewed serial. */
  primaryContactOf: Record<string, string>;
  /** A renewal: the roster of the certificate holding the renewed serials' contacts, as read. */
  holder?: RosterHolder;
  /** A renewal: the earlier certificates it renews (renewalOf), as read. */
  earlier?: EarlierTerm[];
}

/** The roster of a certificate holding contacts, with the version a change is conditioned on. */
export interface RosterHolder {
  certificateNumber: string;
  entries: Roster;
  version: number;
  primaryContactId: string;
}

/** An earlier certificate as a renewal sees it: its serials, and those already renewed. */
export interface EarlierTerm {
  certificateNumber: string;
  serialNumbers: string[];
  renewedSerials: string[];
}

export type RegistrationDecision =
  | { kind: 'REPLAY'; certificate: RegisteredCertificate }
  | {
      kind: 'CREATE';
      certificate: RegisteredCertificate;
      contact: Contact;
      newSerials: RegisteredSerial[];
    }
  | {
      kind: 'RENEW';
      certificate: RegisteredCertificate;
      newSerials: RegisteredSerial[];
      /** Existing serials, each gaining `term`. */
      extendedSerials: Array<{ serial: RegisteredSerial; term: CoverageTerm }>;
    };

export interface DecideOptions {
  now: Date;
  requestId: string;
  /** Who registers it: kept on the certificate (`registeredBy`). */
  actor: Actor;
  /** A fresh candidate Contact ID; used only when a new contact is created. */
  candidateContactId: string;
  reminderOffsets?: ReminderOffsets;
}

/** The content that makes two requests "the same registration". */
export function registrationFingerprint(request: RegistrationRequest): string {
  const canonical = {
    ...request,
    primaryContact: { ...request.primaryContact, email: request.primaryContact.email.toLowerCase() },
    products: [...request.products]
      .map((p) => ({ ...p, productLine: p.productLine ?? p.product }))
      .sort((a, b) => (a.serialNumber < b.serialNumber ? -1 : 1)),
  };
  return createHash('sha256').update(stableJson(canonical)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function decideRegistration(
  request: RegistrationRequest,
  context: RegistrationContext,
  options: DecideOptions,
): RegistrationDecision {
  const fingerprint = registrationFingerprint(request);
  const { certificateNumber } = request;

  if (context.certificate) {
    if (context.certificate.fingerprint === fingerprint)
      return { kind: 'REPLAY', certificate: context.certificate };
    throw new Conflict(
      `certificate ${certificateNumber} is already registered with other content; a changed certificate needs a new certificate number`,
    );
  }

  const stored = new Map(context.serials.map((s) => [s.serialNumber, s]));
  const mismatches = request.products.flatMap((p, i) => {
    const s = stored.get(p.serialNumber);
    if (!s) return [];
    const errors = [];
    if (s.supportIdentifier !== p.supportIdentifier)
      errors.push({
        path: `products.${i}.supportIdentifier`,
        message: `the support identifier does not match the one registered for serial ${p.serialNumber}`,
      });
    if (s.product !== p.product)
      errors.push({
        path: `products.${i}.product`,
        message: `serial ${p.serialNumber} is registered for another product`,
      });
    return errors;
  });
  if (mismatches.length > 0)
    throw new RuleViolation('the certificate names registered serials with other identifiers', mismatches);

  const roots = [...new Set(context.serials.map((s) => s.contactsCertificate))].sort();
  if (roots.length > 1)
    throw new RuleViolation(
      `the serials on this certificate are registered under different certificates (${roots.join(', ')}); register one renewal per certificate`,
    );

  const registeredAt = options.now.toISOString();
  const today = dayOf(registeredAt);
  const contactsCertificate = roots[0] ?? certificateNumber;
  const isRenewal = roots.length === 1;
  const primaryContactId = isRenewal
    ? context.primaryContactOf[contactsCertificate]
    : options.candidateContactId;
  if (!primaryContactId) throw new Error(`no primary contact known for certificate ${contactsCertificate}`);

  const term: CoverageTerm = {
    start: request.term.start,
    end: request.term.end,
    tier: request.tier,
    certificateNumber,
    registeredOn: today,
  };
  const products = request.products.map((p) => ({ ...p, productLine: p.productLine ?? p.product }));
  const certificate: RegisteredCertificate = {
    certificateNumber,
    salesOrderNumber: request.salesOrderNumber,
    tier: request.tier,
    term: request.term,
    company: request.company,
    ...(request.timeZone ? { timeZone: request.timeZone } : {}),
    ...(request.country ? { country: request.country } : {}),
    products,
    contactsCertificate,
    primaryContactId,
    renewalOf: [...new Set(context.serials.flatMap((s) => s.terms.map((t) => t.certificateNumber)))].sort(),
    fingerprint,
    registeredAt,
    requestId: options.requestId,
    registeredBy: options.actor,
    nextReminder: nextReminder(request.term.end, offsetsFor(request.tier, options.reminderOffsets), today),
    roster: isRenewal
      ? {}
      : {
          [options.candidateContactId]: {
            role: 'PRIMARY',
            serialNumbers: products.map((p) => p.serialNumber).sort(),
            email: request.primaryContact.email.toLowerCase(),
            to: request.primaryContact.email,
            name: request.primaryContact.name,
            language: request.primaryContact.language,
          },
        },
    rosterVersion: isRenewal ? 0 : 1,
  };
  const newSerials: RegisteredSerial[] = products
    .filter((p) => !stored.has(p.serialNumber))
    .map((p) => ({
      serialNumber: p.serialNumber,
      supportIdentifier: p.supportIdentifier,
      product: p.product,
      productLine: p.productLine,
      version: p.version,
      contactsCertificate,
      terms: [term],
    }));

  if (isRenewal) {
    const extendedSerials = context.serials.map((serial) => ({ serial, term }));
    return { kind: 'RENEW', certificate, newSerials, extendedSerials };
  }

  const contact: Contact = {
    contactId: options.candidateContactId,
    certificateNumber,
    role: 'PRIMARY',
    status: 'ACTIVE',
    name: request.primaryContact.name,
    email: request.primaryContact.email,
    ...(request.primaryContact.phone ? { phone: request.primaryContact.phone } : {}),
    language: request.primaryContact.language,
    serialNumbers: products.map((p) => p.serialNumber),
    issuedAt: registeredAt,
  };
  return { kind: 'CREATE', certificate, contact, newSerials };
}

/** "marie@acme.example" → "m***e@a***e.example": enough for a person to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  const mask = (s: string) => (s.length <= 2 ? `${s[0] ?? ''}***` : `${s[0]}***${s.at(-1)}`);
  return `${mask(local)}@${mask(host)}${tld}`;
}

/**
 * "+33 6 12 34 56 89" → "+** * ** ** ** 89": the last two digits, for a caller to confirm
 * ("the number ending in 89?"), and the layout; a number of four digits or fewer shows none.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length;
  const shown = digits > 4 ? 2 : 0;
  let seen = 0;
  return phone.replace(/\d/g, (d) => (++seen > digits - shown ? d : '*'));
}
