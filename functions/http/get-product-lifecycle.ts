/**
 * GET /products/{product}/lifecycle — public: every major of a product with its general
 * availability, its milestones and its phase today, without who scheduled them. One Query of
 * the product's partition; 404 for a product with neither a lifecycle nor a release.
 */
import middy from '@middy/core';
import { ProductStore } from '../adapters/product-overview.ts';
import { dayOf } from '../core/calendar.ts';
import { productMajors, requireKnownProduct } from '../core/product-lifecycle.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';
import { revalidated } from './revalidate.ts';

export function makeGetProductLifecycle(store: ProductStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const { lifecycles, releases } = await store.read(product);
    requireKnownProduct(product, lifecycles, releases);
    const today = dayOf(now());
    const body = { product, asOf: today, majors: productMajors(lifecycles, releases, today) };
    return revalidated(event, 'application/json', JSON.stringify(body));
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetProductLifecycle(new ProductStore(documentClient, config.table().tableName)));
