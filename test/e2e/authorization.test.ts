/**
 * Who may do what (CONTRACT.md), generated from the route table: every route with roles
 * lets its roles through and answers 403 to the others and 401 without a valid token —
 * with requests that WOULD store and email if the check let them through, so "nothing
 * stored, nothing emailed" is measured, not assumed. Public routes answer without a token.
 * Then the tokens themselves: forged, expired, for another audience or issuer, tampered.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../functions/core/actors.ts';
import { ROUTES, type Route } from '../../functions/http/routes.ts';
import { LOCAL_CLIENTS, LocalTokenIssuer } from '../../local/tokens.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
type Registration = ReturnType<typeof registration>;
let seeded: { body: Registration; primaryId: string; designatedId: string };

beforeAll(async () => {
  stack = await startTestStack();
  const body = registration();
  const registered = await stack.as('licensing-ops').post('/registrations', body);
  expect(registered.status).toBe(201);
  const added = await stack.as('licensing-ops').post(`/certificates/${body.certificateNumber}/contacts`, {
    ...proofs(body),
    contact: person('designated'),
  });
  expect(added.status).toBe(201);
  await stack.stepFunctions.idle();
  seeded = { body, primaryId: registered.body.contactId, designatedId: added.body.contactId };
}, 60_000);
afterAll(() => stack?.stop());

const proofs = (body: Registration) => ({
  salesOrderNumber: body.salesOrderNumber,
  products: body.products.map((p) => ({
    serialNumber: p.serialNumber,
    supportIdentifier: p.supportIdentifier,
  })),
});
const person = (name: string) => ({
  name: `Person ${name}`,
  email: `${name}-${process.pid}@customer.example`,
  phone: '+33 1 00 00 00 00',
  address: '2 avenue Y, Lyon',
  company: 'Acme SA',
  language: 'en',
});

/**
 * A request each route would act on (store, email, schedule) if the caller were let
 * through: the seeded certificate, its contacts and serial, a product's lifecycle.
 */
function requestFor(route: Route): { path: string; body?: unknown } {
  const { body, primaryId, designatedId } = seeded;
  const n = body.certificateNumber;
  const serial = body.products[0]!;
  const product = encodeURIComponent(serial.product);
  const requests: Record<string, { path: string; body?: unknown }> = {
    PostRegistration: { path: '/registrations', body: registration() },
    GetCertificate: { path: `/certificates/${n}` },
    GetCertificates: { path: `/certificates?serialNumber=${serial.serialNumber}` },
    PatchCertificate: { path: `/certificates/${n}`, body: { company: { name: 'Renamed SA' } } },
    DeleteCertificate: { path: `/certificates/${n}` },
    PostContact: { path: `/certificates/${n}/contacts`, body: { ...proofs(body), contact: person('added') } },
    PutContact: {
      path: `/certificates/${n}/contacts/${designatedId}`,
      body: { products: [{ serialNumber: serial.serialNumber }], contact: person('successor') },
    },
    PostContactIdResend: { path: `/certificates/${n}/contact-id/resend`, body: proofs(body) },
    GetEntitlements: { path: `/entitlements/${primaryId}` },
    GetEntitlementsBySupportIdentifier: {
      path: `/entitlements?supportIdentifier=${serial.supportIdentifier}`,
    },
    PutLifecycle: {
      path: `/products/${product}/majors/12/lifecycle`,
      body: { eolDate: '2027-06-30', partialSupportDate: '2028-06-30', endOfSupportDate: '2029-06-30' },
    },
    PutRelease: { path: `/products/${product}/releases/12.5`, body: { gaDate: '2027-03-01' } },
    PutSerialVersion: { path: `/serials/${serial.serialNumber}/version`, body: { version: '12.1' } },
    DeleteContactPersonalData: { path: `/contacts/${primaryId}/personal-data` },
    PostImport: { path: '/imports' },
    GetImport: { path: '/imports/00000000-0000-4000-8000-000000000000' },
    GetUpgradeEntitlement: {
      path: `/products/${product}/releases/12.5/entitlements/${serial.serialNumber}`,
    },
    GetProductOverview: { path: `/products/${product}/overview` },
  };
  const request = requests[route.id];
  if (!request) throw new Error(`no request for ${route.id}: add one so the route's roles are tested`);
  return request;
}

const guarded = ROUTES.filter((r): r is Route & { roles: readonly Role[] } => Boolean(r.roles));
const send = (client: TestStack['anonymous'], route: Route, headers: Record<string, string> = {}) => {
  const { path, body } = requestFor(route);
  switch (route.method) {
    case 'GET':
      return client.get(path, headers);
    case 'DELETE':
      return client.delete(path, headers);
    case 'POST':
      return client.post(path, body, headers);
    case 'PUT':
      return client.put(path, body, headers);
    case 'PATCH':
      return client.patch(path, body, headers);
  }
};

