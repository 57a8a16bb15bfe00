/**
 * The HTTP API, locally: the same routes (functions/http/routes.ts) and the same
 * handler modules as API Gateway + Lambda, called with API Gateway v2 events.
 * Every route with roles first verifies the bearer token as API Gateway's JWT authorizer
 * does (local/tokens.ts): 401 problem+json before any handler runs. Plus the local-only
 * clock and token endpoints.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, InvalidInput } from '../functions/core/errors.ts';
import { problemFromError } from '../functions/http/http.ts';
import { ROUTES, type Route } from '../functions/http/routes.ts';
import { LOCAL_ACCOUNT } from './aws.ts';
import { type LocalClock, parseInstant } from './clock.ts';
import type { LocalConsole } from './console.ts';
import { invoke } from './lambda.ts';
import { DEV_CONSOLE_ORIGINS, type GatewayClaims, type LocalTokenIssuer } from './tokens.ts';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway refuses payloads over 10 MB before any function runs. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
  handler: Handler;
}

export async function loadRoutes(root: string): Promise<CompiledRoute[]> {
  return Promise.all(
    ROUTES.map(async (route) => {
      const params: string[] = [];
      const pattern = new RegExp(
        `^${route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          params.push(name);
          return '([^/]+)';
        })}$`,
      );
      const module = (await import(pathToFileURL(resolve(root, route.entry)).href)) as { handler: Handler };
      return { route, pattern, params, handler: module.handler };
    }),
  );
}

export function createApiServer(
  routes: CompiledRoute[],
  clock: LocalClock,
  tokens: () => LocalTokenIssuer,
  events: () => { on: boolean; list(): Promise<unknown[]> } | undefined = () => undefined,
  /** The console and the customer pages (local/console.ts), on the paths no API route has. */
  consolePages: () => LocalConsole | undefined = () => undefined,
): Server {
  const server = createServer(async (req, res) => {
    try {
      // Origin-form only (`/path?query`); parsed against a fixed origin so `//x/y` stays a path.
      const target = req.url ?? '';
      const url = target.startsWith('/') ? URL.parse(`http://localhost${target}`) : null;
      if (!url) return send(res, problemFor(400, 'Bad Request', 'the request target is not a path'));
      const body = await readBody(req);
      if (body === null)
        return send(res, problemFor(413, 'Request Entity Too Large', 'the body exceeds 10 MB'));
      if (url.pathname === '/_local/clock')
        return send(res, await clockRoute(req.method ?? 'GET', body, clock));
      if (url.pathname === '/_local/events')
        return send(res, await eventsRoute(req.method ?? 'GET', events()));
      if (url.pathname.startsWith('/_local/')) {
        // `npm run console:dev` (Vite, another origin) reads the discovery document and
        // exchanges its code here from the browser, as the console does with Cognito.
        const origin = req.headers.origin;
        if (origin && DEV_CONSOLE_ORIGINS.includes(origin)) {
          res.setHeader('access-control-allow-origin', origin);
          res.setHeader('vary', 'origin');
          if (req.method === 'OPTIONS') {
            res.writeHead(204, {
              'access-control-allow-methods': 'GET, POST',
              'access-control-allow-headers': 'content-type, authorization',
              'access-control-max-age': '600',
            });
            return res.end();
          }
        }
        return send(
          res,
          await issuerRoute(req.method ?? 'GET', url, body, tokens(), {
            accept: req.headers.accept ?? '',
            contentType: req.headers['content-type'] ?? '',
          }),
        );
      }
      const methodMatches = routes.filter((r) => r.pattern.test(url.pathname));
      const match = methodMatches.find((r) => r.route.method === req.method);
      if (!methodMatches.length && consolePages()?.serve(req, res, url.pathname)) return;
      if (!match) {
        return send(
          res,
          methodMatches.length
            ? problemFor(405, 'Method Not Allowed', `${req.method} is not allowed on ${url.pathname}`)
            : problemFor(404, 'Not Found', `no route for ${req.method} ${url.pathname}`),
        );
      }
      // Raw, still percent-encoded, as API Gateway passes them: the handlers decode them
      // (functions/http/http.ts `pathParam`), and a malformed encoding is their 400.
      const values = match.pattern.exec(url.pathname)!.slice(1);
      let claims: GatewayClaims | undefined;
      if (match.route.roles) {
        try {
          claims = await tokens().verify(req.headers.authorization);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const refused = problemFromError(error);
          return send(res, { ...refused, headers: { ...refused.headers, 'www-authenticate': 'Bearer' } });
        }
      }
      const event = toEvent(req, url, body, match, values, claims);
      send(res, await invoke(match.route.id, match.handler, event));
    } catch (error) {
      console.error(error);
      send(res, problemFor(500, 'Internal error', 'the local stack failed to answer'));
    }
  });
  // What Node's parser refuses before any handler runs (an unknown method, a request line or
  // headers over 16 KB, malformed syntax) is answered as problem+json too, like every error.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, title] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'HPE_INVALID_METHOD'
          ? [405, 'Method Not Allowed']
          : [400, 'Bad Request'];
    const body = JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail: 'the request was refused before routing',
    });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

