/**
 * GET /entitlements/{contactId} — what a caller is entitled to, and why.
 * Parse → load the contact (404 unknown or replaced) and its serials → decide on the
 * stack's clock → answer. Emails never leave in a read.
 */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { dayOf } from '../core/calendar.ts';
import { type PhaseOf, standardUnlessScheduled, verifyEntitlement } from '../core/entitlements.ts';
import { NotFound } from '../core/errors.ts';
import { ContactId } from '../core/identifiers.ts';
import { supportPhaseOn } from '../core/lifecycle.ts';
import { parseOrThrow } from '../core/validation.ts';
import { majorOf } from '../core/versions.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

/** The support phase of each version: where version lifecycles (end of life) plug in. */
export type PhaseLookup = (
  products: Array<{ product: string; version: string }>,
  today: string,
) => Promise<PhaseOf>;
const noLifecycles: PhaseLookup = async () => standardUnlessScheduled;

export function makeGetEntitlements(store: RegistrationStore, phases: PhaseLookup = noLifecycles) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { contactId } = parseOrThrow(
      z.object({ contactId: ContactId }),
      { contactId: pathParam(event, 'contactId') },
      'the Contact ID is malformed',
    );
    const contact = await store.getContact(contactId);
    // A replaced Contact ID stops verifying: to the caller it is as unknown as one never issued.
    if (contact?.status !== 'ACTIVE') throw new NotFound(`Contact ID ${contactId} is not a valid contact`);
    const today = dayOf(now());
    const serials = await store.getSerials(contact.serialNumbers);
    const phaseOf = await phases(serials, today);
    const { contactId: id, ...answer } = verifyEntitlement(contact, serials, today, phaseOf);
    return json(200, {
      contactId: id,
      name: contact.name,
      certificateNumber: contact.certificateNumber,
      ...answer,
    });
  };
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
  .handler(
    makeGetEntitlements(
      new RegistrationStore(documentClient, tableName),
      lifecyclePhases(new LifecycleStore(documentClient, tableName)),
    ),
  );
