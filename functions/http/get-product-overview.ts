/**
 * GET /products/{product}/overview — product managers: every major (dates, phase, and its
 * history with who made each change) and every release (GA date, status, upgrade decisions
 * taken, who announced it). 404 for a product with neither a lifecycle nor a release.
 */
import middy from '@middy/core';
import { ProductStore } from '../adapters/product-overview.ts';
import { dayOf } from '../core/calendar.ts';
import { productMajors, releaseMajor, requireKnownProduct } from '../core/product-lifecycle.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, problemJson } from './http.ts';
import { lifecyclePath } from './lifecycle-path.ts';

export function makeGetProductOverview(store: ProductStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product } = lifecyclePath(event);
    const { lifecycles, history, releases } = await store.read(product);
    requireKnownProduct(product, lifecycles, releases);
    const today = dayOf(now());
    // Decisions exist from a release's GA date on; before it there is nothing to count.
    const due = releases.filter((r) => r.gaDate <= today);
    const counts = await store.decisionCounts(product, due);
    return json(
      200,
      {
        product,
        asOf: today,
        majors: productMajors(lifecycles, releases, today).map((major) => ({
          ...major,
          history: (history.get(major.major) ?? []).map((e) => ({
            at: e.at,
            event: e.event,
            actor: e.actor ?? null,
            ...(e.dates ? { dates: e.dates } : {}),
          })),
        })),
        releases: releases.map((r) => ({
          version: r.version,
          major: releaseMajor(r),
          gaDate: r.gaDate,
          status: r.status,
          decisions: counts.get(r.versionKey) ?? null,
          announcedAt: r.announcedAt,
          announcedBy: r.announcedBy ?? null,
          updatedAt: r.updatedAt,
          updatedBy: r.updatedBy ?? null,
          ...(r.decidedAt ? { decidedAt: r.decidedAt } : {}),
        })),
      },
      // Staff's view of who did what: never kept by a shared cache.
      { 'cache-control': 'no-store' },
    );
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetProductOverview(new ProductStore(documentClient, config.table().tableName)));
