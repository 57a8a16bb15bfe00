/** GET /health — the API answers; a deploy smoke test and the local stack's readiness probe. */
import { now } from '../shared/clock.ts';
import { type HttpResult, json } from './http.ts';

export const handler = async (): Promise<HttpResult> =>
  json(200, { status: 'ok', time: now().toISOString() });
