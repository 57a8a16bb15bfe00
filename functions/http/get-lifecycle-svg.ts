/** GET /products/{product}/lifecycle.svg — every scheduled major on a timeline, today marked. */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { dayOf } from '../core/calendar.ts';
import { lifecyclePicture } from '../core/lifecycle-picture.ts';
import { majorGaDates } from '../core/upgrades.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

export function makeGetLifecycleSvg(store: LifecycleStore, releases: ReleaseStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const [majors, announced] = await Promise.all([store.majors(product), releases.list(product)]);
    const svg = lifecyclePicture(product, majors, dayOf(now()), majorGaDates(announced));
    return {
      statusCode: 200,
      headers: { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=300' },
      body: svg,
    };
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetLifecycleSvg(
      new LifecycleStore(documentClient, tableName),
      new ReleaseStore(documentClient, tableName),
    ),
  );
