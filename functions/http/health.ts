/** GET /health — the API answers; a deploy smoke test and the local stack's readiness probe. */
import { now } from '../shared/clock.ts';
import { logged } from '../shared/logger.ts';
import { type HttpEvent, type HttpResult, json } from './http.ts';

export const handler = logged(
  async (_event: HttpEvent): Promise<HttpResult> => json(200, { status: 'ok', time: now().toISOString() }),
  (event) => event.requestContext?.requestId,
);
