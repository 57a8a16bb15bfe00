/**
 * Designated contacts (DOMAIN.md "Designated contacts", "Contact ID issuance").
 *
 * Use cases: add a contact, replace one, resend a contact's Contact ID (the primary's, or the one named).
 * Each checks the caller's proofs against what was registered, then the tier's limit
 * on the certificate's roster. The roster (active contacts and their serials) lives on
 * the certificate that holds the contacts and carries a version, so concurrent changes
 * are serialised by a conditional write and ten simultaneous adds cannot overshoot.
 */
import type { CoverageTerm } from './coverage.ts';
import { termInForce } from './coverage.ts';
import { Conflict, type FieldError, NotFound, RuleViolation } from './errors.ts';
import {
  ContactId,
  EmailAddress,
  Language,
  PhoneNumber,
  SalesOrderNumber,
  SerialNumber,
  SupportIdentifier,
  Text,
  type Tier,
} from './identifiers.ts';
import { contactIdIssuedNotice, type Notice } from './notices.ts';
import {
  type Contact,
  MAX_PRODUCTS_PER_CERTIFICATE,
  type RegisteredCertificate,
  type RegisteredSerial,
  type Roster,
  type RosterEntry,
} from './registration.ts';
import { DEFAULT_LINKS, type NoticeLinks } from './wording.ts';

export type { Roster, RosterEntry } from './registration.ts';

import { dayOf } from './calendar.ts';
import { OFFERINGS } from './tiers.ts';
import * as z from './zod.ts';

export const ContactDetails = z.strictObject({
  name: Text(200),
  email: EmailAddress,
  phone: PhoneNumber,
  address: Text(500),
  company: Text(200),
  /** Without it, the certificate primary contact's language (primaryLanguage). */
  language: z.optional(Language),
});
export type ContactDetails = z.infer<typeof ContactDetails>;

/** The language of the certificate's primary technical contact: a contact added without one writes in it. */
export function primaryLanguage(context: Pick<ContactsContext, 'roster'>): Language {
  const primary = Object.values(context.roster.entries).find((e) => e.role === 'PRIMARY');
  return primary?.language ?? 'en';
}

const withLanguage = (details: ContactDetails, context: Pick<ContactsContext, 'roster'>) => ({
  ...details,
  language: details.language ?? primaryLanguage(context),
});

const uniqueSerials = z.superRefine((products: Array<{ serialNumber: string }>, ctx) => {
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
});

const ProvenProducts = z
  .array(z.strictObject({ serialNumber: SerialNumber, supportIdentifier: SupportIdentifier }))
  .check(
    z.minLength(1, 'name at least one product'),
    z.maxLength(MAX_PRODUCTS_PER_CERTIFICATE, `at most ${MAX_PRODUCTS_PER_CERTIFICATE} products`),
    uniqueSerials,
  );

export const AddContactRequest = z.strictObject({
  salesOrderNumber: SalesOrderNumber,
  products: ProvenProducts,
  contact: ContactDetails,
});
export type AddContactRequest = z.infer<typeof AddContactRequest>;

export const ReplaceContactRequest = z.strictObject({
  products: z
    .array(z.strictObject({ serialNumber: SerialNumber }))
    .check(
      z.minLength(1, 'name at least one product'),
      z.maxLength(MAX_PRODUCTS_PER_CERTIFICATE, 'too many products'),
      uniqueSerials,
    ),
  contact: ContactDetails,
});
export type ReplaceContactRequest = z.infer<typeof ReplaceContactRequest>;

export const ResendRequest = z.strictObject({
  salesOrderNumber: SalesOrderNumber,
  products: ProvenProducts,
  /** A designated contact (or the primary) to resend to; without it, the primary contact. */
  contactId: z.optional(ContactId),
});
export type ResendRequest = z.infer<typeof ResendRequest>;

/** What a contact change needs to see. */
export interface ContactsContext {
  /** The certificate named in the request. */
  certificate: RegisteredCertificate;
  /** The certificate holding the roster (itself, or the first registration of a renewed certificate). */
  roster: { certificateNumber: string; entries: Roster; version: number };
  /** The serials of `certificate`, with their coverage. */
  serials: RegisteredSerial[];
}

export type ContactChange =
  | { kind: 'ADDED'; contact: Contact; roster: Roster }
  | { kind: 'ALREADY_ADDED'; contactId: string }
  | { kind: 'REPLACED'; contact: Contact; replaced: Contact; roster: Roster }
  | { kind: 'ALREADY_REPLACED'; contactId: string };

