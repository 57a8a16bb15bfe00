/** GET /products/{product}/lifecycle.svg — every scheduled major on a timeline, today marked. */
import middy from '@middy/core';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { lifecyclePicture } from '../core/lifecycle-picture.ts';
import { majorGaDates } from '../core/upgrades.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

export function makeGetLifecycleSvg(store: LifecycleStore, releases: ReleaseStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const [majors, announced] = await Promise.all([store.majors(product), releases.list(product)]);
    const svg = lifecyclePicture(product, majors, now().toISOString().slice(0, 10), majorGaDates(announced));
    return {
      statusCode: 200,
      headers: { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=300' },
      body: svg,
    };
  };
}

const tableName = requireEnv('TABLE_NAME');
export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(
    makeGetLifecycleSvg(
      new LifecycleStore(documentClient, tableName),
      new ReleaseStore(documentClient, tableName),
    ),
  );
