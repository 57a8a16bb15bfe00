/**
 * GET /products/{product}/majors/{major}/lifecycle — public: the dates, the phase today, and
 * the history, without who made each change (core/lifecycle `publicHistory`).
 */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { dayOf } from '../core/calendar.ts';
import { NotFound } from '../core/errors.ts';
import { phaseOn, publicHistory } from '../core/lifecycle.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

export function makeGetLifecycle(store: LifecycleStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, major } = lifecyclePath(event);
    const [lifecycle, history] = await Promise.all([
      store.get(product, major),
      store.history(product, major),
    ]);
    if (!lifecycle) throw new NotFound(`no lifecycle is scheduled for ${product} ${major}`);
    const today = dayOf(now());
    return json(200, {
      ...lifecycle,
      phaseByDate: phaseOn(lifecycle, today),
      asOf: today,
      history: publicHistory(history),
    });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetLifecycle(new LifecycleStore(documentClient, config.table().tableName)));
