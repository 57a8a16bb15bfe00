/**
 * Finding a certificate by anything on it (GET /certificates?…) over HTTP on the local stack:
 * a serial, a sales order number, a support identifier, an email (any case) or a Contact ID;
 * a renewed serial finds both certificates; nothing found is an empty list; bad queries are
 * 400s; and the lookups read through keys and the Lookup index only, never a Scan.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateLookups } from '../../functions/adapters/lookups.ts';
import { type LookupBy, MAX_LOOKUP_CERTIFICATES } from '../../functions/core/lookups.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
type Registration = ReturnType<typeof registration>;
/** The first registration: two products, the first renewed by `renewal`. */
let first: Registration;
let renewal: Registration;
let primaryId: string;
let designatedId: string;
const designatedEmail = `Designated-${process.pid}@Customer.example`;

beforeAll(async () => {
  stack = await startTestStack();
  const base = registration();
  const [product] = base.products;
  first = {
    ...base,
    products: [
      product!,
      {
        ...product!,
        serialNumber: `${product!.serialNumber.slice(0, 10)}${(Number(product!.serialNumber.at(-1)) + 5) % 10}`,
        supportIdentifier: `${product!.supportIdentifier.slice(0, 10)}9${product!.supportIdentifier.slice(11)}`,
        product: 'Endpoint Protection',
        version: '11.0',
      },
    ],
  };
  const registered = await stack.post('/registrations', first);
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  primaryId = registered.body.contactId;
  // A renewal of the first serial only, under its own certificate and sales order.
  const next = registration();
  renewal = {
    ...first,
    certificateNumber: next.certificateNumber,
    salesOrderNumber: next.salesOrderNumber,
    term: { start: '2027-01-01', end: '2027-12-31' },
    products: [first.products[0]!],
  };
  expect((await stack.post('/registrations', renewal)).status).toBe(201);
  const added = await stack.post(`/certificates/${first.certificateNumber}/contacts`, {
    salesOrderNumber: first.salesOrderNumber,
    products: [first.products[1]!].map(({ serialNumber, supportIdentifier }) => ({
      serialNumber,
      supportIdentifier,
    })),
    contact: {
      name: 'Pierre Curie',
      email: designatedEmail,
      phone: '+33 1 00 00 00 00',
      address: '2 avenue Y, Lyon',
      company: 'Acme SA',
    },
  });
  expect(added.status).toBe(201);
  designatedId = added.body.contactId;
  await stack.stepFunctions.idle();
});
afterAll(() => stack?.stop());

const lookUp = (query: string) => stack.get(`/certificates?${query}`);
const numbers = (body: { certificates: Array<{ certificateNumber: string }> }) =>
  body.certificates.map((c) => c.certificateNumber);

