/**
 * PUT /serials/{serialNumber}/version — licensing ops or an integration record the version a
 * serial runs now, after an upgrade. Parse (400: serial number shape, a version that is not
 * one) → move (use-cases/move-serial-version.ts: 404 unknown serial, 422 back or not
 * entitled, 409 lost race) → answer 200 with the serial's version and its history.
 */
import middy from '@middy/core';
import { ReleaseStore } from '../adapters/releases.ts';
import { SerialStore } from '../adapters/serials.ts';
import { SerialNumber } from '../core/identifiers.ts';
import { SerialVersionRequest } from '../core/upgrades.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { moveSerialVersion } from '../use-cases/move-serial-version.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, pathParam, problemJson } from './http.ts';

export function makePutSerialVersion(serials: SerialStore, releases: ReleaseStore) {
  const move = moveSerialVersion(serials, releases);
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { serialNumber } = parseOrThrow(
      z.object({ serialNumber: SerialNumber }),
      { serialNumber: pathParam(event, 'serialNumber') },
      'the serial number is malformed',
    );
    const { version } = parseOrThrow(SerialVersionRequest, jsonBody(event), 'the version is malformed');
    const at = now().toISOString();
    const context = { at, requestId: event.requestContext.requestId, actor: actorOf(event) };
    return json(200, await move(serialNumber, version, context));
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePutSerialVersion(
      new SerialStore(documentClient, tableName),
      new ReleaseStore(documentClient, tableName),
    ),
  );
