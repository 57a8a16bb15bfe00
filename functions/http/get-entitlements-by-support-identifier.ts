/**
 * GET /entitlements?supportIdentifier=1234-5678-1234 — verifies a caller who gives a
 * product's support identifier instead of a Contact ID (DOMAIN.md "Contact ID issuance":
 * callers identify with either). The same answer as GET /entitlements/{contactId} for the
 * serial(s) it names, without the contact-specific fields: no contact's personal data at all. Parse (400: missing, malformed,
 * or another query parameter) → the Lookup index names the serials, never a Scan → the
 * certificates holding them (404 unknown, or every one void) → decide → answer.
 */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { CertificateLookups } from '../adapters/lookups.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { dayOf } from '../core/calendar.ts';
import { decideEntitlement } from '../core/entitlements.ts';
import { NotFound } from '../core/errors.ts';
import { SupportIdentifier } from '../core/identifiers.ts';
import { loadPublicHolidays } from '../core/phone-hours.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import {
  type HolidayLoader,
  isLive,
  lifecyclePhases,
  type PhaseLookup,
  siteOf,
  withPhoneHours,
} from './get-entitlements.ts';
import { type HttpEvent, type HttpResult, json, problemJson } from './http.ts';

const Query = z.strictObject({ supportIdentifier: SupportIdentifier });

export function makeGetEntitlementsBySupportIdentifier(
  lookup: Pick<CertificateLookups, 'serialsBySupportIdentifier'>,
  store: RegistrationStore,
  phases: PhaseLookup,
  holidays: HolidayLoader = loadPublicHolidays,
) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { supportIdentifier } = parseOrThrow(
      Query,
      event.queryStringParameters ?? {},
      'give exactly one query parameter, supportIdentifier (4-4-4 digits, like 1234-5678-1234)',
    );
    const found = await lookup.serialsBySupportIdentifier(supportIdentifier);
    // Each serial's contacts (and installation site) live on the certificate that first registered it.
    const certificates = new Map<string, RegisteredCertificate | null>();
    for (const n of new Set(found.map((s) => s.contactsCertificate)))
      certificates.set(n, await store.getCertificate(n));
    const serials = found.filter((s) => isLive(certificates.get(s.contactsCertificate) ?? null));
    if (serials.length === 0)
      throw new NotFound(
        found.length
          ? `support identifier ${supportIdentifier} is not valid: its certificate was voided`
          : `support identifier ${supportIdentifier} names no registered product`,
      );
    const certificate = certificates.get(serials[0]!.contactsCertificate)!;
    const at = now();
    const today = dayOf(at);
    const phaseOf = await phases(serials, today);
    const answer = await withPhoneHours(
      (context) =>
        decideEntitlement(
          { by: 'SUPPORT_IDENTIFIER', supportIdentifier },
          serials.map((s) => s.serialNumber),
          serials,
          today,
          phaseOf,
          context,
        ),
      at,
      siteOf(certificate),
      holidays,
    );
    return json(200, { supportIdentifier, certificateNumber: certificate.certificateNumber, ...answer });
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetEntitlementsBySupportIdentifier(
      new CertificateLookups(documentClient, tableName),
      new RegistrationStore(documentClient, tableName),
      lifecyclePhases(new LifecycleStore(documentClient, tableName)),
    ),
  );
