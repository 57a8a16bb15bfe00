/** GET /products/{product}/majors/{major}/lifecycle — the dates, the phase today, and the history. */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { NotFound } from '../core/errors.ts';
import { phaseOn } from '../core/lifecycle.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
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
    const today = now().toISOString().slice(0, 10);
    return json(200, { ...lifecycle, phaseByDate: phaseOn(lifecycle, today), asOf: today, history });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(makeGetLifecycle(new LifecycleStore(documentClient, requireEnv('TABLE_NAME'))));
