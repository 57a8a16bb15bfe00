/**
 * PATCH /certificates/{certificateNumber} — licensing ops correct a registration made with a
 * mistake. A JSON merge patch only (415 otherwise) → correct (use-cases/correct-certificate.ts)
 * → answer 200 with the certificate as GET shows it.
 */
import middy from '@middy/core';
import { CorrectionStore } from '../adapters/corrections.ts';
import { Deliveries } from '../adapters/deliveries.ts';
import { UnsupportedMediaType } from '../core/errors.ts';
import { CertificateNumber } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import { DEFAULT_LINKS } from '../core/wording.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';
import { correctCertificate } from '../use-cases/correct-certificate.ts';
import { actorOf, authorize } from './auth.ts';
import { makeGetCertificate } from './get-certificate.ts';
import { type HttpEvent, type HttpResult, jsonBody, pathParam, problemJson } from './http.ts';

const certificateNumberOf = (event: HttpEvent): string =>
  parseOrThrow(
    z.object({ certificateNumber: CertificateNumber }),
    { certificateNumber: pathParam(event, 'certificateNumber') },
    'the certificate number is malformed',
  ).certificateNumber;

export function makePatchCertificate(
  store: CorrectionStore,
  deliveries: Deliveries,
  reminderOffsets: Parameters<typeof correctCertificate>[2] = {},
  links: Parameters<typeof correctCertificate>[3] = DEFAULT_LINKS,
) {
  const correct = correctCertificate(store, deliveries, reminderOffsets, links);
  const view = makeGetCertificate(store.registrations);
  return async (event: HttpEvent): Promise<HttpResult> => {
    const certificateNumber = certificateNumberOf(event);
    // Malformed bodies answer as on every route; then only a merge patch is one (RFC 7396):
    // a plain JSON body would mean a replacement, not a patch.
    const patch = jsonBody(event);
    const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
    if (!/^application\/merge-patch\+json\s*(;|$)/.test(contentType))
      throw new UnsupportedMediaType(
        'send a JSON merge patch with content-type: application/merge-patch+json',
      );
    await correct({
      certificateNumber,
      patch,
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
    makePatchCertificate(
      new CorrectionStore(documentClient, config.table().tableName),
      new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
      config.reminders().offsets,
      config.links(),
    ),
  );
