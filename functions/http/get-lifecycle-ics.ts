/**
 * GET /products/{product}/lifecycle.ics — public: the product's lifecycle as an iCalendar
 * feed (core/lifecycle-calendar.ts), one all-day event per scheduled milestone of each major.
 * 404 for a product with neither a lifecycle nor a release.
 */
import middy from '@middy/core';
import { ProductStore } from '../adapters/product-overview.ts';
import { lifecycleCalendar } from '../core/lifecycle-calendar.ts';
import { requireKnownProduct } from '../core/product-lifecycle.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';
import { revalidated } from './revalidate.ts';

export function makeGetLifecycleIcs(store: ProductStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const { lifecycles, releases } = await store.read(product);
    requireKnownProduct(product, lifecycles, releases);
    return revalidated(
      event,
      'text/calendar; charset=utf-8',
      lifecycleCalendar(product, lifecycles, releases),
    );
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetLifecycleIcs(new ProductStore(documentClient, config.table().tableName)));
