/**
 * DELETE /certificates/{certificateNumber} — licensing ops void a certificate registered in
 * error → void (use-cases/void-certificate.ts; again → nothing more) → answer 200 with the
 * certificate as GET shows it, `status: "VOID"`.
 */
import middy from '@middy/core';
import { CorrectionStore } from '../adapters/corrections.ts';
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
import { emptyRequest, type HttpEvent, type HttpResult, pathParam, problemJson } from './http.ts';

export function makeDeleteCertificate(store: CorrectionStore, reminderOffsets: ReminderOffsets = {}) {
  const voidIt = voidCertificate(store, reminderOffsets);
  const view = makeGetCertificate(store.registrations);
  return async (event: HttpEvent): Promise<HttpResult> => {
    emptyRequest(event, 'a void');
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
