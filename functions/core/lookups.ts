/**
 * Finding a certificate by anything on it (GET /certificates?serialNumber=… | salesOrderNumber=…
 * | supportIdentifier=… | email=… | contactId=…): which identifier the caller gave, and what
 * each certificate found shows. Pure.
 */
import { type FieldError, InvalidInput } from './errors.ts';
import { ContactId, EmailAddress, SalesOrderNumber, SerialNumber, SupportIdentifier } from './identifiers.ts';
import type { RegisteredCertificate } from './registration.ts';

/** What a certificate can be found by, each with the schema its value must pass. */
export const LOOKUP_BY = {
  serialNumber: SerialNumber,
  salesOrderNumber: SalesOrderNumber,
  supportIdentifier: SupportIdentifier,
  email: EmailAddress,
  contactId: ContactId,
} as const;
export type LookupBy = keyof typeof LOOKUP_BY;
export const LOOKUP_PARAMETERS = Object.keys(LOOKUP_BY) as LookupBy[];

export interface CertificateLookup {
  by: LookupBy;
  value: string;
}

/** One answer lists at most this many certificates (then `truncated: true`): an order system's sales order may be large. */
export const MAX_LOOKUP_CERTIFICATES = 100;

const query = (name: string) => `(query).${name.slice(0, 100)}`;

/** The query parameters of a lookup: exactly one of LOOKUP_PARAMETERS, well-formed; anything else is a 400. */
export function parseCertificateLookup(parameters: Record<string, string | undefined>): CertificateLookup {
  const names = Object.keys(parameters);
  const unknown = names.filter((n) => !(LOOKUP_PARAMETERS as string[]).includes(n));
  if (unknown.length)
    throw new InvalidInput(
      `look a certificate up by one of ${LOOKUP_PARAMETERS.join(', ')}`,
      unknown.map((n) => ({ path: query(n), message: 'unknown query parameter' })),
    );
  const given = names as LookupBy[];
  if (given.length !== 1)
    throw new InvalidInput(
      `look a certificate up by exactly one of ${LOOKUP_PARAMETERS.join(', ')}`,
      given.length === 0
        ? [{ path: '(query)', message: `name one of ${LOOKUP_PARAMETERS.join(', ')}` }]
        : given.map((n) => ({ path: query(n), message: 'give only one identifier' })),
    );
  const by = given[0]!;
  const result = LOOKUP_BY[by].safeParse(parameters[by] ?? '');
  if (!result.success)
    throw new InvalidInput(
      `the ${by} is malformed`,
      result.error.issues.map((i): FieldError => ({ path: query(by), message: i.message })),
    );
  return { by, value: result.data };
}

/** A certificate as a lookup lists it: enough to recognise it; GET /certificates/{n} has the rest (contacts, coverage, audit). */
export function certificateSummary(certificate: RegisteredCertificate) {
  return {
    certificateNumber: certificate.certificateNumber,
    status: certificate.status ?? 'ACTIVE',
    salesOrderNumber: certificate.salesOrderNumber,
    tier: certificate.tier,
    term: { start: certificate.term.start, end: certificate.term.end },
    company: { name: certificate.company.name },
    registeredAt: certificate.registeredAt,
    contactsCertificate: certificate.contactsCertificate,
    renewalOf: certificate.renewalOf,
    products: certificate.products.map((p) => ({
      serialNumber: p.serialNumber,
      supportIdentifier: p.supportIdentifier,
      product: p.product,
      productLine: p.productLine,
      version: p.version,
    })),
    links: { certificate: `/certificates/${certificate.certificateNumber}` },
  };
}

/** First registration first, then its renewals, in the order they were registered. */
export const byRegistration = (a: RegisteredCertificate, b: RegisteredCertificate): number =>
  a.registeredAt === b.registeredAt
    ? a.certificateNumber < b.certificateNumber
      ? -1
      : 1
    : a.registeredAt < b.registeredAt
      ? -1
      : 1;
