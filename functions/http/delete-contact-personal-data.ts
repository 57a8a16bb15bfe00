/**
 * DELETE /contacts/{contactId}/personal-data — licensing ops erase the name, email, phone and
 * address of a contact that was replaced, or whose certificate is void: parse (400 malformed
 * Contact ID, a body or a query parameter) → erase (use-cases/erase-personal-data.ts: 404
 * unknown, 409 a current contact; again → the same answer, nothing changed) → 200 with what
 * was erased, by field name. Nothing is emailed.
 */
import middy from '@middy/core';
import { PersonalDataStore } from '../adapters/personal-data.ts';
import { InvalidInput } from '../core/errors.ts';
import { ContactId } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { erasePersonalData } from '../use-cases/erase-personal-data.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, pathParam, problemJson } from './http.ts';

export function makeDeleteContactPersonalData(store: PersonalDataStore) {
  const erase = erasePersonalData(store);
  return async (event: HttpEvent): Promise<HttpResult> => {
    refuseBody(event);
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

/** The path names what is erased: a body or a query parameter is a mistake, refused before anything changes. */
function refuseBody(event: HttpEvent): void {
  if ((event.body ?? '') === '') {
    const query = Object.keys(event.queryStringParameters ?? {});
    if (query.length)
      throw new InvalidInput(
        'this route takes no query parameters',
        query.map((k) => ({ path: `(query).${k.slice(0, 100)}`, message: 'unknown query parameter' })),
      );
    return;
  }
  jsonBody(event); // the same answers as every route for a malformed body (400, 413, 415)
  throw new InvalidInput('an erasure takes no body', [{ path: '(body)', message: 'must be empty' }]);
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeDeleteContactPersonalData(new PersonalDataStore(documentClient, config.table().tableName)));
