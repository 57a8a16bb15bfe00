/**
 * Hostile input, over HTTP on the local stack: every route of functions/http/routes.ts
 * gets every odd input that applies to it (deep or huge JSON, the wrong media type, a
 * body that is not an object, duplicate keys, huge numbers, malformed percent-encoding,
 * absurd path parameters, unknown methods and query parameters, invisible characters in
 * names, dates in year 0100 or 9999) and must answer a 4xx problem+json — never a 500,
 * never a hang — having stored, scheduled and sent nothing. New routes are covered as
 * they are added to ROUTES. Then the local clock: no jump past 20 years, no invalid date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { unsubscribeToken } from '../../functions/core/unsubscribe.ts';
import { JSON_LIMITS, MAX_BODY_BYTES } from '../../functions/http/http.ts';
import { ROUTES, type Route } from '../../functions/http/routes.ts';
import { config } from '../../functions/shared/config.ts';
import { MAX_JUMP_YEARS } from '../../local/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
/** Path parameter values that name what the registration below created. */
let params: Record<string, string>;
/** A valid body for each route that takes one: hostile variants are made from it. */
let bodies: Record<string, () => Record<string, any>>;
let baseline: { items: string; emails: number; schedules: number };

const snapshot = async () => ({
  items: JSON.stringify(await stack.items()),
  emails: (await stack.emails()).length,
  schedules: stack.scheduler.list().length,
});

beforeAll(async () => {
  stack = await startTestStack();
  const body = registration({ term: { start: '2026-01-01', end: '2027-12-31' } });
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await stack.stepFunctions.idle();
  const [product] = body.products;
  params = {
    certificateNumber: body.certificateNumber,
    contactId: res.body.contactId,
    product: product!.product,
    major: '12',
    version: '12.5',
    serialNumber: product!.serialNumber,
  };
  const proofs = { serialNumber: product!.serialNumber, supportIdentifier: product!.supportIdentifier };
  const contact = {
    name: 'Pierre Curie',
    email: 'pierre@acme.example',
    phone: '+33 6 11 11 11 11',
    address: '1 rue X, Paris',
    company: 'Acme SA',
  };
  bodies = {
    PostRegistration: () => registration(),
    PostContact: () => ({
      salesOrderNumber: body.salesOrderNumber,
      products: [proofs],
      contact: { ...contact },
    }),
    PutContact: () => ({ products: [{ serialNumber: product!.serialNumber }], contact: { ...contact } }),
    PostContactIdResend: () => ({ salesOrderNumber: body.salesOrderNumber, products: [proofs] }),
    PostContactIdRequest: () => ({
      certificateNumber: body.certificateNumber,
      salesOrderNumber: body.salesOrderNumber,
      ...proofs,
    }),
    PutLifecycle: () => ({
      eolDate: '2027-06-30',
      partialSupportDate: '2028-06-30',
      endOfSupportDate: '2029-06-30',
    }),
    PutRelease: () => ({ gaDate: '2027-03-15' }),
    PutSerialVersion: () => ({ version: '12.1' }),
    PatchCertificate: () => ({ company: { name: 'Acme SA' } }),
  };
  baseline = await snapshot();
  expect(baseline.emails).toBe(1); // the registration's Contact ID, and nothing else from here on
});
afterAll(() => stack?.stop());

/**
 * A DELETE takes no body: its own cases are below. Nor JSON does the one-click unsubscribe
 * (RFC 8058: a form holding List-Unsubscribe=One-Click): its own cases are below too.
 */
/** Routes that take no body: GETs, DELETEs, and POST /imports (its file goes to the upload URL). */
const bodyless = (route: Route) =>
  route.method === 'GET' || route.method === 'DELETE' || route.id === 'PostImport';
const withBody = ROUTES.filter((r) => !bodyless(r) && r.id !== 'PostUnsubscribe');
/** A PATCH is a JSON merge patch (RFC 7396): its media type is its own. */
const mediaTypeOf = (route: Route) =>
  route.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
