/**
 * PUT /products/{product}/majors/{major}/lifecycle — a product manager schedules end of
 * life. Parse → decide (422 out of order, 409 moving a passed milestone) → `?dryRun=true`
 * answers the impact and stops → store the schedule → one one-time schedule per milestone
 * still to come → start the notices of the new schedule → answer.
 */

import type { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { type Impact, LifecycleStore } from '../adapters/lifecycle.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { OneTimeSchedules, schedulerConfigFromEnv } from '../adapters/scheduler.ts';
import { startOnce } from '../adapters/workflows.ts';
import { WORKFLOWS } from '../catalog.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import {
  decideSchedule,
  LifecycleRequest,
  MILESTONES,
  milestoneExecutionName,
  milestoneScheduleName,
  scheduledNoticeRunName,
} from '../core/lifecycle.ts';
import { majorGaDates } from '../core/upgrades.ts';
import { parseOrThrow } from '../core/validation.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { schedulerClient } from '../shared/scheduler.ts';
import { sfnClient } from '../shared/sfn.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson, queryFlag } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

const counts = (i: Impact) => ({ serials: i.serials, contacts: i.contacts, certificates: i.certificates });

export function makePutLifecycle(
  store: LifecycleStore,
  releases: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  transitionArn: string,
) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, major } = lifecyclePath(event);
    const request = parseOrThrow(LifecycleRequest, jsonBody(event, ['dryRun']), 'the lifecycle is malformed');
    const dryRun = queryFlag(event, 'dryRun');
    const at = now();
    const [current, announced] = await Promise.all([store.get(product, major), releases.list(product)]);
    const lifecycle = decideSchedule(
      product,
      major,
      request,
      current,
      at,
      majorGaDates(announced).get(major),
    );
    const impact = await store.impact(product, major);
    if (!current && impact.serials === 0)
      throw new NotFound(
        `no serial of ${product} ${major} is registered: nobody to tell, nothing to schedule`,
      );
    if (dryRun)
      return json(200, { dryRun: true, product, major, phase: lifecycle.phase, impact: counts(impact) });

    // A retry of the same schedule stores nothing again, but finishes what a failed attempt left:
    // the schedules are put again (an update) and the notice run is started again (refused by name).
    const changed = lifecycle !== current;
    if (changed)
      await store
        .saveSchedule(lifecycle, {
          at: at.toISOString(),
          event: current ? 'RESCHEDULED' : 'SCHEDULED',
          requestId: event.requestContext.requestId,
          dates: request,
        })
        .catch((error: Error) => {
          if (error.name !== 'TransactionCanceledException') throw error;
          throw new Conflict(
            `the lifecycle of ${product} ${major} changed meanwhile: read it again and retry`,
          );
        });
    const today = at.toISOString().slice(0, 10);
    for (const { milestone, phase } of MILESTONES) {
      if (lifecycle[milestone] <= today) continue; // passed: applied in the phase just stored
      await schedules.put({
        name: milestoneScheduleName(product, major, phase),
        at: new Date(`${lifecycle[milestone]}T00:00:00Z`),
        workflow: 'LifecycleTransition',
        executionName: milestoneExecutionName(product, major, phase, lifecycle[milestone]),
        input: { product, major, event: phase, date: lifecycle[milestone] },
      });
    }
    await startOnce(sfn, transitionArn, scheduledNoticeRunName(product, major, lifecycle.revision), {
      product,
      major,
      event: 'SCHEDULED',
      revision: lifecycle.revision,
    });
    return json(current ? 200 : 201, { ...lifecycle, impact: counts(impact) });
  };
}

const tableName = requireEnv('TABLE_NAME');
export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(
    makePutLifecycle(
      new LifecycleStore(documentClient, tableName),
      new ReleaseStore(documentClient, tableName),
      new OneTimeSchedules(schedulerClient, schedulerConfigFromEnv()),
      sfnClient,
      requireEnv(WORKFLOWS.LifecycleTransition.arnVariable),
    ),
  );
