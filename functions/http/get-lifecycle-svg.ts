/**
 * GET /products/{product}/lifecycle.svg — every scheduled major on a timeline, today marked,
 * each bar from its major's own general availability (its earliest release). 404 for a
 * product with neither a lifecycle nor a release; revalidated on every use (revalidate.ts).
 */
import middy from '@middy/core';
import { ProductStore } from '../adapters/product-overview.ts';
import { dayOf } from '../core/calendar.ts';
import { lifecyclePicture } from '../core/lifecycle-picture.ts';
import { requireKnownProduct } from '../core/product-lifecycle.ts';
import { majorGaDates } from '../core/upgrades.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';
import { revalidated } from './revalidate.ts';

export function makeGetLifecycleSvg(store: ProductStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const { lifecycles, releases } = await store.read(product);
    requireKnownProduct(product, lifecycles, releases);
    const svg = lifecyclePicture(product, lifecycles, dayOf(now()), majorGaDates(releases));
    return revalidated(event, 'image/svg+xml', svg);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetLifecycleSvg(new ProductStore(documentClient, config.table().tableName)));
