/**
 * Customer self-service (CONTRACT.md "Customer self-service"): a customer whose Contact ID
 * email did not arrive gives the four identifiers printed on the certificate, and the
 * registered primary contact gets the same Contact ID again. The answer never says whether
 * they matched, so the form cannot be used to find out which certificates exist; a
 * per-certificate daily limit keeps it from flooding the contact's inbox.
 */
import type { Actor } from './actors.ts';
import { addDays } from './calendar.ts';
import { CertificateNumber, SalesOrderNumber, SerialNumber, SupportIdentifier } from './identifiers.ts';
import type { RegisteredCertificate, Roster } from './registration.ts';
import * as z from './zod.ts';

export const ContactIdRequest = z.strictObject({
  certificateNumber: CertificateNumber,
  salesOrderNumber: SalesOrderNumber,
  serialNumber: SerialNumber,
  supportIdentifier: SupportIdentifier,
});
export type ContactIdRequest = z.infer<typeof ContactIdRequest>;

/** Emails per certificate and UTC day, however often it is asked. */
export const SELF_SERVICE_DAILY_LIMIT = 3;

/** Who acts when a customer asks without an account: never their address. */
export const SELF_SERVICE_ACTOR: Actor = { subject: 'self-service', role: 'customer' };

/** The one answer, whatever happened: matched or not, sent or over the limit. */
export const CONTACT_ID_REQUEST_ACCEPTED = {
  status: 'accepted',
  message:
    'If these identifiers match a registered certificate, its primary technical contact will receive the Contact ID by email.',
} as const;

/**
 * Whether the four identifiers name one active certificate: its number and sales order,
 * and a product of it with both that serial and that support identifier (the serial on the
 * product line the support identifier names). A voided certificate matches nothing.
 */
export function matchesCertificate(
  certificate: Pick<RegisteredCertificate, 'certificateNumber' | 'salesOrderNumber' | 'products' | 'status'>,
  request: ContactIdRequest,
): boolean {
  return (
    certificate.status !== 'VOID' &&
    certificate.certificateNumber === request.certificateNumber &&
    certificate.salesOrderNumber === request.salesOrderNumber &&
    certificate.products.some(
      (p) => p.serialNumber === request.serialNumber && p.supportIdentifier === request.supportIdentifier,
    )
  );
}

/** The active primary technical contact on a roster: the only one self-service ever writes to. */
export function primaryContactId(roster: Roster): string | null {
  return Object.entries(roster).find(([, e]) => e.role === 'PRIMARY')?.[0] ?? null;
}

type Matchable = Parameters<typeof matchesCertificate>[0];

export type SelfServiceDecision<C extends Matchable = Matchable> =
  | { kind: 'NOT_MATCHED' }
  | { kind: 'LIMIT_REACHED' }
  /** The `sequence`-th email of the day is owed (1-based), under a notice of its own. */
  | { kind: 'OWED'; certificate: C; sequence: number; noticeId: string };

/** What a request earns, given the certificate it names (or none) and the emails already owed today. */
export function decideContactIdRequest<C extends Matchable>(
  certificate: C | null,
  request: ContactIdRequest,
  sentToday: number,
  day: string,
): SelfServiceDecision<C> {
  if (!certificate || !matchesCertificate(certificate, request)) return { kind: 'NOT_MATCHED' };
  if (sentToday >= SELF_SERVICE_DAILY_LIMIT) return { kind: 'LIMIT_REACHED' };
  const sequence = sentToday + 1;
  return {
    kind: 'OWED',
    certificate,
    sequence,
    noticeId: selfServiceNoticeId(request.certificateNumber, day, sequence),
  };
}

/** One notice per certificate, day and place in the day's count: a re-delivery finds it, never a second one. */
export const selfServiceNoticeId = (certificateNumber: string, day: string, sequence: number): string =>
  `self-service-${certificateNumber}-${day.replaceAll('-', '')}-${sequence}`;

/** When a day's count may go (epoch seconds): the day after it ends, so no clock skew revives it. */
export const counterExpiry = (day: string): number => Date.parse(`${addDays(day, 2)}T00:00:00Z`) / 1000;
