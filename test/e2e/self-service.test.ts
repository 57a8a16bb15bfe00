/**
 * Customer self-service over HTTP on the local stack (CONTRACT.md "Customer self-service"):
 * POST /self-service/contact-id-requests, without a token. The same 202 whether or not the
 * identifiers match; a match emails the same Contact ID to the registered primary contact
 * only, at most three times per certificate and UTC day; malformed input is a 400 that
 * stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { CONTACT_ID_REQUEST_ACCEPTED, SELF_SERVICE_DAILY_LIMIT } from '../../functions/core/self-service.ts';
import { unchanged } from '../support/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const PATH = '/self-service/contact-id-requests';
const settle = () => stack.stepFunctions.idle();
type Registration = ReturnType<typeof registration>;

async function registered(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string, to: body.primaryContact.email };
}

/** The four identifiers of `body`'s product `index`. */
const identifiers = (body: Registration, index = 0) => ({
  certificateNumber: body.certificateNumber,
  salesOrderNumber: body.salesOrderNumber,
  serialNumber: body.products[index]!.serialNumber,
  supportIdentifier: body.products[index]!.supportIdentifier,
});

/** The raw answer, as a browser gets it (no token, no parsing). */
async function ask(request: unknown) {
  const response = await fetch(`${stack.apiUrl}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof request === 'string' ? request : JSON.stringify(request),
  });
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => !['date', 'x-request-id', 'apigw-requestid'].includes(name)),
  );
  return { status: response.status, headers, text: await response.text() };
}

const contactIdEmails = async (to: string, contactId: string) =>
  (await stack.emails(to)).filter((e) => e.body.text?.includes(contactId));

/** A second product on the certificate, with identifiers derived from the first. */
function withSecondProduct(body: Registration) {
  const [first] = body.products;
  return {
    ...body,
    products: [
      first!,
      {
        ...first!,
        serialNumber: `${first!.serialNumber.slice(0, 10)}${(Number(first!.serialNumber.at(-1)) + 5) % 10}`,
        supportIdentifier: `${first!.supportIdentifier.slice(0, 13)}${(Number(first!.supportIdentifier.at(-1)) + 5) % 10}`,
        product: 'Endpoint Protection',
        version: '11.0',
      },
    ],
  };
}

describe('the answer', () => {
  it('is the same 202, byte for byte, whether the identifiers match, one is wrong, or the certificate does not exist', async () => {
    const { body, contactId, to } = await registered();
    const unknown = registration();
    const [matching, oneWrong, noCertificate] = [
      await ask(identifiers(body)),
      await ask({ ...identifiers(body), supportIdentifier: unknown.products[0]!.supportIdentifier }),
      await ask(identifiers(unknown)),
    ];
    expect(matching.status).toBe(202);
    expect(matching.headers['content-type']).toBe('application/json');
    expect(JSON.parse(matching.text)).toEqual(CONTACT_ID_REQUEST_ACCEPTED);
    expect(oneWrong).toEqual(matching);
    expect(noCertificate).toEqual(matching);

    await settle();
    // The registration's email, then the one the matching request owed: the same Contact ID.
    const emails = await contactIdEmails(to, contactId);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.destination.to).toEqual([to]);
    expect(emails[1]!.subject).toBe(emails[0]!.subject);
    expect(await stack.emails(unknown.primaryContact.email)).toHaveLength(0);
  });

  it.each([
    ['the sales order number', { salesOrderNumber: '87654321' }],
    ['the serial number', { serialNumber: 'M9999999999' }],
    ['the support identifier', { supportIdentifier: '9999-9999-9999' }],
    ['the certificate number', { certificateNumber: '99999999-9999999' }],
  ])('sends nothing when %s is wrong', async (_what, wrong) => {
    const { body, to } = await registered();
    const before = (await stack.emails()).length;
    const res = await stack.anonymous.post(PATH, { ...identifiers(body), ...wrong });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(CONTACT_ID_REQUEST_ACCEPTED);
    await settle();
    expect((await stack.emails()).length).toBe(before);
    expect(await stack.emails(to)).toHaveLength(1);
  });

  it('sends nothing for a serial and a support identifier of two different products (each on the certificate)', async () => {
    const { body, to } = await registered(withSecondProduct(registration()));
    await unchanged(stack, async () => {
      const res = await stack.anonymous.post(PATH, {
        ...identifiers(body, 0),
        supportIdentifier: body.products[1]!.supportIdentifier,
      });
      expect(res.status).toBe(202);
    });
    expect(await stack.emails(to)).toHaveLength(1);
  });
});

describe('a matching request', () => {
  it('emails the same Contact ID to the registered primary contact and records it in the audit trail', async () => {
    const { body, contactId, to } = await registered();
    const res = await stack.anonymous.post(PATH, identifiers(body));
    expect(res.status).toBe(202);
    await settle();
    const [, again, ...more] = await stack.emails(to);
    expect(more).toHaveLength(0);
    expect(again!.body.text).toContain(contactId);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts).toHaveLength(1); // no new Contact ID, nobody added
    expect(certificate.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CONTACT_ID_SELF_SERVICE_RESENT',
        contactId,
        via: body.certificateNumber,
        noticeId: expect.stringMatching(new RegExp(`^self-service-${body.certificateNumber}-\\d{8}-1$`)),
        actor: { subject: 'self-service', role: 'customer' },
      }),
    );
  });

  it("given a designated contact's serial, still writes to the primary contact only", async () => {
    const { body, contactId, to } = await registered(withSecondProduct(registration()));
    const designated = {
      name: 'Pierre Curie',
      email: `designated-${process.pid}@customer.example`,
      phone: '+33 6 11 11 11 11',
      address: '1 rue X, Paris',
      company: 'Acme SA',
    };
    const added = await stack.post(`/certificates/${body.certificateNumber}/contacts`, {
      salesOrderNumber: body.salesOrderNumber,
      products: [
        {
          serialNumber: body.products[1]!.serialNumber,
          supportIdentifier: body.products[1]!.supportIdentifier,
        },
      ],
      contact: designated,
    });
    expect(added.status).toBe(201);
    await settle();
    const total = (await stack.emails()).length;

    expect((await stack.anonymous.post(PATH, identifiers(body, 1))).status).toBe(202);
    await settle();
    expect((await stack.emails()).length).toBe(total + 1);
    expect(await stack.emails(designated.email)).toHaveLength(1); // its own Contact ID, when added
    const emails = await contactIdEmails(to, contactId);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.destination.to).toEqual([to]);
    expect(emails[1]!.body.text).not.toContain(added.body.contactId);
  });

  it('on a renewal certificate, reaches the primary contact of the contacts it shares', async () => {
    const original = await registered();
    const fresh = registration();
    const renewal = {
      ...original.body,
      certificateNumber: fresh.certificateNumber,
      salesOrderNumber: fresh.salesOrderNumber,
      term: { start: addDays(original.body.term.end, 1), end: addDays(original.body.term.end, 365) },
    };
    expect((await stack.post('/registrations', renewal)).status).toBe(201);
    await settle();
    const before = (await contactIdEmails(original.to, original.contactId)).length;

    expect((await stack.anonymous.post(PATH, identifiers(renewal))).status).toBe(202);
    await settle();
    const emails = await contactIdEmails(original.to, original.contactId);
    expect(emails).toHaveLength(before + 1);
    expect(emails.at(-1)!.body.text).toContain(renewal.certificateNumber);
  });

  it('sends nothing for a voided certificate', async () => {
    const { body, to } = await registered();
    expect((await stack.delete(`/certificates/${body.certificateNumber}`)).status).toBe(200);
    await settle();
    const res = await stack.anonymous.post(PATH, identifiers(body));
    expect(res.status).toBe(202);
    expect(res.body).toEqual(CONTACT_ID_REQUEST_ACCEPTED);
    await settle();
    expect(await stack.emails(to)).toHaveLength(1);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.audit.map((e: { action: string }) => e.action)).not.toContain(
      'CONTACT_ID_SELF_SERVICE_RESENT',
    );
  });
});

describe('the daily limit', () => {
  it(`sends ${SELF_SERVICE_DAILY_LIMIT} emails a day however often it is asked, all answered 202; the next day again`, async () => {
    const { body, contactId, to } = await registered();
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(identifiers(body))));
    const [first] = answers;
    expect(first!.status).toBe(202);
    for (const answer of answers) expect(answer).toEqual(first);
    await settle();
    expect(await contactIdEmails(to, contactId)).toHaveLength(1 + SELF_SERVICE_DAILY_LIMIT);

    // Once more the same day: still 202, still nothing.
    expect(await ask(identifiers(body))).toEqual(first);
    await settle();
    expect(await contactIdEmails(to, contactId)).toHaveLength(1 + SELF_SERVICE_DAILY_LIMIT);
    const audit = (await stack.get(`/certificates/${body.certificateNumber}`)).body.audit.filter(
      (e: { action: string }) => e.action === 'CONTACT_ID_SELF_SERVICE_RESENT',
    );
    expect(audit).toHaveLength(SELF_SERVICE_DAILY_LIMIT);

    // The day's count carries its expiry (DynamoDB's time to live), two days on.
    const day = dayOf(stack.clock.now());
    const counter = (await stack.items()).find((i) => i.PK.S === `SELFSERVICE#${body.certificateNumber}`);
    expect(counter).toMatchObject({
      SK: { S: `DAY#${day}` },
      count: { N: String(SELF_SERVICE_DAILY_LIMIT) },
      expiresAt: { N: String(Date.parse(`${addDays(day, 2)}T00:00:00Z`) / 1000) },
    });

    const moved = await stack.post('/_local/clock', { now: `${addDays(day, 1)}T12:00:00Z` });
    expect(moved.status).toBe(200);
    await settle();
    const sentBefore = (await contactIdEmails(to, contactId)).length;
    expect(await ask(identifiers(body))).toEqual(first);
    await settle();
    expect(await contactIdEmails(to, contactId)).toHaveLength(sentBefore + 1);
  });
});

