/** A local stack per test file: its own table, ports, mailbox and clock. */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import type { Role } from '../../functions/core/actors.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { assertDocumented } from './openapi.ts';

export interface Email {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

type Answer = { status: number; body: any; headers: Headers };

/** Calls the API as one role (or with no token at all). */
export interface Client {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  delete(path: string, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
}

/**
 * The roles the route table allows on `method path`: a test stack call carries a token for
 * the first of them unless it says otherwise (`as(role)`, `anonymous`, or its own
 * Authorization header).
 */
const COMPILED = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));
export function rolesFor(method: string, path: string): readonly Role[] {
  const pathname = path.split('?')[0]!;
  return COMPILED.find((c) => c.route.method === method && c.pattern.test(pathname))?.route.roles ?? [];
}

export interface TestStack extends LocalStack {
  /** As `role`, with the subject `test-<role>` unless given. */
  as(role: Role, subject?: string): Client;
  /** No Authorization header. */
  anonymous: Client;
  /** A token from the local issuer, as `POST /_local/token` gives it. */
  token(role: Role, subject?: string): Promise<string>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  put(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** A JSON merge patch (RFC 7396) unless `headers` says otherwise. */
  patch(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  delete(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  emails(to?: string): Promise<Email[]>;
  /** Every item in the table (tests only: the service itself never scans). */
  items(): Promise<Array<Record<string, any>>>;
}

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  process.env.LOG_LEVEL ??= 'ERROR';
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    dynamodb: { endpoint: inject('dynamodbEndpoint') },
    inMemory: true,
    tableName: `test-${randomUUID()}`,
    retryIntervalMs: 5,
    // Domain events only where a test reads them (startTestStack({ domainEvents: true })):
    // every stream record of every test table weighs on the one shared DynamoDB Local.
    domainEvents: false,
    // The console is the browser suite's (test/browser): no build in every test stack.
    console: false,
    ...options,
  });
  const ddb = new DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const tokens = new Map<string, Promise<string>>();
  const token = (role: Role, subject = `test-${role}`) => {
    const key = `${role} ${subject}`;
    if (!tokens.has(key))
      tokens.set(
        key,
        stack.tokens.issue({ role, subject }).then((t) => t.access_token),
      );
    return tokens.get(key)!;
  };
  /** `as`: a role and subject, null for no token, undefined for the route's first role. */
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    given: Record<string, string> = {},
    as?: { role: Role; subject?: string } | null,
  ) => {
    const headers = { ...given };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization') && as !== null) {
      const role = as?.role ?? rolesFor(method, path)[0];
      if (role) headers.authorization = `Bearer ${await token(role, as?.subject)}`;
    }
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    // Every answer of a route in the table must fit the OpenAPI document.
    assertDocumented(method, path, response.status, response.headers.get('content-type'), parsed);
    return { status: response.status, body: parsed as any, headers: response.headers };
  };
  const client = (as?: { role: Role; subject?: string } | null): Client => ({
    post: (path, body, headers) => call('POST', path, body, headers, as),
    put: (path, body, headers) => call('PUT', path, body, headers, as),
    patch: (path, body, headers) =>
      call('PATCH', path, body, { 'content-type': 'application/merge-patch+json', ...headers }, as),
    delete: (path, headers) => call('DELETE', path, undefined, headers, as),
    get: (path, headers) => call('GET', path, undefined, headers, as),
  });
  return {
    ...stack,
    // The table goes with the stack: the shared DynamoDB Local keeps only the running files' data.
    async stop() {
      await stack.stop();
      await ddb.send(new DeleteTableCommand({ TableName: stack.tableName })).catch(() => undefined);
      ddb.destroy();
    },
    ...client(),
    as: (role, subject) => client({ role, ...(subject ? { subject } : {}) }),
    anonymous: client(null),
    token,
    async emails(to) {
      const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: Email[] };
      return store.emails.filter((e) => !to || e.destination.to.includes(to));
    },
    async items() {
      const items: Array<Record<string, any>> = [];
      let ExclusiveStartKey: Record<string, any> | undefined;
      do {
        const out = await ddb.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey }));
        items.push(...(out.Items ?? []));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
  };
}

/**
 * A proxy in front of local SES that can fail requests the way SES does when it
 * throttles (429 TooManyRequestsException) or is down (503), then recover.
 */
export class FlakySes {
  private server?: Server;
  failuresLeft = 0;
  mode: 'throttle' | 'down' = 'throttle';
  sendAttempts = 0;

  async start(target: string): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        if (req.url?.includes('/outbound-emails')) this.sendAttempts++;
        if (this.failuresLeft > 0 && req.url?.includes('/outbound-emails')) {
          this.failuresLeft--;
          const throttled = this.mode === 'throttle';
          res.writeHead(throttled ? 429 : 503, {
            'content-type': 'application/json',
            'x-amzn-errortype': throttled ? 'TooManyRequestsException' : 'ServiceUnavailable',
          });
          res.end(JSON.stringify({ message: throttled ? 'Too many requests' : 'Service unavailable' }));
          return;
        }
        const url = new URL(req.url ?? '/', target);
        const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): Promise<void> {
    return new Promise((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}

/** A registration body like CONTRACT.md's example, with unique identifiers. */
let sequence = 0;
export function registration(overrides: Record<string, unknown> = {}) {
  sequence++;
  const n = `${process.pid % 10000}${String(sequence).padStart(4, '0')}`.padStart(8, '0').slice(-8);
  const email = `contact-${randomUUID().slice(0, 8)}@acme.example`;
  return {
    certificateNumber: `${n}-${String(1000000 + sequence).slice(-7)}`,
    salesOrderNumber: n,
    tier: 'ESSENTIAL',
    term: { start: '2026-01-01', end: '2026-12-31' },
    company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
    primaryContact: { name: 'Marie Curie', email, phone: '+33 6 00 00 00 00', language: 'fr' },
    products: [
      {
        serialNumber: `M${n}${String(sequence % 100).padStart(2, '0')}`,
        supportIdentifier: `${n.slice(0, 4)}-${n.slice(4)}-${String(sequence).padStart(4, '0').slice(-4)}`,
        product: 'Backup Exec',
        version: '12.0',
      },
    ],
    ...overrides,
  };
}

/**
 * Registers, over HTTP, one certificate with one serial per version of `product`, for
 * `term`, its primary contact speaking `language`; waits for its Contact ID email.
 */
export async function registerVersions(
  stack: TestStack,
  product: string,
  versions: string[],
  term: { start: string; end: string },
  language = 'en',
) {
  const base = registration({ term });
  const body = {
    ...base,
    primaryContact: { ...base.primaryContact, language },
    products: versions.map((version, i) => ({
      ...base.products[0]!,
      serialNumber: `M${base.products[0]!.serialNumber.slice(1, 9)}${i}7`,
      product,
      version,
    })),
  };
  const res = await stack.post('/registrations', body);
  if (res.status !== 201) throw new Error(`registration refused: ${JSON.stringify(res.body)}`);
  await stack.stepFunctions.idle();
  return {
    body,
    contactId: res.body.contactId as string,
    to: body.primaryContact.email,
    serials: body.products.map((p) => p.serialNumber),
  };
}
