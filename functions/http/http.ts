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

/**
 * What a JSON body may hold. Our largest request (a registration of 50 products) is 3
 * levels deep with ~350 values and strings of at most 500 characters; the limits leave
 * room for that and refuse, before anything parses it further or serialises it again,
 * bodies built to exhaust a stack (deep nesting), the CPU (huge arrays) or storage.
 */
export const JSON_LIMITS = {
  /** Nesting of objects and arrays: `{"a":[1]}` is 2 deep. */
  depth: 32,
  /** Values in the whole body: every member value and array element, at any depth. */
  values: 2_000,
  /** Characters in any one string or key, once unescaped. */
  stringLength: 2_000,
} as const;

/** The JSON body of a request: checked for media type, size, syntax, limits and shape (an object). */
export function jsonBody(event: HttpEvent, allowedQuery: readonly string[] = []): Record<string, unknown> {
  // A write must not carry a query parameter it would ignore: `?dryRun=true` on a route
  // without a dry run would otherwise store and email while the caller thinks it does not.
  const unknownQuery = Object.keys(event.queryStringParameters ?? {}).filter(
    (k) => !allowedQuery.includes(k),
  );
  if (unknownQuery.length)
    throw new InvalidInput(
      `this route takes ${allowedQuery.length ? `only the query parameter(s) ${allowedQuery.join(', ')}` : 'no query parameters'}`,
      unknownQuery.map((k) => ({ path: `(query).${k.slice(0, 100)}`, message: 'unknown query parameter' })),
    );
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (!/^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/.test(contentType))
    throw new UnsupportedMediaType('send the body as JSON with content-type: application/json');
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new PayloadTooLarge(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '')
    throw new InvalidInput('the body is empty; send a JSON object', [{ path: '(body)', message: 'empty' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `not valid JSON: ${(error as Error).message}`;
    throw new InvalidInput(`the body is ${message}`, [{ path: '(body)', message }]);
  }
  checkJsonLimits(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bodyRefused(
      `the body must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
    );
  return value as Record<string, unknown>;
}

/**
 * A DELETE names what it acts on in its path and nothing else: a body or a query parameter is
 * a mistake (a client sending a patch to the wrong method), refused before anything changes.
 * A malformed body gets the answers every route gives (400, 413, 415).
 */
export function emptyRequest(event: HttpEvent, what: string): void {
  if ((event.body ?? '') === '') {
    const query = Object.keys(event.queryStringParameters ?? {});
    if (query.length)
      throw new InvalidInput(
        'this route takes no query parameters',
        query.map((k) => ({ path: `(query).${k.slice(0, 100)}`, message: 'unknown query parameter' })),
      );
    return;
  }
  jsonBody(event);
  throw new InvalidInput(`${what} takes no body`, [{ path: '(body)', message: 'must be empty' }]);
}

const bodyRefused = (message: string) =>
  new InvalidInput(`the body is refused: ${message}`, [{ path: '(body)', message }]);

/**
 * Walks JSON text that JSON.parse accepted, without recursion, and refuses what the
 * parsed value would hide or what would hurt later: nesting beyond the limit, too many
 * values, overlong strings, a key given twice in one object (parsers disagree on which
 * one wins), numbers too large for a double (they would become Infinity, then null)
 * and unpaired UTF-16 surrogates (`"\ud800"`: not text, and unstorable as UTF-8).
 */
function checkJsonLimits(text: string): void {
  const open: Array<{ keys: Set<string> | null; expectKey: boolean }> = [];
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') {
      values++;
      open.push({ keys: c === '{' ? new Set() : null, expectKey: c === '{' });
      if (open.length > JSON_LIMITS.depth)
        throw bodyRefused(`nested more than ${JSON_LIMITS.depth} levels deep`);
    } else if (c === '}' || c === ']') open.pop();
    else if (c === ',') {
      const top = open.at(-1);
      if (top?.keys) top.expectKey = true;
    } else if (c === ':') {
      const top = open.at(-1);
      if (top) top.expectKey = false;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const token = text.slice(i, end + 1);
      const string = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      i = end;
      if (string.length > JSON_LIMITS.stringLength)
        throw bodyRefused(`a string or key is longer than ${JSON_LIMITS.stringLength} characters`);
      if (!string.isWellFormed()) throw bodyRefused('a string or key holds an unpaired UTF-16 surrogate');
      const top = open.at(-1);
      if (top?.keys && top.expectKey) {
        if (top.keys.has(string))
          throw bodyRefused(`the key "${string.slice(0, 100)}" appears twice in one object`);
        top.keys.add(string);
      } else values++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end++;
      if (!Number.isFinite(Number(text.slice(i, end)))) throw bodyRefused('a number is too large');
      i = end - 1;
      values++;
    } else if (c === 't' || c === 'n') {
      i += 3;
      values++;
    } else if (c === 'f') {
      i += 4;
      values++;
    }
    if (values > JSON_LIMITS.values) throw bodyRefused(`more than ${JSON_LIMITS.values} values`);
  }
}

/** Longest path parameter we decode: every identifier, product name and version is far shorter. */
export const MAX_PATH_PARAMETER_LENGTH = 512;

/**
 * A path parameter, percent-decoded. API Gateway hands Lambda the raw (still encoded)
 * value, and so does the local server; a malformed encoding (`%E0%A4%A`, or bytes that
 * are not UTF-8) is the caller's mistake, a 400, never a URIError and a 500.
 */
export function pathParam(event: HttpEvent, name: string): string | undefined {
  const raw = event.pathParameters?.[name];
  if (raw === undefined) return undefined;
  if (raw.length > MAX_PATH_PARAMETER_LENGTH)
    throw new InvalidInput(`the ${name} in the path is too long`, [
      { path: name, message: `must be at most ${MAX_PATH_PARAMETER_LENGTH} characters` },
    ]);
  return decodePathSegment(raw, name);
}

/** `decodeURIComponent` that answers a malformed encoding with InvalidInput. */
export function decodePathSegment(raw: string, name = '(path)'): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidInput(`the ${name} in the path is not validly percent-encoded UTF-8`, [
      { path: name, message: 'malformed percent-encoding' },
    ]);
  }
}

/** A yes/no query parameter: absent is false; anything but `true` or `false` is a 400. */
export function queryFlag(event: HttpEvent, name: string): boolean {
  const value = event.queryStringParameters?.[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInput(`${name} is true or false`, [
    { path: `(query).${name}`, message: 'must be true or false' },
  ]);
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
