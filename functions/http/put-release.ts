/**
 * PUT /products/{product}/releases/{version} — a product manager announces general
 * availability. Parse → announce (use-cases/announce-release.ts: decide, store, and make
 * sure of the GA run) → answer: 201 a first announcement, 200 again.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { ReleaseStore } from '../adapters/releases.ts';
import { OneTimeSchedules, schedulerConfigFromEnv } from '../adapters/scheduler.ts';
import { ReleaseRequest } from '../core/upgrades.ts';
import { parseOrThrow } from '../core/validation.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { schedulerClient } from '../shared/scheduler.ts';
import { sfnClient } from '../shared/sfn.ts';
import { announceRelease } from '../use-cases/announce-release.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson } from './http.ts';
import { releasePath } from './release-path.ts';

export function makePutRelease(
  store: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  gaRunArn: string,
) {
  const announce = announceRelease(store, schedules, sfn, gaRunArn);
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, version } = releasePath(event);
    const request = parseOrThrow(ReleaseRequest, jsonBody(event), 'the release is malformed');
    const { release, created } = await announce(product, version, request, now(), actorOf(event));
    return json(created ? 201 : 200, release);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePutRelease(
      new ReleaseStore(documentClient, config.table().tableName),
      new OneTimeSchedules(schedulerClient, schedulerConfigFromEnv()),
      sfnClient,
      config.workflowArn('UpgradeDecisions'),
    ),
  );
