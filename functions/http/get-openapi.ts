/** GET /openapi.json — the API's OpenAPI 3.1 document, built from the route table once per cold start. */
import { logged } from '../shared/logger.ts';
import { type HttpEvent, type HttpResult, json } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { ROUTES } from './routes.ts';

const document = openApiDocument(ROUTES);

export const handler = logged(
  async (_event: HttpEvent): Promise<HttpResult> =>
    json(200, document, { 'cache-control': 'public, max-age=300' }),
  (event) => event.requestContext?.requestId,
);