describe('finding a certificate', () => {
  it('by a renewed serial number: the first registration and its renewal, in that order', async () => {
    const res = await lookUp(`serialNumber=${first.products[0]!.serialNumber}`);
    expect(res.status).toBe(200);
    expect(numbers(res.body)).toEqual([first.certificateNumber, renewal.certificateNumber]);
    expect(res.body.truncated).toBe(false);
    expect(res.body.certificates[0]).toEqual({
      certificateNumber: first.certificateNumber,
      status: 'ACTIVE',
      salesOrderNumber: first.salesOrderNumber,
      tier: first.tier,
      term: first.term,
      company: { name: first.company.name },
      registeredAt: expect.any(String),
      contactsCertificate: first.certificateNumber,
      renewalOf: [],
      products: first.products.map((p) => ({ ...p, productLine: p.product })),
      links: { certificate: `/certificates/${first.certificateNumber}` },
    });
    expect(res.body.certificates[1]).toMatchObject({
      certificateNumber: renewal.certificateNumber,
      salesOrderNumber: renewal.salesOrderNumber,
      term: renewal.term,
      renewalOf: [first.certificateNumber],
      contactsCertificate: first.certificateNumber,
    });
  });

  it('by a serial that was not renewed: its certificate only', async () => {
    const res = await lookUp(`serialNumber=${first.products[1]!.serialNumber}`);
    expect(numbers(res.body)).toEqual([first.certificateNumber]);
  });

  it('by a sales order number: the certificate of that order only', async () => {
    expect(numbers((await lookUp(`salesOrderNumber=${first.salesOrderNumber}`)).body)).toEqual([
      first.certificateNumber,
    ]);
    expect(numbers((await lookUp(`salesOrderNumber=${renewal.salesOrderNumber}`)).body)).toEqual([
      renewal.certificateNumber,
    ]);
  });

  it('by a support identifier: every certificate of its serial', async () => {
    const res = await lookUp(`supportIdentifier=${first.products[0]!.supportIdentifier}`);
    expect(numbers(res.body)).toEqual([first.certificateNumber, renewal.certificateNumber]);
    const other = await lookUp(`supportIdentifier=${first.products[1]!.supportIdentifier}`);
    expect(numbers(other.body)).toEqual([first.certificateNumber]);
  });

  it('by an email in any case: the certificates its contacts serve, and no email in the answer', async () => {
    const primary = first.primaryContact.email;
    const res = await lookUp(`email=${encodeURIComponent(primary.toUpperCase())}`);
    expect(res.status).toBe(200);
    expect(numbers(res.body)).toEqual([first.certificateNumber, renewal.certificateNumber]);
    // The designated contact holds only the serial that was not renewed.
    const designated = await lookUp(`email=${encodeURIComponent(designatedEmail.toLowerCase())}`);
    expect(numbers(designated.body)).toEqual([first.certificateNumber]);
    for (const body of [res.body, designated.body]) {
      expect(JSON.stringify(body).toLowerCase()).not.toContain(primary.toLowerCase());
      expect(JSON.stringify(body).toLowerCase()).not.toContain(designatedEmail.toLowerCase());
    }
  });

  it('by a Contact ID: the certificates that contact serves', async () => {
    expect(numbers((await lookUp(`contactId=${primaryId}`)).body)).toEqual([
      first.certificateNumber,
      renewal.certificateNumber,
    ]);
    expect(numbers((await lookUp(`contactId=${designatedId}`)).body)).toEqual([first.certificateNumber]);
  });

  it.each([
    ['serialNumber', 'M0000000001'],
    ['salesOrderNumber', '00000001'],
    ['supportIdentifier', '0000-0000-0001'],
    ['email', 'nobody@nowhere.example'],
    ['contactId', '1234567897'],
  ])('answers an empty list when nothing has that %s', async (name, value) => {
    const res = await lookUp(`${name}=${encodeURIComponent(value)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ certificates: [], truncated: false });
  });
});

describe('a large answer', () => {
  it(`lists at most ${MAX_LOOKUP_CERTIFICATES} certificates and says it left some out`, async () => {
    const salesOrderNumber = registration().salesOrderNumber;
    const bodies = Array.from({ length: MAX_LOOKUP_CERTIFICATES + 1 }, () => ({
      ...registration(),
      salesOrderNumber,
    }));
    for (let i = 0; i < bodies.length; i += 10)
      for (const res of await Promise.all(
        bodies.slice(i, i + 10).map((b) => stack.post('/registrations', b)),
      ))
        expect(res.status).toBe(201);
    const res = await lookUp(`salesOrderNumber=${salesOrderNumber}`);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.certificates).toHaveLength(MAX_LOOKUP_CERTIFICATES);
    const registered = new Set(bodies.map((b) => b.certificateNumber));
    expect(numbers(res.body).every((n) => registered.has(n))).toBe(true);
  });
});

describe('a lookup that cannot be answered is a 400', () => {
  it.each([
    ['no identifier', '', '(query)'],
    ['two identifiers', 'serialNumber=M0000000001&salesOrderNumber=00000001', '(query).serialNumber'],
    ['an unknown parameter', 'serial=M0000000001', '(query).serial'],
    ['an unknown parameter beside a good one', 'serialNumber=M0000000001&dryRun=true', '(query).dryRun'],
    ['a malformed serial number', 'serialNumber=X1', '(query).serialNumber'],
    ['a malformed sales order number', 'salesOrderNumber=1234', '(query).salesOrderNumber'],
    ['a malformed support identifier', 'supportIdentifier=1234', '(query).supportIdentifier'],
    ['a malformed email', 'email=not-an-email', '(query).email'],
    ['an empty email', 'email=', '(query).email'],
    ['a Contact ID with a wrong check digit', 'contactId=1234567890', '(query).contactId'],
  ])('%s', async (_, query, path) => {
    const res = await lookUp(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path }));
  });

  it('keeps /certificates/{n} apart from /certificates', async () => {
    const one = await stack.get(`/certificates/${first.certificateNumber}`);
    expect(one.status).toBe(200);
    expect(one.body.certificateNumber).toBe(first.certificateNumber);
  });
});

describe('every lookup reads through a key', () => {
  it('sends only GetItem, Query (the Lookup index) and BatchGetItem: never a Scan', async () => {
    const client = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    // Every command the document client sends goes through this client's middleware stack.
    const sent: Array<{ command: string; index?: string }> = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        sent.push({ command: String(context.commandName), index: input.IndexName });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const lookups = new CertificateLookups(DynamoDBDocumentClient.from(client), stack.tableName);
    const cases: Array<[LookupBy, string, string[]]> = [
      ['serialNumber', first.products[0]!.serialNumber, [first.certificateNumber, renewal.certificateNumber]],
      ['salesOrderNumber', first.salesOrderNumber, [first.certificateNumber]],
      [
        'supportIdentifier',
        first.products[0]!.supportIdentifier,
        [first.certificateNumber, renewal.certificateNumber],
      ],
      [
        'email',
        first.primaryContact.email.toUpperCase(),
        [first.certificateNumber, renewal.certificateNumber],
      ],
      ['contactId', designatedId, [first.certificateNumber]],
    ];
    for (const [by, value, expected] of cases) {
      const found = await lookups.find({ by, value });
      expect(found.certificates.map((c) => c.certificateNumber).sort(), by).toEqual(expected.sort());
    }
    const commands = new Set(sent.map((s) => s.command));
    expect([...commands].sort()).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);
    expect(sent.filter((s) => s.command === 'QueryCommand').every((s) => s.index === 'Lookup')).toBe(true);
    client.destroy();
  });
});
