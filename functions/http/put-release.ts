/**
 * PUT /products/{product}/releases/{version} — a product manager announces general
 * availability. Parse → decide (same date: nothing changes; another date once GA has
 * come: 409) → store → a one-time schedule on the GA date, or the GA run now when the
 * date has come → answer.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { ReleaseStore } from '../adapters/releases.ts';
import { OneTimeSchedules, schedulerConfigFromEnv } from '../adapters/scheduler.ts';
import { startOnce } from '../adapters/workflows.ts';
import { WORKFLOWS } from '../catalog.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { decideRelease, gaRunExecutionName, gaScheduleName, ReleaseRequest } from '../core/upgrades.ts';
import { parseOrThrow } from '../core/validation.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { schedulerClient } from '../shared/scheduler.ts';
import { sfnClient } from '../shared/sfn.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson } from './http.ts';
import { releasePath } from './release-path.ts';

export function makePutRelease(
  store: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  gaRunArn: string,
) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, version, versionKey } = releasePath(event);
    const request = parseOrThrow(ReleaseRequest, jsonBody(event), 'the release is malformed');
    const at = now();
    const current = await store.get(product, versionKey);
    const { release, changed } = decideRelease(product, version, request, current, at);
    if (!current && !(await store.hasSerials(product)))
      throw new NotFound(`no serial of ${product} is registered: an unknown product`);
    if (changed)
      await store.save(release).catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
        throw new Conflict(`the release ${product} ${version} changed meanwhile: read it again and retry`);
      });
    // A decided release is done; otherwise (a new date, or a retry of one) make sure its run will come.
    if (release.status === 'DECIDED') return json(200, release);
    const today = at.toISOString().slice(0, 10);
    const executionName = gaRunExecutionName(product, version, release.gaDate);
    const input = { product, version, gaDate: release.gaDate };
    if (release.gaDate > today)
      await schedules.put({
        name: gaScheduleName(product, version),
        at: new Date(`${release.gaDate}T00:00:00Z`),
        workflow: 'UpgradeDecisions',
        executionName,
        input,
      });
    else {
      // The GA date has come (announced late, or moved earlier): decide now.
      if (current && changed) await schedules.remove(gaScheduleName(product, version));
      await startOnce(sfn, gaRunArn, executionName, input);
    }
    return json(current ? 200 : 201, release);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(
    makePutRelease(
      new ReleaseStore(documentClient, requireEnv('TABLE_NAME')),
      new OneTimeSchedules(schedulerClient, schedulerConfigFromEnv()),
      sfnClient,
      requireEnv(WORKFLOWS.UpgradeDecisions.arnVariable),
    ),
  );