/** The certificate number, sales order and each serial's support identifier must match the registration. */
export function checkProofs(
  context: ContactsContext,
  proofs: {
    salesOrderNumber?: string;
    products: Array<{ serialNumber: string; supportIdentifier?: string }>;
  },
): void {
  const { certificate } = context;
  const errors: FieldError[] = [];
  if (proofs.salesOrderNumber !== undefined && proofs.salesOrderNumber !== certificate.salesOrderNumber)
    errors.push({
      path: 'salesOrderNumber',
      message: `the sales order number does not match certificate ${certificate.certificateNumber}`,
    });
  const onCertificate = new Map(certificate.products.map((p) => [p.serialNumber, p]));
  proofs.products.forEach((p, i) => {
    const registered = onCertificate.get(p.serialNumber);
    if (!registered)
      errors.push({
        path: `products.${i}.serialNumber`,
        message: `serial ${p.serialNumber} is not on certificate ${certificate.certificateNumber}`,
      });
    else if (p.supportIdentifier !== undefined && p.supportIdentifier !== registered.supportIdentifier)
      errors.push({
        path: `products.${i}.supportIdentifier`,
        message: `the support identifier does not match the one registered for serial ${p.serialNumber}`,
      });
  });
  if (errors.length) throw new RuleViolation('the identifiers do not match the registration', errors);
}

/** The tier that governs a serial today: its term in force, else the certificate's. */
function tierOf(
  serial: RegisteredSerial | undefined,
  certificate: RegisteredCertificate,
  today: string,
): Tier {
  const terms: CoverageTerm[] = serial?.terms ?? [];
  return termInForce(terms, today)?.tier ?? certificate.tier;
}

/**
 * Refuses (409) when giving `contactSerials` to one more contact would pass a tier's
 * limit: per product (serial) for Basic and Essential, per product line for BCS Remote
 * Product Specialist, none for the other BCS tiers. The primary contact counts.
 */
export function checkContactLimits(
  context: ContactsContext,
  roster: Roster,
  contactSerials: string[],
  today: string,
): void {
  const { certificate } = context;
  const serialBy = new Map(context.serials.map((s) => [s.serialNumber, s]));
  const productBy = new Map(certificate.products.map((p) => [p.serialNumber, p]));
  const entries = Object.values(roster);
  for (const serialNumber of contactSerials) {
    const product = productBy.get(serialNumber);
    if (!product) continue;
    const tier = tierOf(serialBy.get(serialNumber), certificate, today);
    const offering = OFFERINGS[tier];
    if (offering.contactLimit === null) continue;
    const scope =
      offering.limitScope === 'PRODUCT_LINE'
        ? new Set(
            certificate.products
              .filter((p) => p.productLine === product.productLine)
              .map((p) => p.serialNumber),
          )
        : new Set([serialNumber]);
    const count = entries.filter((e) => e.serialNumbers.some((s) => scope.has(s))).length;
    if (count >= offering.contactLimit) {
      const what =
        offering.limitScope === 'PRODUCT_LINE'
          ? `product line ${product.productLine}`
          : `${product.product} (serial ${serialNumber})`;
      throw new Conflict(
        `${what} already has ${count} designated contacts on certificate ${certificate.certificateNumber}, ` +
          `the most ${tier} allows (${offering.contactLimit}, the primary technical contact included)`,
      );
    }
  }
}

export function decideAddContact(
  request: AddContactRequest,
  context: ContactsContext,
  options: { now: Date; candidateContactId: string },
): ContactChange {
  checkProofs(context, request);
  const email = request.contact.email.toLowerCase();
  const serialNumbers = request.products.map((p) => p.serialNumber).sort();
  const existing = Object.entries(context.roster.entries).find(([, e]) => e.email === email);
  // The same person added again (a retried request): the Contact ID they already have.
  if (existing && serialNumbers.every((s) => existing[1].serialNumbers.includes(s)))
    return { kind: 'ALREADY_ADDED', contactId: existing[0] };
  if (existing)
    throw new Conflict(
      `${request.contact.email} is already a contact on certificate ${context.roster.certificateNumber} (Contact ID ${existing[0]}) for other products; replace that contact to change them`,
    );
  const today = dayOf(options.now);
  checkContactLimits(context, context.roster.entries, serialNumbers, today);
  const contact = newContact(
    withLanguage(request.contact, context),
    options.candidateContactId,
    context.roster.certificateNumber,
    'DESIGNATED',
    serialNumbers,
    options.now,
  );
  return {
    kind: 'ADDED',
    contact,
    roster: { ...context.roster.entries, [contact.contactId]: rosterEntry(contact) },
  };
}

