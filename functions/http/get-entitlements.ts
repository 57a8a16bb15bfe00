/**
 * GET /entitlements/{contactId} — what a caller is entitled to, and why.
 * Parse → load the contact (404 unknown or replaced) and the certificate holding it (404
 * when void; it says where the software is installed) and its serials → decide on the
 * stack's clock, phone support at this moment → answer. Of personal data, only the caller's own
 * name (it is their Contact ID): no email, no phone, nothing of any other contact.
 */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { dayOf } from '../core/calendar.ts';
import {
  type CallContext,
  type EntitlementAnswer,
  type PhaseOf,
  standardUnlessScheduled,
  verifyEntitlement,
} from '../core/entitlements.ts';
import { NotFound } from '../core/errors.ts';
import { ContactId } from '../core/identifiers.ts';
import { supportPhaseOn } from '../core/lifecycle.ts';
import { type InstallationSite, loadPublicHolidays, type PublicHolidays } from '../core/phone-hours.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import { parseOrThrow } from '../core/validation.ts';
import { majorOf } from '../core/versions.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

/** The support phase of each version: where version lifecycles (end of life) plug in. */
export type PhaseLookup = (
  products: Array<{ product: string; version: string }>,
  today: string,
) => Promise<PhaseOf>;
const noLifecycles: PhaseLookup = async () => standardUnlessScheduled;

/** Public holidays, loaded only for an answer in business hours at a site with a country. */
export type HolidayLoader = () => Promise<PublicHolidays>;

export function makeGetEntitlements(
  store: RegistrationStore,
  phases: PhaseLookup = noLifecycles,
  holidays: HolidayLoader = loadPublicHolidays,
) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { contactId } = parseOrThrow(
      z.object({ contactId: ContactId }),
      { contactId: pathParam(event, 'contactId') },
      'the Contact ID is malformed',
    );
    const contact = await store.getContact(contactId);
    // A replaced Contact ID stops verifying: to the caller it is as unknown as one never issued.
    if (contact?.status !== 'ACTIVE') throw new NotFound(`Contact ID ${contactId} is not a valid contact`);
    const certificate = await store.getCertificate(contact.certificateNumber);
    if (!isLive(certificate))
      throw new NotFound(
        `Contact ID ${contactId} is not a valid contact: certificate ${contact.certificateNumber} was voided`,
      );
    const at = now();
    const today = dayOf(at);
    const serials = await store.getSerials(contact.serialNumbers);
    const phaseOf = await phases(serials, today);
    const { contactId: id, ...answer } = await withPhoneHours(
      (context) => verifyEntitlement(contact, serials, today, phaseOf, context),
      at,
      siteOf(certificate),
      holidays,
    );
    return json(200, {
      contactId: id,
      name: contact.name,
      certificateNumber: contact.certificateNumber,
      ...answer,
    });
  };
}

/** A certificate that still verifies: registered, and not voided. */
export const isLive = (certificate: RegisteredCertificate | null): certificate is RegisteredCertificate =>
  certificate !== null && certificate.status !== 'VOID';

/** Where the certificate says the software is installed. */
export const siteOf = (certificate: RegisteredCertificate): InstallationSite => ({
  timeZone: certificate.timeZone ?? null,
  country: certificate.country ?? null,
});

/**
 * Decides at `now`; when the answer keeps business hours at a site in a known country,
 * loads that calendar (about 1.4 MB of holiday data, so only then) and decides again.
 */
export async function withPhoneHours<T extends EntitlementAnswer>(
  decide: (context: CallContext) => T,
  at: Date,
  site: InstallationSite,
  holidays: HolidayLoader,
): Promise<T> {
  const first = decide({ now: at, site });
  if (first.phoneSupport?.hours !== 'BUSINESS_HOURS' || !site.country) return first;
  return decide({ now: at, site, holidays: await holidays() });
}

/** Each version's phase from its major's lifecycle, all read in one batch. */
export function lifecyclePhases(lifecycles: LifecycleStore): PhaseLookup {
  return async (products, today) => {
    const found = await lifecycles.getMany(
      products.map((p) => ({ product: p.product, major: majorOf(p.version) })),
    );
    return (product, version) =>
      supportPhaseOn(found.get(`${product}#${majorOf(version)}`) ?? null, product, version, today);
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetEntitlements(
      new RegistrationStore(documentClient, tableName),
      lifecyclePhases(new LifecycleStore(documentClient, tableName)),
    ),
  );
