/**
 * HTTP plumbing shared by the API handlers: JSON bodies in, JSON or problem+json out.
 * Business code throws DomainErrors; `problemJson()` turns them into RFC 9457 answers.
 */
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { DomainError, InvalidInput, PayloadTooLarge, UnsupportedMediaType } from '../core/errors.ts';
import { logger } from '../shared/logger.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Registrations are a few KB; anything far larger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  type = 'about:blank',
): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type, title, status, detail, ...extra }),
  };
}

export function problemFromError(error: DomainError, instance?: string): HttpResult {
  const errors =
    'errors' in error && Array.isArray(error.errors) && error.errors.length ? { errors: error.errors } : {};
  return problem(
    error.status,
    error.title,
    error.message,
    { ...errors, ...(instance ? { instance } : {}) },
    error.type,
  );
}

/** The JSON body of a request: checked for media type, size and syntax. */
export function jsonBody(event: HttpEvent): unknown {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (!/^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/.test(contentType))
    throw new UnsupportedMediaType('send the body as JSON with content-type: application/json');
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new PayloadTooLarge(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '')
    throw new InvalidInput('the body is empty; send a JSON object', [{ path: '(body)', message: 'empty' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `not valid JSON: ${(error as Error).message}`;
    throw new InvalidInput(`the body is ${message}`, [{ path: '(body)', message }]);
  }
}

/** Middy error handler: DomainErrors become their status; anything else a 500 that leaks nothing. */
export function problemJson(): MiddlewareObj<HttpEvent, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const { error, event } = request;
      const instance = event?.requestContext?.requestId;
      if (error instanceof DomainError) {
        request.response = problemFromError(error, instance);
        return;
      }
      logger.error('unhandled error', { error: error as Error });
      request.response = problem(
        500,
        'Internal error',
        'the request could not be completed; it is safe to retry it',
        {
          ...(instance ? { instance } : {}),
        },
      );
    },
  };
}
