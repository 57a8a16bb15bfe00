/** API Gateway (HTTP API, payload 2.0) events and Lambda contexts for handler tests. */
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../functions/http/http.ts';

export const REQUEST_ID = 'api-request-1';

export function httpEvent(overrides: Partial<HttpEvent> = {}): HttpEvent {
  return {
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