const withParams = ROUTES.filter((r) => r.path.includes('{'));
const paramsOf = (route: Route) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** The route's path with its parameters filled in (percent-encoded), some replaced raw. */
function pathOf(route: Route, raw: Record<string, string> = {}): string {
  return route.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => raw[name] ?? encodeURIComponent(params[name]!),
  );
}

interface Sent {
  method?: string;
  path?: string;
  query?: string;
  contentType?: string | null;
  body?: string | Uint8Array;
}

/** Sends one request to `route` and checks the answer is a 4xx problem+json that changed nothing. */
async function refused(route: Route, sent: Sent, expected?: number | RegExp) {
  const headers: Record<string, string> = {};
  const contentType = sent.contentType === undefined ? mediaTypeOf(route) : sent.contentType;
  if (contentType !== null && sent.body !== undefined) headers['content-type'] = contentType;
  // Past the role check: what the handler does with the input is under test.
  if (route.roles) headers.authorization = `Bearer ${await stack.token(route.roles[0]!)}`;
  const response = await fetch(`${stack.apiUrl}${sent.path ?? pathOf(route)}${sent.query ?? ''}`, {
    method: sent.method ?? route.method,
    headers,
    ...(sent.body === undefined ? {} : { body: sent.body }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const what = `${sent.method ?? route.method} ${route.path} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  expect(response.status, what).toBeLessThan(500);
  if (typeof expected === 'number') expect(response.status, what).toBe(expected);
  expect(response.headers.get('content-type'), what).toBe('application/problem+json');
  const problem = JSON.parse(text);
  expect(problem, what).toMatchObject({ status: response.status, title: expect.any(String) });
  if (expected instanceof RegExp)
    expect(
      (problem.errors ?? []).map((e: { path: string }) => e.path),
      what,
    ).toContainEqual(expect.stringMatching(expected));
  await stack.stepFunctions.idle();
  expect(await snapshot(), `${what}: something was stored, scheduled or sent`).toEqual(baseline);
  return problem;
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe.each(withBody.map((route) => ({ name: `${route.method} ${route.path}`, route })))(
  'the body of $name',
  ({ route }) => {
    it('has a valid sample here, so that every body route is covered', () => {
      expect(bodies[route.id], `add a valid body for ${route.id} to this file`).toBeTypeOf('function');
    });

    it.each([
      ['nested 3,000 levels deep', nested(3000)],
      ['an array nested 3,000 levels deep', `${'['.repeat(3000)}${']'.repeat(3000)}`],
      [`nested ${JSON_LIMITS.depth + 1} levels deep`, nested(JSON_LIMITS.depth + 1)],
      ['20,000 array elements', JSON.stringify({ products: new Array(20_000).fill(0) })],
      [
        '5,000 keys',
        JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]))),
      ],
      ['a 10,000-character string', JSON.stringify({ salesOrderNumber: 'x'.repeat(10_000) })],
      ['a 10,000-character key', JSON.stringify({ ['k'.repeat(10_000)]: 1 })],
      ['a JSON array', '[]'],
      ['a JSON array of objects', '[{"salesOrderNumber":"12345678"}]'],
      ['a JSON string', '"hello"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
      ['JSON true', 'true'],
      ['an empty object', '{}'],
      ['a number too large for a double', '{"salesOrderNumber": 1e400}'],
      ['a negative number too large for a double', '{"n": -1e99999}'],
      ['a 400-digit number', `{"salesOrderNumber": ${'9'.repeat(400)}}`],
      ['a key given twice', '{"salesOrderNumber":"12345678","salesOrderNumber":"87654321"}'],
      ['an escaped key given twice', '{"a":1,"\\u0061":2}'],
      ['an unpaired surrogate', '{"salesOrderNumber":"\\ud800"}'],
      ['an unpaired surrogate in a key', '{"\\udc00":1}'],
      ['invalid JSON', '{"salesOrderNumber":'],
      ['trailing garbage', '{}{}'],
      ['a JavaScript object literal', "{salesOrderNumber: '12345678'}"],
      ['NaN', '{"n": NaN}'],
      ['an empty body', ''],
      ['only whitespace', '  \n '],
      ['a byte-order mark and then JSON', '\ufeff{}'],
      ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ])('refuses %s', async (_name, body) => {
      await refused(route, { body }, 400);
    });

    it.each([
      ['text/plain', 415],
      ['application/x-www-form-urlencoded', 415],
      ['multipart/form-data; boundary=x', 415],
      ['application/jsonx', 415],
      ['application/xml', 415],
      [null, 415],
    ])('refuses the content type %s', async (contentType, status) => {
      await refused(route, { body: JSON.stringify(bodies[route.id]!()), contentType }, status);
    });

    it('refuses a body over the size limit', async () => {
      await refused(route, { body: JSON.stringify({ padding: ' '.repeat(MAX_BODY_BYTES) }) }, 413);
    });

    it('refuses a valid body with one key duplicated', async () => {
      const text = JSON.stringify(bodies[route.id]!());
      const [key, value] = Object.entries(JSON.parse(text))[0]!;
      await refused(
        route,
        { body: `{${JSON.stringify(key)}:${JSON.stringify(value)},${text.slice(1)}` },
        400,
      );
    });

    it.each([
      '?dryRun=maybe',
      '?dryRun=',
      '?dryRun=TRUE',
      '?dryRun=1',
      '?dryRun=yes',
      '?force=true',
      '?a=%zz',
    ])('refuses the query %s', async (query) => {
      await refused(route, { body: JSON.stringify(bodies[route.id]!()), query }, 400);
    });
  },
);

describe.each(withParams.map((route) => ({ name: `${route.method} ${route.path}`, route })))(
  'the path of $name',
  ({ route }) => {
    const body = () => (bodyless(route) ? {} : { body: JSON.stringify(bodies[route.id]!()) });
    describe.each(paramsOf(route))('{%s}', (param) => {
      it.each([
        ['a truncated percent-encoding', '%E0%A4%A'],
        ['a bare percent sign', '100%'],
        ['a percent sign and non-hex', '%zz'],
        ['an encoded unpaired surrogate', '%ED%A0%80'],
        ['bytes that are not UTF-8', '%FF%FE'],
        ['an overlong UTF-8 encoding of a slash', '%C0%AF'],
        ['an encoded NUL', '%00'],
        ['an encoded line break', 'a%0D%0Ab'],
        ['an encoded right-to-left override', 'Backup%E2%80%AEExec'],
        ['an encoded zero-width space', 'Backup%E2%80%8BExec'],
        ['2,000 characters', 'x'.repeat(2000)],
        ['2,000 encoded characters', '%41'.repeat(2000)],
        ['a dot segment', '..'],
        ['an encoded space', '%20'],
      ])('refuses %s', async (_name, value) => {
        await refused(route, { path: pathOf(route, { [param]: value }), ...body() });
      });

      it('refuses a parameter too long for the request line (431)', async () => {
        await refused(route, { path: pathOf(route, { [param]: 'x'.repeat(20_000) }), ...body() }, 431);
      });
    });
  },
);

describe.each(ROUTES.filter((r) => r.method === 'DELETE').map((route) => ({ name: route.path, route })))(
  'DELETE $name',
  ({ route }) => {
    it.each([
      ['a JSON body', '{}', 'application/json', 400],
      ['a merge patch', JSON.stringify({ company: { name: 'X' } }), 'application/merge-patch+json', 400],
      ['a text body', 'void it', 'text/plain', 415],
    ])('refuses %s (a DELETE takes none)', async (_name, body, contentType, status) => {
      await refused(route, { body, contentType }, status);
    });
    it.each(['?force=true', '?dryRun=true', '?a=%zz'])('refuses the query %s', async (query) => {
      await refused(route, { query });
    });
  },
);

describe('POST /unsubscribe (RFC 8058 one-click, a form)', () => {
  const route = ROUTES.find((r) => r.id === 'PostUnsubscribe')!;
  const form = 'application/x-www-form-urlencoded';
  const token = () =>
    unsubscribeToken('someone@acme.example', config.unsubscribe().secret, dayOf(stack.clock.now()));
  const valid = 'List-Unsubscribe=One-Click';
  it.each([
    ['a JSON body', '{"List-Unsubscribe":"One-Click"}', 'application/json', 415],
    ['no content type', valid, null, 415],
    ['text', valid, 'text/plain', 415],
    ['another field too', `${valid}&all=true`, form, 400],
    ['another value', 'List-Unsubscribe=All', form, 400],
    ['an empty body', '', form, 400],
    ['invalid UTF-8 bytes', new Uint8Array([0x4c, 0xff, 0xfe]), form, 400],
    ['a body over the size limit', `${valid}${' '.repeat(10_000)}`, form, 413],
    [
      'a multipart form with another field',
      '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--',
      'multipart/form-data; boundary=b',
      400,
    ],
  ])('refuses %s', async (_name, body, contentType, status) => {
    await refused(route, { query: `?token=${token()}`, body, contentType }, status);
  });
  it.each([
    ['no token', ''],
    ['an empty token', '?token='],
    [
      'a forged token',
      `?token=${Buffer.from('["REMINDERS","someone@acme.example","2099-01-01"]').toString('base64url')}.AAAA`,
    ],
    ['a token and another parameter', '?token=a.b&all=true'],
    ['a malformed query', '?token=%zz'],
  ])('refuses %s', async (_name, query) => {
    await refused(route, { query, body: valid, contentType: form }, 400);
  });
});

describe.each(ROUTES.filter((r) => r.method === 'PATCH').map((route) => ({ name: route.path, route })))(
  'PATCH $name',
  ({ route }) => {
    it('refuses a valid patch sent as application/json (415: a merge patch says so)', async () => {
      await refused(
        route,
        { body: JSON.stringify(bodies[route.id]!()), contentType: 'application/json' },
        415,
      );
    });
  },
);

describe.each(ROUTES.map((route) => ({ name: `${route.path}`, route })))(
  'the methods of $name',
  ({ route }) => {
    const allowed = new Set(ROUTES.filter((r) => r.path === route.path).map((r) => r.method));
    it.each(
      ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].filter((m) => !allowed.has(m as Route['method'])),
    )('refuses %s with 405', async (method) => {
      await refused(route, { method, ...(method === 'GET' ? {} : { body: '{}' }) }, 405);
    });
    it.each(['FOO', 'BREW'])('refuses the unknown method %s', async (method) => {
      await refused(route, { method, body: '{}' });
    });
  },
);

describe('names and free text', () => {
  const hostile: Array<[string, string]> = [
    ['a right-to-left override', 'Marie \u202Eeiruc'],
    ['a left-to-right embedding', '\u202AMarie'],
    ['a pop directional formatting', 'Marie\u202C'],
    ['a first-strong isolate', 'Marie \u2068Curie'],
    ['a pop directional isolate', 'Marie\u2069 Curie'],
    ['a zero-width space', 'Ma\u200Brie'],
    ['a byte-order mark inside', 'Ma\uFEFFrie'],
    ['a soft hyphen', 'Ma\u00ADrie'],
    ['a line separator', 'Marie\u2028Curie'],
    ['a paragraph separator', 'Marie\u2029Curie'],
    ['a bell', 'Marie\u0007'],
    ['a line break', 'Marie\r\nBcc: x@y.example'],
    ['an unpaired high surrogate', 'Marie \ud83d'],
    ['an unpaired low surrogate', '\ude00 Marie'],
  ];
  const fields: Record<string, string[]> = {
    PostRegistration: [
      'company.name',
      'company.address',
      'primaryContact.name',
      'products.0.product',
      'products.0.productLine',
    ],
    PostContact: ['contact.name', 'contact.address', 'contact.company'],
    PutContact: ['contact.name', 'contact.address', 'contact.company'],
  };
  const cases = Object.entries(fields).flatMap(([id, paths]) =>
    paths.flatMap((path) => hostile.map(([what, value]) => ({ id, path, what, value }))),
  );

  it.each(cases)('$id refuses $path with $what', async ({ id, path, value }) => {
    const route = ROUTES.find((r) => r.id === id)!;
    const body = bodies[id]!();
    const keys = path.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = target[key];
    target[keys.at(-1)!] = value;
    const surrogate = !value.isWellFormed();
    // An unpaired surrogate is refused with the body, before any field is looked at.
    await refused(route, { body: JSON.stringify(body) }, surrogate ? /^\(body\)$/ : new RegExp(`^${path}$`));
  });
});

describe('dates', () => {
  const fields: Record<string, string[]> = {
    PostRegistration: ['term.start', 'term.end'],
    PutLifecycle: ['eolDate', 'partialSupportDate', 'endOfSupportDate'],
    PutRelease: ['gaDate'],
  };
  const values = ['0100-01-01', '1000-06-15', '1989-12-31', '2101-01-01', '9999-12-31'];
  const cases = Object.entries(fields).flatMap(([id, paths]) =>
    paths.flatMap((path) => values.map((value) => ({ id, path, value }))),
  );

  it.each(cases)('$id refuses $path $value', async ({ id, path, value }) => {
    const route = ROUTES.find((r) => r.id === id)!;
    const body = bodies[id]!();
    const keys = path.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = target[key];
    target[keys.at(-1)!] = value;
    const problem = await refused(route, { body: JSON.stringify(body) }, new RegExp(`^${path}$`));
    expect(JSON.stringify(problem.errors)).toContain('between 1990-01-01 and 2100-12-31');
  });
});

describe('the local clock', () => {
  const clockRoute = { id: 'LocalClock', method: 'POST', path: '/_local/clock' } as Route;
  const post = (body: string, expected?: number) =>
    refused(clockRoute, { path: '/_local/clock', body }, expected);

  it.each([
    ['9999-12-31T00:00:00Z', 422],
    ['+099999-01-01T00:00:00Z', 400],
    ['2101-01-01T00:00:00Z', 422],
    ['2026-02-30T00:00:00Z', 400],
    ['2026-13-01T00:00:00Z', 400],
    ['2026-12-01T24:00:00Z', 400],
    ['2026-12-01T12:60:00Z', 400],
    ['2026-12-01T12:00:00+25:00', 400],
    ['2026-12-01T12:00:00', 400],
    ['1', 400],
    ['99999', 400],
    ['tomorrow', 400],
    ['', 400],
  ])('refuses {"now": %j} with %i', async (now, status) => {
    const before = stack.clock.now();
    await post(JSON.stringify({ now }), status);
    expect(stack.clock.now().getTime() - before.getTime()).toBeLessThan(60_000);
  });

  it.each([
    ['a number', '{"now": 1893456000000}'],
    ['null', '{"now": null}'],
    ['no now', '{}'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['invalid JSON', '{"now":'],
    ['deep nesting', nested(5000)],
  ])('refuses %s', async (_name, body) => {
    await post(body, 400);
  });

  it('refuses moving back with 409', async () => {
    await post(JSON.stringify({ now: '2020-01-01T00:00:00Z' }), 409);
  });

  // Last: the move at its end runs a day's jobs, which may store run records.
  it(`refuses a jump of more than ${MAX_JUMP_YEARS} years, then still moves`, async () => {
    const now = stack.clock.now();
    const tooFar = new Date(now);
    tooFar.setUTCFullYear(tooFar.getUTCFullYear() + MAX_JUMP_YEARS);
    tooFar.setUTCDate(tooFar.getUTCDate() + 2);
    const problem = await post(JSON.stringify({ now: tooFar.toISOString() }));
    expect(problem.status).toBe(422);
    expect(problem.detail).toMatch(new RegExp(`at most ${MAX_JUMP_YEARS} years at once`));
    expect(dayOf(stack.clock.now())).toBe(dayOf(now));

    // Refusals left nothing behind: the clock moves on the next call, and answers at once.
    const tomorrow = `${addDays(dayOf(now), 1)}T12:00:00.000Z`;
    const res = await stack.post('/_local/clock', { now: tomorrow });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.now)).toBeGreaterThanOrEqual(Date.parse(tomorrow));
    expect(res.body.ran.map((r: { day: string }) => r.day)).toContain(addDays(dayOf(now), 1));
    const read = await stack.get('/_local/clock');
    expect(read.status).toBe(200);
    expect(Date.parse(read.body.now)).toBeGreaterThanOrEqual(Date.parse(tomorrow));
  });
});