export function decideReplaceContact(
  request: ReplaceContactRequest,
  context: ContactsContext,
  replaced: Contact | null,
  options: { now: Date; candidateContactId: string },
): ContactChange {
  const rosterCertificate = context.roster.certificateNumber;
  if (!replaced || replaced.certificateNumber !== rosterCertificate)
    throw new NotFound(`no such contact on certificate ${context.certificate.certificateNumber}`);
  const email = request.contact.email.toLowerCase();
  if (replaced.status === 'REPLACED') {
    const successor = replaced.replacedBy ? context.roster.entries[replaced.replacedBy] : undefined;
    if (replaced.replacedBy && successor?.email === email)
      return { kind: 'ALREADY_REPLACED', contactId: replaced.replacedBy };
    throw new Conflict(
      `Contact ID ${replaced.contactId} was already replaced${replaced.replacedBy ? ` by ${replaced.replacedBy}` : ''}`,
    );
  }
  checkProofs(context, request);
  const errors = request.products
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !replaced.serialNumbers.includes(p.serialNumber))
    .map(({ p, i }) => ({
      path: `products.${i}.serialNumber`,
      message: `Contact ID ${replaced.contactId} is not a contact for serial ${p.serialNumber}`,
    }));
  if (errors.length)
    throw new RuleViolation('the serial numbers do not match the contact being replaced', errors);
  const clash = Object.entries(context.roster.entries).find(
    ([id, e]) => e.email === email && id !== replaced.contactId,
  );
  if (clash)
    throw new Conflict(
      `${request.contact.email} is already a contact on certificate ${rosterCertificate} (Contact ID ${clash[0]})`,
    );

  // The new person takes over the seat: same role, same products.
  const contact = newContact(
    withLanguage(request.contact, context),
    options.candidateContactId,
    rosterCertificate,
    replaced.role,
    replaced.serialNumbers,
    options.now,
  );
  const { [replaced.contactId]: _gone, ...others } = context.roster.entries;
  return {
    kind: 'REPLACED',
    contact,
    replaced: {
      ...replaced,
      status: 'REPLACED',
      replacedBy: contact.contactId,
      replacedAt: options.now.toISOString(),
    },
    roster: {
      ...others,
      [contact.contactId]: rosterEntry(contact),
    },
  };
}

const rosterEntry = (c: Contact): RosterEntry => ({
  role: c.role,
  serialNumbers: c.serialNumbers,
  email: c.email.toLowerCase(),
  to: c.email,
  name: c.name,
  language: c.language,
});

function newContact(
  details: ContactDetails & { language: Language },
  contactId: string,
  certificateNumber: string,
  role: Contact['role'],
  serialNumbers: string[],
  now: Date,
): Contact {
  return {
    contactId,
    certificateNumber,
    role,
    status: 'ACTIVE',
    name: details.name,
    email: details.email,
    phone: details.phone,
    address: details.address,
    company: details.company,
    language: details.language,
    serialNumbers,
    issuedAt: now.toISOString(),
  };
}

/**
 * Whom a resend goes to (after the proofs): the primary contact, or the active contact the
 * caller names, who must hold the serials the caller proves (422 otherwise). 404 when the
 * certificate's roster has no such active contact: a replaced Contact ID gets nothing.
 */
export function resendRecipient(context: ContactsContext, request: ResendRequest): string {
  const { certificate, roster } = context;
  if (request.contactId === undefined) {
    const [primaryId] = Object.entries(roster.entries).find(([, e]) => e.role === 'PRIMARY') ?? [];
    if (!primaryId)
      throw new NotFound(`certificate ${certificate.certificateNumber} has no active primary contact`);
    return primaryId;
  }
  const entry = roster.entries[request.contactId];
  if (!entry)
    throw new NotFound(
      `Contact ID ${request.contactId} is not an active contact of certificate ${certificate.certificateNumber}`,
    );
  const errors = request.products
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !entry.serialNumbers.includes(p.serialNumber))
    .map(({ p, i }) => ({
      path: `products.${i}.serialNumber`,
      message: `Contact ID ${request.contactId} is not a contact for serial ${p.serialNumber}`,
    }));
  if (errors.length) throw new RuleViolation('the serial numbers do not match the contact', errors);
  return request.contactId;
}

/** Resends within this window are one email: a double click is not two messages. */
export const RESEND_WINDOW_MINUTES = 10;

export function resendWindow(now: Date): string {
  const minutes = Math.floor(now.getTime() / 60_000 / RESEND_WINDOW_MINUTES) * RESEND_WINDOW_MINUTES;
  return new Date(minutes * 60_000).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

/** A contact's Contact ID email again, on request, as its seat has it: one per resend window. */
export function contactIdResentNotice(
  contact: Contact,
  certificate: RegisteredCertificate,
  receivedAt: string,
  links: NoticeLinks = DEFAULT_LINKS,
): Notice {
  return {
    ...contactIdIssuedNotice(contact, certificate, receivedAt, contact, links),
    id: `resend-${contact.contactId}-${resendWindow(new Date(receivedAt))}`,
  };
}
