/**
 * The actor everywhere (issue 13, item 4): every recorded change names who made it — the
 * token's subject and role — on the stored item, in the certificate's audit trail, in a
 * serial's version history and in a major's lifecycle history; a milestone passed on its
 * date names the service, an opt-out through the signed link names the customer (never the
 * address). The public lifecycle reads (item 7) show no actor at all. The Task that records
 * a registration logs its actor.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVICE_ACTOR } from '../../functions/core/actors.ts';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { unsubscribeToken } from '../../functions/core/unsubscribe.ts';
import { config } from '../../functions/shared/config.ts';
import { logger } from '../../functions/shared/logger.ts';
import { clockOf } from '../support/clock.ts';
import { registerVersions, registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

const ALICE = { subject: 'alice', role: 'licensing-ops' } as const;
const BOB = { subject: 'bob', role: 'licensing-ops' } as const;
const ORDERS = { subject: 'order-system', role: 'integration' } as const;
const PAULA = { subject: 'paula', role: 'product-manager' } as const;
const PETER = { subject: 'peter', role: 'product-manager' } as const;
const as = (actor: { subject: string; role: 'licensing-ops' | 'integration' | 'product-manager' }) =>
  stack.as(actor.role, actor.subject);

/** A stored item, as DynamoDB holds it (the service's own reads are not in the way). */
const item = async (PK: string, SK: string) =>
  (await stack.items()).map((i) => unmarshall(i)).find((i) => i.PK === PK && i.SK === SK);
const itemsOf = async (PK: string, skPrefix: string) =>
  (await stack.items())
    .map((i) => unmarshall(i))
    .filter((i) => i.PK === PK && String(i.SK).startsWith(skPrefix))
    .sort((a, b) => (a.SK < b.SK ? -1 : 1));

/** The audit trail as licensing ops read it (GET /certificates/{n}). */
const auditOf = async (certificateNumber: string) => {
  const res = await stack.as('licensing-ops', 'reader').get(`/certificates/${certificateNumber}`);
  expect(res.status).toBe(200);
  return res.body.audit as Array<Record<string, any>>;
};
const entry = (audit: Array<Record<string, any>>, action: string) => audit.filter((a) => a.action === action);

type Registration = ReturnType<typeof registration>;
const proofs = (body: Registration) => ({
  salesOrderNumber: body.salesOrderNumber,
  products: body.products.map((p) => ({
    serialNumber: p.serialNumber,
    supportIdentifier: p.supportIdentifier,
  })),
});
let people = 0;
const person = () => ({
  name: `Person ${++people}`,
  email: `actor-person-${people}-${process.pid}@customer.example`,
  phone: '+33 1 00 00 00 00',
  address: '2 avenue Y, Lyon',
  company: 'Acme SA',
  language: 'en',
});

