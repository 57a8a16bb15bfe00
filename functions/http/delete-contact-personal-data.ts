/**
 * DELETE /contacts/{contactId}/personal-data — licensing ops erase the name, email, phone and
 * address of a contact that was replaced, or whose certificate is void: parse (400 malformed
 * Contact ID, a body or a query parameter) → erase (use-cases/erase-personal-data.ts: 404
 * unknown, 409 a current contact; again → the same answer, nothing changed) → 200 with what
 * was erased, by field name. Nothing is emailed.
 */
import middy from '@middy/core';
import { PersonalDataStore } from '../adapters/personal-data.ts';
import { ContactId } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { erasePersonalData } from '../use-cases/erase-personal-data.ts';
import { actorOf, authorize } from './auth.ts';
import { emptyRequest, type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

export function makeDeleteContactPersonalData(store: PersonalDataStore) {
  const erase = erasePersonalData(store);
  return async (event: HttpEvent): Promise<HttpResult> => {
    emptyRequest(event, 'an erasure');
    const { contactId } = parseOrThrow(
      z.object({ contactId: ContactId }),
      { contactId: pathParam(event, 'contactId') },
      'the Contact ID is malformed',
    );
    const erased = await erase({
      contactId,
      actor: actorOf(event),
      requestId: event.requestContext.requestId,
      receivedAt: now().toISOString(),
    });
    return json(200, erased);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeDeleteContactPersonalData(new PersonalDataStore(documentClient, config.table().tableName)));
