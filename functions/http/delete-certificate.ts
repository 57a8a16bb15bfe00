/**
 * DELETE /certificates/{certificateNumber} — licensing ops void a certificate registered in
 * error → void (use-cases/void-certificate.ts; again → nothing more) → answer 200 with the
 * certificate as GET shows it, `status: "VOID"`.
 */
import middy from '@middy/core';
import { CorrectionStore } from '../adapters/corrections.ts';
import { InvalidInput } from '../core/errors.ts';
import { CertificateNumber } from '../core/identifiers.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { voidCertificate } from '../use-cases/void-certificate.ts';
import { actorOf, authorize } from './auth.ts';
import { makeGetCertificate } from './get-certificate.ts';
import { type HttpEvent, type HttpResult, jsonBody, pathParam, problemJson } from './http.ts';

export function makeDeleteCertificate(store: CorrectionStore, reminderOffsets: ReminderOffsets = {}) {
  const voidIt = voidCertificate(store, reminderOffsets);
  const view = makeGetCertificate(store.registrations);
  return async (event: HttpEvent): Promise<HttpResult> => {
    refuseBody(event);
    const { certificateNumber } = parseOrThrow(
      z.object({ certificateNumber: CertificateNumber }),
      { certificateNumber: pathParam(event, 'certificateNumber') },
      'the certificate number is malformed',
    );
    await voidIt({
      certificateNumber,
      requestId: event.requestContext.requestId,
      receivedAt: now().toISOString(),
      actor: actorOf(event),
    });
    return view(event);
  };
}

/**
 * A void names its certificate in the path and nothing else: a body or a query parameter is
 * a mistake (a client sending a patch to the wrong method), refused before anything is voided.
 */
function refuseBody(event: HttpEvent): void {
  const body = event.body ?? '';
  if (body === '') {
    const query = Object.keys(event.queryStringParameters ?? {});
    if (query.length)
      throw new InvalidInput(
        'this route takes no query parameters',
        query.map((k) => ({ path: `(query).${k.slice(0, 100)}`, message: 'unknown query parameter' })),
      );
    return;
  }
  jsonBody(event); // the same answers as every route for a malformed body (400, 413, 415)
  throw new InvalidInput('a void takes no body', [{ path: '(body)', message: 'must be empty' }]);
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeDeleteCertificate(
      new CorrectionStore(documentClient, config.table().tableName),
      config.reminders().offsets,
    ),
  );
