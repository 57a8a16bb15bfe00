/**
 * The OpenAPI document (GET /openapi.json): every route of the table with its method, roles and
 * security; request bodies whose JSON Schemas are generated from the very zod schemas the
 * handlers parse with, so they accept and refuse what the handlers do; every schema compiles
 * as JSON Schema 2020-12. The e2e suites check real answers against it (test/support/openapi.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { ROUTE_SCHEMAS } from '../../functions/http/route-schemas.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { inlineRefs, newAjv } from '../support/openapi.ts';

type Json = Record<string, any>;
const document = openApiDocument(ROUTES) as Json;
const operationOf = (route: (typeof ROUTES)[number]) =>
  document.paths[route.path]?.[route.method.toLowerCase()] as Json | undefined;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const registration = JSON.parse(readFileSync('examples/registration.json', 'utf8'));
const contact = {
  name: 'Pierre Curie',
  email: 'pierre@acme.example',
  phone: '+33 6 11 11 11 11',
  address: '1 rue X, Paris',
  company: 'Acme SA',
};
const proven = [{ serialNumber: 'M1234567890', supportIdentifier: '1234-5678-1234' }];
const dates = { eolDate: '2027-06-30', partialSupportDate: '2028-06-30', endOfSupportDate: '2029-06-30' };

/** Per route with a body: a body the handler takes, and ones it refuses for their shape. */
const EXAMPLES: Record<string, { good: unknown[]; bad: unknown[] }> = {
  PostRegistration: {
    good: [registration, { ...registration, timeZone: 'Europe/Paris', country: 'FR' }],
    bad: [
      { ...registration, products: [] },
      { ...registration, tier: 'GOLD' },
      { ...registration, unknown: 1 },
      { ...registration, certificateNumber: '1234' },
      (({ primaryContact: _, ...rest }) => rest)(registration),
    ],
  },
  PatchCertificate: {
    good: [
      { primaryContact: { phone: '+33 6 99 99 99 99' } },
      { tier: 'BASIC', term: { end: '2027-01-31' } },
    ],
    bad: [
      { primaryContact: { email: 'other@acme.example' } },
      { certificateNumber: '12345678-7654321' },
      { tier: 'GOLD' },
    ],
  },
  PostContact: {
    good: [{ salesOrderNumber: '12345678', products: proven, contact }],
    bad: [
      { salesOrderNumber: '12345678', products: proven },
      { salesOrderNumber: '12345678', products: [], contact },
      { salesOrderNumber: '12345678', products: proven, contact: { ...contact, email: 42 } },
    ],
  },
  PutContact: {
    good: [{ products: [{ serialNumber: 'M1234567890' }], contact }],
    bad: [{ products: proven.map((p) => ({ ...p, extra: true })), contact }, { contact }],
  },
  PostContactIdResend: {
    good: [{ salesOrderNumber: '12345678', products: proven }],
    bad: [{}, { salesOrderNumber: '1234', products: proven }],
  },
  PutLifecycle: {
    good: [dates],
    bad: [{ eolDate: '2027-06-30' }, { ...dates, note: 'x' }],
  },
  PutRelease: { good: [{ gaDate: '2026-12-15' }], bad: [{}, { gaDate: 20261215 }] },
  PutSerialVersion: {
    good: [{ version: '12.5' }],
    bad: [{ version: 12.5 }, { version: '12.5', product: 'x' }],
  },
  PostUnsubscribe: {
    good: [{ 'List-Unsubscribe': 'One-Click' }],
    bad: [{ 'List-Unsubscribe': 'Yes' }, {}],
  },
  PostContactIdRequest: {
    good: [
      {
        certificateNumber: '12345678-1234567',
        salesOrderNumber: '12345678',
        serialNumber: 'M1234567890',
        supportIdentifier: '1234-5678-1234',
      },
    ],
    bad: [
      { certificateNumber: '12345678-1234567' },
      { serialNumber: 'M1234567890', email: 'x@acme.example' },
    ],
  },
};

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document: info, unique operation ids, described answers, resolvable references', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Json)) {
      expect(path.startsWith('/'), path).toBe(true);
      for (const [method, operation] of Object.entries(item as Json)) {
        expect(METHODS, `${method} ${path}`).toContain(method);
        expect(ids.has(operation.operationId), operation.operationId).toBe(false);
        ids.add(operation.operationId);
        expect(operation.summary, operation.operationId).toBeTruthy();
        expect(Object.keys(operation.responses).length, operation.operationId).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          expect(status, operation.operationId).toMatch(/^(default|[1-5]\d\d)$/);
          expect((response as Json).description, `${operation.operationId} ${status}`).toBeTruthy();
        }
        // Every {name} of the path is a required path parameter, and nothing else is one.
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
        const declared = (operation.parameters ?? []).filter((p: Json) => p.in === 'path');
        expect(declared.map((p: Json) => p.name).sort(), operation.operationId).toEqual([...inPath].sort());
        for (const p of operation.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie'], operation.operationId).toContain(p.in);
          expect(p.schema, `${operation.operationId} ${p.name}`).toBeTypeOf('object');
        }
        for (const requirement of operation.security ?? [])
          for (const scheme of Object.keys(requirement))
            expect(document.components.securitySchemes, scheme).toHaveProperty(scheme);
      }
    }
    expect(() => inlineRefs(document)).not.toThrow();
  });

  it('has JSON Schemas that all compile with ajv (draft 2020-12)', () => {
    const ajv = newAjv();
    let schemas = 0;
    const compile = (schema: unknown, where: string) => {
      expect(() => ajv.compile(inlineRefs(schema) as Json), where).not.toThrow();
      schemas++;
    };
    for (const [path, item] of Object.entries(document.paths as Json))
      for (const [method, operation] of Object.entries(item as Json)) {
        const at = `${method} ${path}`;
        for (const p of operation.parameters ?? []) compile(p.schema, `${at} ${p.name}`);
        for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Json))
          compile(media.schema, `${at} body ${type}`);
        for (const [status, response] of Object.entries(operation.responses as Json))
          for (const [type, media] of Object.entries(((response as Json).content ?? {}) as Json))
            if (media.schema) compile(media.schema, `${at} ${status} ${type}`);
      }
    expect(schemas).toBeGreaterThan(100);
  });

  it('describes every route of the table, with its method, roles and security, and nothing else', () => {
    for (const route of ROUTES) {
      const operation = operationOf(route);
      expect(operation?.operationId, `${route.method} ${route.path} is missing`).toBe(route.id);
      expect(ROUTE_SCHEMAS[route.id], `${route.id} has no entry in route-schemas.ts`).toBeDefined();
      expect(operation!.summary).toBe(ROUTE_SCHEMAS[route.id]!.summary);
      if (route.roles) {
        expect(operation!.security[0]).toEqual({ bearerAuth: [] });
        expect(operation!['x-roles']).toEqual(route.roles);
        // A system's client-credentials token works where the integration role may call.
        expect(operation!.security.length).toBe(route.roles.includes('integration') ? 2 : 1);
        for (const status of ['401', '403'])
          expect(operation!.responses[status].content, `${route.id} ${status}`).toHaveProperty(
            'application/problem+json',
          );
      } else {
        expect(operation!.security).toEqual([]);
        expect(operation!['x-roles']).toBeUndefined();
        expect(operation!.description).toContain(route.public);
      }
      for (const status of ROUTE_SCHEMAS[route.id]!.problems)
        expect(operation!.responses[String(status)].content, `${route.id} ${status}`).toHaveProperty(
          'application/problem+json',
        );
    }
    const table = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(document.paths as Json))
      for (const method of Object.keys(item as Json))
        expect(table.has(`${method.toUpperCase()} ${path}`), `${method} ${path} is not in ROUTES`).toBe(true);
    for (const id of Object.keys(ROUTE_SCHEMAS))
      expect(
        ROUTES.some((r) => r.id === id),
        `route-schemas.ts names ${id}, not in ROUTES`,
      ).toBe(true);
  });

  it('fails when a route of the table is missing from it', () => {
    const missing = openApiDocument(ROUTES.filter((r) => r.id !== 'GetHealth')) as Json;
    expect(missing.paths['/health']).toBeUndefined();
  });

  it('gives every route that takes a body a request body whose schema is the handler’s: it accepts and refuses what the handler does', () => {
    const ajv = newAjv();
    const withBody = ROUTES.filter((r) => ROUTE_SCHEMAS[r.id]?.body);
    expect(withBody.map((r) => r.id).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const route of withBody) {
      const operation = operationOf(route)!;
      const content = operation.requestBody.content as Json;
      const type =
        route.method === 'PATCH'
          ? 'application/merge-patch+json'
          : route.id === 'PostUnsubscribe'
            ? 'application/x-www-form-urlencoded'
            : 'application/json';
      expect(Object.keys(content), route.id).toContain(type);
      const validate = ajv.compile(content[type].schema);
      const zod = ROUTE_SCHEMAS[route.id]!.body!.schema;
      for (const good of EXAMPLES[route.id]!.good) {
        expect(
          validate(good),
          `${route.id} refuses ${JSON.stringify(good)}: ${ajv.errorsText(validate.errors)}`,
        ).toBe(true);
        if (route.id !== 'PatchCertificate') expect(zod.safeParse(good).success, route.id).toBe(true);
      }
      for (const bad of EXAMPLES[route.id]!.bad) {
        expect(validate(bad), `${route.id} accepts ${JSON.stringify(bad)}`).toBe(false);
        expect(zod.safeParse(bad).success, `zod ${route.id} ${JSON.stringify(bad)}`).toBe(false);
      }
    }
  });

  it('documents the query parameters the handlers read, with their schemas', () => {
    const query = (id: string) =>
      (operationOf(ROUTES.find((r) => r.id === id)!)!.parameters as Json[]).filter((p) => p.in === 'query');
    expect(query('GetCertificates').map((p) => p.name)).toEqual([
      'serialNumber',
      'salesOrderNumber',
      'supportIdentifier',
      'email',
      'contactId',
    ]);
    expect(query('GetEntitlementsBySupportIdentifier')).toEqual([
      expect.objectContaining({
        name: 'supportIdentifier',
        required: true,
        schema: expect.objectContaining({ pattern: '^\\d{4}-\\d{4}-\\d{4}$' }),
      }),
    ]);
    expect(query('PutLifecycle')[0]).toMatchObject({ name: 'dryRun', schema: { enum: ['true', 'false'] } });
    expect(query('PostUnsubscribe')[0]).toMatchObject({ name: 'token', required: true });
  });

  it('names the security schemes: a bearer JWT, and client credentials with the integration scope', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.systemClientCredentials.flows.clientCredentials.scopes).toHaveProperty(
      'entitlements/integration',
    );
    const register = operationOf(ROUTES.find((r) => r.id === 'PostRegistration')!)!;
    expect(register.security).toContainEqual({ systemClientCredentials: ['entitlements/integration'] });
  });
});
