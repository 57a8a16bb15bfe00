/** API Gateway (HTTP API, payload 2.0) events and Lambda contexts for handler tests. */
import type { Context } from 'aws-lambda';
import type { Role } from '../../functions/core/actors.ts';
import type { HttpEvent, HttpResult } from '../../functions/http/http.ts';
import { ROUTES } from '../../functions/http/routes.ts';

export const REQUEST_ID = 'api-request-1';

/** The claims API Gateway's JWT authorizer passes for a person in `role` (arrays as `[a b]`). */
export function claimsFor(role: Role, subject = `test-${role}`): Record<string, string> {
  return role === 'integration'
    ? { sub: subject, client_id: 'test-integration', scope: 'entitlements/integration', token_use: 'access' }
    : {
        sub: subject,
        username: subject,
        'cognito:groups': `[${role}]`,
        client_id: 'test-console',
        token_use: 'access',
      };
}

/**
 * An API Gateway event. Routed to a route with roles (`routeKey`), it carries the verified
 * claims of that route's first role unless `as` says which role (or null: no claims).
 */
export function httpEvent(overrides: Partial<HttpEvent> = {}, as?: Role | null): HttpEvent {
  const route = ROUTES.find((r) => `${r.method} ${r.path}` === overrides.routeKey);
  const role = as === undefined ? route?.roles?.[0] : as;
  const event: HttpEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: REQUEST_ID,
      routeKey: '$default',
      stage: '$default',
      time: '01/Mar/2026:10:00:00 +0000',
      timeEpoch: 1_772_359_200_000,
    },
    ...overrides,
  };
  if (role)
    Object.assign(event.requestContext, {
      routeKey: event.routeKey,
      authorizer: { jwt: { claims: claimsFor(role), scopes: null } },
    });
  return event;
}

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** A handler's answer with its JSON body parsed. */
export function answer(result: HttpResult | undefined) {
  if (!result) throw new Error('the handler answered nothing');
  return {
    status: result.statusCode,
    contentType: result.headers?.['content-type'],
    headers: result.headers ?? {},
    raw: result.body ?? '',
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}
