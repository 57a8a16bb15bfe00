/**
 * PUT /products/{product}/majors/{major}/lifecycle — a product manager schedules end of
 * life. Parse → schedule (use-cases/schedule-lifecycle.ts; `?dryRun=true` answers the impact
 * and changes nothing) → answer: 201 a first schedule, 200 a reschedule.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { OneTimeSchedules, schedulerConfigFromEnv } from '../adapters/scheduler.ts';
import { LifecycleRequest } from '../core/lifecycle.ts';
import { parseOrThrow } from '../core/validation.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { schedulerClient } from '../shared/scheduler.ts';
import { sfnClient } from '../shared/sfn.ts';
import { scheduleLifecycle } from '../use-cases/schedule-lifecycle.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson, queryFlag } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

export function makePutLifecycle(
  store: LifecycleStore,
  releases: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  transitionArn: string,
) {
  const schedule = scheduleLifecycle(store, releases, schedules, sfn, transitionArn);
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, major } = lifecyclePath(event);
    const request = parseOrThrow(LifecycleRequest, jsonBody(event, ['dryRun']), 'the lifecycle is malformed');
    const dryRun = queryFlag(event, 'dryRun');
    const requestId = event.requestContext.requestId;
    const actor = actorOf(event);
    const done = await schedule({ product, major, request, dryRun, requestId, actor }, now());
    if (done.dryRun)
      return json(200, { dryRun: true, product, major, phase: done.phase, impact: done.impact });
    return json(done.created ? 201 : 200, { ...done.lifecycle, impact: done.impact });
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePutLifecycle(
      new LifecycleStore(documentClient, tableName),
      new ReleaseStore(documentClient, tableName),
      new OneTimeSchedules(schedulerClient, schedulerConfigFromEnv()),
      sfnClient,
      config.workflowArn('LifecycleTransition'),
    ),
  );