async function registeredBy(actor: typeof ALICE | typeof ORDERS, overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await as(actor).post('/registrations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string };
}

describe('a registration and a renewal', () => {
  it('the certificate names who registered it, and so does its audit trail', async () => {
    const { body } = await registeredBy(ORDERS);
    const stored = await item(`CERT#${body.certificateNumber}`, 'CERTIFICATE');
    expect(stored?.registeredBy).toEqual(ORDERS);
    expect((await auditOf(body.certificateNumber))[0]).toMatchObject({
      action: 'CERTIFICATE_REGISTERED',
      actor: ORDERS,
    });

    // The same registration again by someone else is a replay: the first registrant stays.
    expect((await as(ALICE).post('/registrations', body)).status).toBe(200);
    expect((await item(`CERT#${body.certificateNumber}`, 'CERTIFICATE'))?.registeredBy).toEqual(ORDERS);
  });

  it('a renewal names its registrant, on the renewal and on the roster change it audits', async () => {
    const { body } = await registeredBy(ALICE);
    const fresh = registration();
    const renewal = {
      ...body,
      certificateNumber: fresh.certificateNumber,
      salesOrderNumber: fresh.salesOrderNumber,
      term: { start: '2027-01-01', end: '2027-12-31' },
      // A new person: the renewal moves the roster, audited where the contacts live.
      primaryContact: (({ name, email, phone, language }) => ({ name, email, phone, language }))(person()),
    };
    const res = await as(BOB).post('/registrations', renewal);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settle();

    expect((await item(`CERT#${renewal.certificateNumber}`, 'CERTIFICATE'))?.registeredBy).toEqual(BOB);
    expect((await auditOf(renewal.certificateNumber))[0]).toMatchObject({
      action: 'CERTIFICATE_RENEWED',
      actor: BOB,
    });
    expect(entry(await auditOf(body.certificateNumber), 'RENEWAL_CONTACTS_CHANGED')).toEqual([
      expect.objectContaining({ via: renewal.certificateNumber, actor: BOB }),
    ]);

    // Voided by another: the void and the roster change it undoes name her.
    const voided = await stack
      .as('licensing-ops', 'carol')
      .delete(`/certificates/${renewal.certificateNumber}`);
    expect(voided.status).toBe(200);
    const carol = { subject: 'carol', role: 'licensing-ops' };
    expect(entry(await auditOf(renewal.certificateNumber), 'CERTIFICATE_VOIDED')).toEqual([
      expect.objectContaining({ actor: carol }),
    ]);
    expect(entry(await auditOf(body.certificateNumber), 'RENEWAL_CONTACTS_REVERTED')).toEqual([
      expect.objectContaining({ via: renewal.certificateNumber, actor: carol }),
    ]);
  });
});

describe('contacts, corrections and voids', () => {
  it('each audit entry names its actor: add, replace, resend, correct, void', async () => {
    const { body, contactId: primaryId } = await registeredBy(ALICE);
    const n = body.certificateNumber;

    const added = await as(ALICE).post(`/certificates/${n}/contacts`, { ...proofs(body), contact: person() });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const replaced = await as(BOB).put(`/certificates/${n}/contacts/${added.body.contactId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: person(),
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const resent = await stack
      .as('licensing-ops', 'dave')
      .post(`/certificates/${n}/contact-id/resend`, proofs(body));
    expect(resent.status, JSON.stringify(resent.body)).toBe(202);
    const corrected = await as(ALICE).patch(`/certificates/${n}`, { company: { name: 'Acme Corp' } });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const voided = await as(BOB).delete(`/certificates/${n}`);
    expect(voided.status).toBe(200);
    await settle();

    const audit = await auditOf(n);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['CERTIFICATE_REGISTERED', ALICE],
      ['CONTACT_ADDED', ALICE],
      ['CONTACT_REPLACED', BOB],
      ['CONTACT_ID_RESENT', { subject: 'dave', role: 'licensing-ops' }],
      ['CERTIFICATE_CORRECTED', ALICE],
      ['CERTIFICATE_VOIDED', BOB],
    ]);
    // Stored so, not only shown so: every audit item carries its actor.
    const stored = await itemsOf(`CERT#${n}`, 'AUDIT#');
    expect(stored).toHaveLength(5);
    for (const event of stored)
      expect(event.actor).toEqual(expect.objectContaining({ subject: expect.any(String) }));
    expect(entry(audit, 'CONTACT_ID_RESENT')[0]).toMatchObject({ contactId: primaryId });
  });

  it('an opt-out through the signed link names the customer, never the address', async () => {
    const { body } = await registeredBy(ALICE);
    const address = body.primaryContact.email;
    const token = unsubscribeToken(address, config.unsubscribe().secret, dayOf(stack.clock.now()));
    const res = await fetch(`${stack.apiUrl}/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);

    const [event, ...more] = entry(await auditOf(body.certificateNumber), 'REMINDERS_OPTED_OUT');
    expect(more).toEqual([]);
    expect(event?.actor).toEqual({ subject: 'unsubscribe-link', role: 'customer' });
    const [stored] = await itemsOf(`CERT#${body.certificateNumber}`, 'AUDIT#');
    expect(stored?.actor).toEqual({ subject: 'unsubscribe-link', role: 'customer' });
    expect(JSON.stringify(stored?.actor).toLowerCase()).not.toContain(address.toLowerCase());
  });
});

describe('serials, releases and lifecycles', () => {
  let products = 0;
  const newProduct = () => `Actor Suite ${++products}`;
  const releasePath = (product: string, version: string) =>
    `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`;
  const lifecyclePath = (product: string, major: number) =>
    `/products/${encodeURIComponent(product)}/majors/${major}/lifecycle`;
  const productKey = (product: string) => `PRODUCT#${product}`;

  it('a version move names who recorded it, in the serial’s history and the certificate’s view', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registerVersions(stack, product, ['12.0'], {
      start: addDays(T, -30),
      end: addDays(T, 300),
    });
    const serial = customer.serials[0]!;
    const moved = await as(ORDERS).put(`/serials/${serial}/version`, { version: '12.1' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.versionHistory).toEqual([expect.objectContaining({ version: '12.1', actor: ORDERS })]);
    expect((await item(`SERIAL#${serial}`, 'SERIAL'))?.versionHistory).toEqual([
      expect.objectContaining({ from: '12.0', version: '12.1', actor: ORDERS }),
    ]);
  });

  it('a release names who announced it and who moved its date last', async () => {
    const product = newProduct();
    const T = today();
    await registerVersions(stack, product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const first = await as(PAULA).put(releasePath(product, '12.5'), { gaDate: addDays(T, 30) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ announcedBy: PAULA, updatedBy: PAULA });
    const moved = await as(PETER).put(releasePath(product, '12.5'), { gaDate: addDays(T, 40) });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ announcedBy: PAULA, updatedBy: PETER, revision: 2 });
    expect(await item(productKey(product), 'RELEASE#0012.0005.0000.000')).toMatchObject({
      announcedBy: PAULA,
      updatedBy: PETER,
    });
  });

  it('the lifecycle history names who scheduled and the service for a milestone passed; the public reads name nobody', async () => {
    const product = newProduct();
    const T = today();
    await registerVersions(stack, product, ['7.0'], { start: addDays(T, -30), end: addDays(T, 700) });
    const dates = (eol: number) => ({
      eolDate: addDays(T, eol),
      partialSupportDate: addDays(T, 60),
      endOfSupportDate: addDays(T, 90),
    });
    expect((await as(PAULA).put(lifecyclePath(product, 7), dates(10))).status).toBe(201);
    expect((await as(PETER).put(lifecyclePath(product, 7), dates(5))).status).toBe(200);
    await settle();
    await moveTo(addDays(T, 6));
    await settle();

    const history = await itemsOf(productKey(product), 'MAJOR#0007#EVENT#');
    expect(history.map((e) => [e.event, e.actor])).toEqual([
      ['SCHEDULED', PAULA],
      ['RESCHEDULED', PETER],
      ['EOL', SERVICE_ACTOR],
    ]);

    // Public: no token, and no actor anywhere in the answer.
    const read = await stack.anonymous.get(lifecyclePath(product, 7));
    expect(read.status).toBe(200);
    expect(read.body.history.map((h: any) => h.event)).toEqual(['SCHEDULED', 'RESCHEDULED', 'EOL']);
    for (const event of read.body.history) expect(event).not.toHaveProperty('actor');
    const text = JSON.stringify(read.body);
    for (const who of ['paula', 'peter', 'product-manager', SERVICE_ACTOR.subject])
      expect(text).not.toContain(who);
    const svg = await stack.anonymous.get(`/products/${encodeURIComponent(product)}/lifecycle.svg`);
    expect(svg.status).toBe(200);
    for (const who of ['paula', 'peter', 'product-manager']) expect(String(svg.body)).not.toContain(who);
  });
});

describe('logs', () => {
  it('the Task recording a registration logs its actor', async () => {
    const lines: Array<Record<string, any>> = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: any[]) => {
      for (const line of String(chunk).split('\n').filter(Boolean))
        try {
          lines.push(JSON.parse(line));
        } catch {
          write(`${line}\n`, ...rest);
        }
      return true;
    });
    logger.setLogLevel('INFO');
    try {
      await registeredBy(ALICE);
    } finally {
      logger.setLogLevel((process.env.LOG_LEVEL ?? 'ERROR') as 'ERROR');
      spy.mockRestore();
    }
    expect(lines.find((l) => l.message === 'registration recorded')).toMatchObject({
      function_name: expect.stringContaining('RecordRegistration'),
      actor: ALICE,
    });
  });
});