/**
 * The local issuer: `POST /_local/token`, its JWKS and OIDC discovery document, and the
 * console's sign-in (`/_local/authorize`, the code grant at `/_local/token`, `/_local/logout`).
 */
async function issuerRoute(
  method: string,
  url: URL,
  body: string,
  tokens: LocalTokenIssuer,
  { accept, contentType }: { accept: string; contentType: string },
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = url.pathname;
  const redirect = (location: string) => ({
    statusCode: 302,
    headers: { location, 'cache-control': 'no-store' },
    body: '',
  });
  const ok = (payload: unknown) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(payload),
  });
  const only = (allowed: string) =>
    method === allowed ? null : problemFor(405, 'Method Not Allowed', `${allowed} ${path}`);
  switch (path) {
    case '/_local/.well-known/openid-configuration':
      return only('GET') ?? ok(tokens.discovery());
    case '/_local/.well-known/jwks.json':
      return only('GET') ?? ok(tokens.jwks());
    case '/_local/authorize': {
      const refused = only('GET');
      if (refused) return refused;
      try {
        return redirect(tokens.authorize(url.searchParams));
      } catch (error) {
        if (error instanceof DomainError) return problemFromError(error);
        throw error;
      }
    }
    case '/_local/logout': {
      const refused = only('GET');
      if (refused) return refused;
      const back = url.searchParams.get('post_logout_redirect_uri') ?? '';
      if (!tokens.allowsRedirect(back))
        return problemFor(400, 'Bad Request', 'post_logout_redirect_uri must be on this stack');
      return redirect(back);
    }
    case '/_local/token': {
      const refused = only('POST');
      if (refused) return refused;
      try {
        // The console's code grant, form-encoded as OAuth clients send it.
        if (/^application\/x-www-form-urlencoded\b/.test(contentType))
          return ok(await tokens.exchange(new URLSearchParams(body)));
        const issued = await tokens.issue(
          parseJson(body, 'send {"role": "licensing-ops", "subject": "alice"}'),
        );
        // `-H 'accept: text/plain'`: the bare token, for `TOKEN=$(curl …)` in a shell.
        if (/^text\/plain\b/.test(accept))
          return {
            statusCode: 200,
            headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
            body: issued.access_token,
          };
        return ok(issued);
      } catch (error) {
        if (error instanceof DomainError) return problemFromError(error);
        throw error;
      }
    }
    default:
      return problemFor(404, 'Not Found', `no local route ${path}`);
  }
}

/** A local endpoint's JSON body, or a 400 saying what to send. */
function parseJson(body: string, usage: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new InvalidInput(usage, [{ path: '(body)', message: 'not valid JSON' }]);
  }
}

/** The local bus's domain events, in order (local/events.ts): local only, never deployed. */
async function eventsRoute(
  method: string,
  events: { on: boolean; list(): Promise<unknown[]> } | undefined,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (method !== 'GET') return problemFor(405, 'Method Not Allowed', 'GET /_local/events');
  if (!events) return problemFor(503, 'Service Unavailable', 'the local bus is not ready yet');
  if (!events.on)
    return problemFor(
      409,
      'Conflict',
      'this stack runs without domain events (started with domainEvents: false)',
    );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: await events.list() }),
  };
}

async function clockRoute(
  method: string,
  body: string,
  clock: LocalClock,
): Promise<APIGatewayProxyStructuredResultV2> {
  const ok = (payload: unknown) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  if (method === 'GET') return ok({ now: clock.now().toISOString() });
  if (method !== 'POST') return problemFor(405, 'Method Not Allowed', 'GET or POST /_local/clock');
  try {
    const parsed = parseJson(body, 'send {"now": "<ISO 8601 instant>"}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InvalidInput('send {"now": "<ISO 8601 instant>"}', [
        { path: '(body)', message: 'must be a JSON object' },
      ]);
    return ok(await clock.moveTo(parseInstant((parsed as { now?: unknown }).now)));
  } catch (error) {
    if (error instanceof DomainError) return problemFromError(error);
    throw error;
  }
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: string,
  match: CompiledRoute,
  values: string[],
  claims?: GatewayClaims,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query = Object.fromEntries(url.searchParams.entries());
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(match.params.length
      ? { pathParameters: Object.fromEntries(match.params.map((p, i) => [p, values[i]!])) }
      : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${match.route.method} ${match.route.path}`,
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body } : {}),
    isBase64Encoded: false,
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function problemFor(status: number, title: string, detail: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail }),
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
  res.end(result.body ?? '');
}