async function snapshot() {
  await stack.stepFunctions.idle();
  const items = await stack.items();
  return {
    items: JSON.stringify(items.map((i) => [i.PK, i.SK, i]).sort()),
    emails: (await stack.emails()).length,
    executions: stack.stepFunctions.list().length,
  };
}

function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers.get('content-type'), what).toBe('application/problem+json');
  expect(res.body.status, what).toBe(status);
  expect(typeof res.body.detail, what).toBe('string');
}

describe('the route table, role by role', () => {
  it('declares on every route either the roles it allows or why it is public, never both', () => {
    for (const route of ROUTES) {
      expect(Boolean(route.roles) !== Boolean(route.public), route.id).toBe(true);
      if (route.roles) {
        expect(route.roles.length, route.id).toBeGreaterThan(0);
        for (const role of route.roles) expect(ROLES, route.id).toContain(role);
      }
    }
    // CONTRACT.md's public routes are public, and nothing that writes for staff is.
    const publicIds = ROUTES.filter((r) => r.public).map((r) => `${r.method} ${r.path}`);
    expect(publicIds).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /openapi.json',
        'GET /products/{product}/majors/{major}/lifecycle',
        'GET /products/{product}/lifecycle.svg',
        'POST /self-service/contact-id-requests',
      ]),
    );
  });

  it('answers 401 without a token and 403 to every role a route does not allow, storing and emailing nothing', async () => {
    const before = await snapshot();
    let refusals = 0;
    for (const route of guarded) {
      const what = `${route.method} ${route.path}`;
      const anonymous = await send(stack.anonymous, route);
      expectProblem(anonymous, 401, `${what} without a token`);
      expect(anonymous.headers.get('www-authenticate'), what).toBe('Bearer');
      for (const role of ROLES.filter((r) => !route.roles.includes(r))) {
        const res = await send(stack.as(role), route);
        expectProblem(res, 403, `${what} as ${role}`);
        expect(res.body.detail, what).toContain(role);
        refusals++;
      }
    }
    expect(refusals).toBeGreaterThan(30);
    expect(await snapshot()).toEqual(before);
  });

  it('lets every allowed role through the role check', async () => {
    // Reads first, then writes, the void last: each write acts on the seeded certificate.
    const order = (r: Route) => (r.method === 'GET' ? 0 : r.id === 'DeleteCertificate' ? 2 : 1);
    for (const route of [...guarded].sort((a, b) => order(a) - order(b)))
      for (const role of route.roles) {
        const res = await send(stack.as(role, `allowed-${role}`), route);
        const what = `${route.method} ${route.path} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect([401, 403], what).not.toContain(res.status);
        expect(res.status, what).toBeLessThan(500);
      }
    await stack.stepFunctions.idle();
    const certificate = await stack.as('licensing-ops').get(`/certificates/${seeded.body.certificateNumber}`);
    expect(certificate.body.status).toBe('VOID');
  });

  it('answers public routes without a token', async () => {
    for (const path of [
      '/health',
      '/openapi.json',
      `/products/${encodeURIComponent('Backup Exec')}/majors/12/lifecycle`,
      `/products/${encodeURIComponent('Backup Exec')}/lifecycle.svg`,
      `/products/${encodeURIComponent('Backup Exec')}/lifecycle`,
      `/products/${encodeURIComponent('Backup Exec')}/lifecycle.ics`,
    ]) {
      const res = await stack.anonymous.get(path);
      expect([200, 404], `${path}: ${res.status}`).toContain(res.status);
      expect(res.status, path).not.toBe(401);
    }
  });
});

describe('tokens the API refuses (401, nothing stored)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const people = (role: Role) => ({
    sub: 'mallory',
    username: 'mallory',
    'cognito:groups': [role],
    client_id: LOCAL_CLIENTS.console,
    token_use: 'access',
  });
  const cases: Array<[string, () => Promise<string>]> = [
    [
      'signed by another key (a forged token)',
      async () => {
        const forger = await LocalTokenIssuer.create(stack.tokens.issuer, null);
        return (await forger.issue({ role: 'licensing-ops', subject: 'mallory' })).access_token;
      },
    ],
    [
      'expired',
      () => stack.tokens.sign(people('licensing-ops'), { issuedAt: now() - 7200, expiresAt: now() - 3600 }),
    ],
    [
      'issued for another client (audience)',
      () => stack.tokens.sign({ ...people('licensing-ops'), client_id: 'someone-elses-app' }),
    ],
    [
      'from another issuer',
      () => stack.tokens.sign(people('licensing-ops'), { issuer: 'https://issuer.attacker.example' }),
    ],
    [
      'tampered with (the role changed after signing)',
      async () => {
        const [header, , signature] = (await stack.token('support-engineer')).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            ...people('licensing-ops'),
            iss: stack.tokens.issuer,
            exp: now() + 600,
            iat: now(),
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'unsigned (alg none)',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const payload = Buffer.from(
          JSON.stringify({
            ...people('licensing-ops'),
            iss: stack.tokens.issuer,
            exp: now() + 600,
            iat: now(),
          }),
        ).toString('base64url');
        return `${header}.${payload}.`;
      },
    ],
    ['not a JWT at all', async () => 'not-a-token'],
    [
      'that is an ID token, not an access token',
      () => stack.tokens.sign({ ...people('licensing-ops'), token_use: 'id', aud: LOCAL_CLIENTS.console }),
    ],
  ];

  it.each(cases)('a token %s', async (_name, make) => {
    const token = await make();
    const before = await snapshot();
    const res = await stack.post('/registrations', registration(), { authorization: `Bearer ${token}` });
    expectProblem(res, 401, _name);
    expect(res.body.detail).toMatch(/token/);
    expect(await snapshot()).toEqual(before);
  });

  it('a request without the Bearer scheme', async () => {
    const token = await stack.token('licensing-ops');
    for (const authorization of [token, `Basic ${token}`, 'Bearer', 'Bearer  ']) {
      const res = await stack.post('/registrations', registration(), { authorization });
      expectProblem(res, 401, authorization.slice(0, 20));
    }
  });

  it('a valid token that holds no service role is a 403', async () => {
    const token = await stack.tokens.sign({ ...people('licensing-ops'), 'cognito:groups': ['auditors'] });
    const res = await stack.get(`/certificates/${seeded.body.certificateNumber}`, {
      authorization: `Bearer ${token}`,
    });
    expectProblem(res, 403, 'no role');
  });
});

describe('the local issuer (POST /_local/token)', () => {
  const issue = (body: unknown) =>
    fetch(`${stack.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('issues a bearer token that verifies the standard way: OIDC discovery → JWKS → signature, issuer, expiry', async () => {
    const res = await issue({ role: 'integration', subject: 'order-system' });
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token.token_type).toBe('Bearer');
    expect(token.expires_in).toBe(3600);
    const discovery = (await (
      await fetch(`${stack.apiUrl}/_local/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string; token_endpoint: string };
    expect(discovery.issuer).toBe(`${stack.apiUrl}/_local`);
    expect(discovery.token_endpoint).toBe(`${stack.apiUrl}/_local/token`);
    const { payload } = await jwtVerify(token.access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
    });
    expect(payload.sub).toBe('order-system');
    expect(payload.scope).toBe('entitlements/integration');
    expect(payload.client_id).toBe(LOCAL_CLIENTS.integration);
    expect(payload.exp! - payload.iat!).toBe(3600);
    // A person's token carries the role as a Cognito group.
    const person = (await (await issue({ role: 'product-manager', subject: 'paula' })).json()) as {
      access_token: string;
    };
    const claims = JSON.parse(Buffer.from(person.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims['cognito:groups']).toEqual(['product-manager']);
  });

  it.each([
    ['an unknown role', { role: 'admin', subject: 'eve' }],
    ['no role', { subject: 'eve' }],
    ['an unknown field', { role: 'licensing-ops', subject: 'eve', admin: true }],
    ['a subject with spaces', { role: 'licensing-ops', subject: 'eve smith' }],
    ['malformed JSON', '{"role":'],
    ['an array', [{ role: 'licensing-ops' }]],
  ])('refuses %s with a 400', async (_name, body) => {
    const res = await issue(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it("answers the bare token to `accept: text/plain`, for a shell's TOKEN=$(curl …), and the API takes it", async () => {
    const res = await fetch(`${stack.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { accept: 'text/plain' },
      body: '{"role":"licensing-ops","subject":"alice"}',
    });
    expect(res.headers.get('content-type')).toBe('text/plain');
    const token = await res.text();
    expect(token.split('.')).toHaveLength(3);
    const read = await stack.get(`/certificates/${seeded.body.certificateNumber}`, {
      authorization: `Bearer ${token}`,
    });
    expect(read.status).toBe(200);
  });

  it('is POST only', async () => {
    const res = await fetch(`${stack.apiUrl}/_local/token`);
    expect(res.status).toBe(405);
  });
});