describe('malformed requests', () => {
  const valid = () => identifiers(registration());
  it.each([
    ['no certificate number', (({ certificateNumber: _, ...rest }) => rest)(valid())],
    ['no support identifier', (({ supportIdentifier: _, ...rest }) => rest)(valid())],
    ['a malformed certificate number', { ...valid(), certificateNumber: '1234' }],
    ['a malformed sales order number', { ...valid(), salesOrderNumber: 'SO-1' }],
    ['a malformed serial number', { ...valid(), serialNumber: 'X123' }],
    ['a malformed support identifier', { ...valid(), supportIdentifier: '1234-5678' }],
    ['a number for a string', { ...valid(), salesOrderNumber: 12345678 }],
    ['an extra field', { ...valid(), email: 'attacker@evil.example' }],
    ['an empty object', {}],
  ])('answers 400 problem+json to %s and stores nothing', async (_what, request) => {
    const { body } = await registered();
    // The extra field names a real certificate: even then, nothing.
    const sent = { ...request, ...('email' in request ? identifiers(body) : {}) };
    await unchanged(stack, async () => {
      const res = await stack.anonymous.post(PATH, sent);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.errors.length).toBeGreaterThan(0);
    });
  });

  it('refuses a body that is not JSON (415) with nothing stored', async () => {
    const { body } = await registered();
    await unchanged(stack, async () => {
      const res = await stack.anonymous.post(PATH, JSON.stringify(identifiers(body)), {
        'content-type': 'text/plain',
      });
      expect(res.status).toBe(415);
    });
  });
});
