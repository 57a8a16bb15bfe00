/**
 * Personal data by role over HTTP on the local stack: licensing ops and integrations read
 * contacts' emails and phone numbers whole, support engineers masked (GET /certificates/{n},
 * GET /certificates?email=); entitlement answers carry no other contact's data; and
 * DELETE /contacts/{contactId}/personal-data erases a replaced contact, or one of a void
 * certificate, everywhere the table held it, audited with its actor.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-design.ts';
import { generateContactId } from '../../functions/core/contact-id.ts';
import { pseudonymOf } from '../../functions/core/personal-data.ts';
import { maskEmail, maskPhone } from '../../functions/core/registration.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();

type Registration = ReturnType<typeof registration>;

let people = 0;
/** Someone whose name, address and phone number appear nowhere else. */
function person() {
  people++;
  const n = String(people).padStart(2, '0');
  return {
    name: `Ada Lovelace ${process.pid}-${n}`,
    email: `ada-${n}-${process.pid}@customer.example`,
    phone: `+44 20 79${n} ${String(process.pid % 10000).padStart(4, '0')}`,
    address: `${people} Byron Street ${process.pid}, London`,
    company: 'Acme SA',
    language: 'en',
  };
}

/** A registration whose primary contact and company phone are unique to it. */
async function registered(overrides: Record<string, unknown> = {}) {
  const base = registration(overrides);
  const primary = person();
  const body = {
    ...base,
    company: {
      ...base.company,
      phone: `+33 1 ${String(people).padStart(2, '0')} 45 67 ${(process.pid % 90) + 10}`,
    },
    primaryContact: { name: primary.name, email: primary.email, phone: primary.phone, language: 'fr' },
  };
  const res = await stack.post('/registrations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
  return { body, primaryId: res.body.contactId as string };
}

const proofs = (body: Registration) => ({
  salesOrderNumber: body.salesOrderNumber,
  products: body.products.map((p) => ({
    serialNumber: p.serialNumber,
    supportIdentifier: p.supportIdentifier,
  })),
});

async function designate(body: Registration) {
  const contact = person();
  const res = await stack.post(`/certificates/${body.certificateNumber}/contacts`, {
    ...proofs(body),
    contact,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
  return { contact, contactId: res.body.contactId as string };
}

async function replace(body: Registration, contactId: string) {
  const successor = person();
  const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${contactId}`, {
    products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
    contact: successor,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await settle();
  return { successor, contactId: res.body.contactId as string };
}

const erase = (contactId: string) => stack.delete(`/contacts/${contactId}/personal-data`);

/** Every item of the table as JSON, where a person's data must not be found. */
const table = async () => JSON.stringify(await stack.items());
/** Every spelling of a person's data a table or an answer could hold. */
const traces = (p: { name: string; email: string; phone?: string; address?: string }) =>
  [p.name, p.email, p.email.toLowerCase(), p.phone, p.address].filter((t): t is string => Boolean(t));

describe('GET /certificates/{n}: personal data by role', () => {
  let body: Registration;
  let designated: Awaited<ReturnType<typeof designate>>;
  const corrected = '+33 6 98 76 54 21';

  beforeAll(async () => {
    ({ body } = await registered());
    designated = await designate(body);
    // A correction of the primary contact's phone: its before and after are in the audit trail.
    const patched = await stack.patch(`/certificates/${body.certificateNumber}`, {
      primaryContact: { phone: corrected },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await settle();
  });

  it.each(['licensing-ops', 'integration'] as const)('shows them whole to %s', async (role) => {
    const res = await stack.as(role).get(`/certificates/${body.certificateNumber}`);
    expect(res.status).toBe(200);
    expect(res.body.company.phone).toBe(body.company.phone);
    const [primary, other] = res.body.contacts;
    expect(primary).toMatchObject({
      name: body.primaryContact.name,
      email: body.primaryContact.email,
      phone: corrected,
      erased: null,
    });
    expect(other).toMatchObject({
      contactId: designated.contactId,
      email: designated.contact.email,
      phone: designated.contact.phone,
      address: designated.contact.address,
    });
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CERTIFICATE_CORRECTED',
        changes: expect.arrayContaining([
          { field: 'primaryContact.phone', before: body.primaryContact.phone, after: corrected },
        ]),
      }),
    );
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({ action: 'CONTACT_ADDED', email: designated.contact.email }),
    );
  });

  it('masks every email and phone number for a support engineer, and leaves postal addresses out', async () => {
    const res = await stack.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(res.status).toBe(200);
    const raw = JSON.stringify(res.body);
    for (const trace of [
      body.company.phone,
      body.primaryContact.email,
      body.primaryContact.phone,
      corrected,
      designated.contact.email,
      designated.contact.phone,
      designated.contact.address,
    ])
      expect(raw).not.toContain(trace);
    expect(res.body.company).toMatchObject({ name: 'Acme SA', phone: maskPhone(body.company.phone) });
    const [primary, other] = res.body.contacts;
    // Names stay: the engineer greets the caller by theirs.
    expect(primary).toMatchObject({
      name: body.primaryContact.name,
      email: maskEmail(body.primaryContact.email),
      phone: maskPhone(corrected),
    });
    expect(primary.phone.endsWith(corrected.slice(-2))).toBe(true);
    expect(other).toMatchObject({
      email: maskEmail(designated.contact.email),
      phone: maskPhone(designated.contact.phone),
    });
    expect(other).not.toHaveProperty('address');
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CERTIFICATE_CORRECTED',
        changes: expect.arrayContaining([
          {
            field: 'primaryContact.phone',
            before: maskPhone(body.primaryContact.phone),
            after: maskPhone(corrected),
          },
        ]),
      }),
    );
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({ action: 'CONTACT_ADDED', email: maskEmail(designated.contact.email) }),
    );
  });

  it('names who registered the certificate on the registration line', async () => {
    const res = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(res.body.audit[0]).toMatchObject({
      action: 'CERTIFICATE_REGISTERED',
      actor: { subject: 'test-licensing-ops', role: 'licensing-ops' },
    });
  });

  it('lets a support engineer look a certificate up by email, with no personal data in the answer', async () => {
    const query = `/certificates?email=${encodeURIComponent(designated.contact.email.toUpperCase())}`;
    const engineer = await stack.as('support-engineer').get(query);
    expect(engineer.status).toBe(200);
    expect(engineer.body.certificates.map((c: any) => c.certificateNumber)).toEqual([body.certificateNumber]);
    const raw = JSON.stringify(engineer.body).toLowerCase();
    for (const trace of [...traces(body.primaryContact), ...traces(designated.contact), body.company.phone])
      expect(raw).not.toContain(trace.toLowerCase());
    // Licensing ops get the same summaries: a lookup answer carries no personal data for anyone.
    const ops = await stack.as('licensing-ops').get(query);
    expect(ops.body).toEqual(engineer.body);
  });
});

describe('entitlement answers', () => {
  it('never carry another contact’s personal data, and none at all by support identifier', async () => {
    const { body, primaryId } = await registered();
    const designated = await designate(body);
    const primary = body.primaryContact;

    const asPrimary = await stack.as('support-engineer').get(`/entitlements/${primaryId}`);
    expect(asPrimary.status).toBe(200);
    expect(asPrimary.body).toMatchObject({ contactId: primaryId, name: primary.name, entitled: true });
    const asDesignated = await stack.as('support-engineer').get(`/entitlements/${designated.contactId}`);
    expect(asDesignated.status).toBe(200);
    expect(asDesignated.body).toMatchObject({
      contactId: designated.contactId,
      name: designated.contact.name,
    });
    const bySupportId = await stack
      .as('support-engineer')
      .get(`/entitlements?supportIdentifier=${body.products[0]!.supportIdentifier}`);
    expect(bySupportId.status).toBe(200);
    expect(bySupportId.body.entitled).toBe(true);

    const own = (p: { email: string; phone: string }) => [p.email, p.email.toLowerCase(), p.phone];
    const primaryRaw = JSON.stringify(asPrimary.body);
    for (const trace of [...traces(designated.contact), ...own(primary)])
      expect(primaryRaw).not.toContain(trace);
    const designatedRaw = JSON.stringify(asDesignated.body);
    for (const trace of [...traces(primary), ...own(designated.contact)])
      expect(designatedRaw).not.toContain(trace);
    const bySupportIdRaw = JSON.stringify(bySupportId.body);
    for (const trace of [...traces(primary), ...traces(designated.contact), body.company.phone])
      expect(bySupportIdRaw).not.toContain(trace);
    expect(bySupportId.body).not.toHaveProperty('contactId');
    expect(bySupportId.body).not.toHaveProperty('name');
  });
});

describe('DELETE /contacts/{contactId}/personal-data', () => {
  it('refuses a current contact of a live certificate: 409, nothing changed', async () => {
    const { body, primaryId } = await registered();
    const before = await stack.items();
    const res = await erase(primaryId);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toContain('replace it first');
    expect(await stack.items()).toEqual(before);
    expect((await stack.get(`/certificates/${body.certificateNumber}`)).body.contacts[0].erased).toBeNull();
  });

  it('erases a replaced contact everywhere, audits it with its actor, and is idempotent', async () => {
    const { body } = await registered();
    const designated = await designate(body);
    // A resend to it: an audit entry carrying its address.
    const resent = await stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
      ...proofs(body),
      contactId: designated.contactId,
    });
    expect(resent.status).toBe(202);
    await settle();
    const { successor } = await replace(body, designated.contactId);
    expect(await table()).toContain(designated.contact.email);
    const mailed = (await stack.emails()).length;

    const res = await stack
      .as('licensing-ops', 'alice')
      .delete(`/contacts/${designated.contactId}/personal-data`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const pseudonym = pseudonymOf(designated.contactId);
    expect(pseudonym).toMatch(/^erased-[0-9a-f]{8}$/);
    expect(res.body).toMatchObject({
      contactId: designated.contactId,
      certificateNumber: body.certificateNumber,
      pseudonym,
      erasedBy: { subject: 'alice', role: 'licensing-ops' },
      erased: {
        contact: ['name', 'email', 'phone', 'address'],
        emailLookup: true,
        contactIdEmail: true,
        roster: false,
        audit: expect.arrayContaining([
          expect.objectContaining({ action: 'CONTACT_ADDED', fields: ['email'] }),
          expect.objectContaining({ action: 'CONTACT_ID_RESENT', fields: ['email'] }),
        ]),
      },
    });
    // Field names, never values.
    for (const trace of traces(designated.contact)) expect(JSON.stringify(res.body)).not.toContain(trace);

    const after = await table();
    for (const trace of traces(designated.contact)) expect(after).not.toContain(trace);
    // The others keep theirs.
    expect(after).toContain(successor.email);
    expect(after).toContain(body.primaryContact.email);

    const found = await stack.get(`/certificates?email=${encodeURIComponent(designated.contact.email)}`);
    expect(found.status).toBe(200);
    expect(found.body.certificates).toEqual([]);

    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts).toContainEqual(
      expect.objectContaining({
        contactId: designated.contactId,
        status: 'REPLACED',
        name: null,
        email: null,
        phone: null,
        erased: { pseudonym, at: res.body.erasedAt, by: { subject: 'alice', role: 'licensing-ops' } },
      }),
    );
    expect(certificate.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'PERSONAL_DATA_ERASED',
        contactId: designated.contactId,
        pseudonym,
        fields: ['name', 'email', 'phone', 'address'],
        actor: { subject: 'alice', role: 'licensing-ops' },
      }),
    );
    await settle();
    expect(await stack.emails()).toHaveLength(mailed);

    // Again: the same answer, nothing changed.
    const items = await stack.items();
    const again = await erase(designated.contactId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect(await stack.items()).toEqual(items);
  });

  it('erases a replaced primary contact’s corrected values too, and the certificate can still be corrected', async () => {
    const { body, primaryId } = await registered();
    const corrected = { name: `${body.primaryContact.name} Byron`, phone: '+44 20 7946 0958' };
    const patched = await stack.patch(`/certificates/${body.certificateNumber}`, {
      primaryContact: corrected,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await settle();
    await replace(body, primaryId);
    expect(await table()).toContain(body.primaryContact.phone);

    const res = await erase(primaryId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.erased.audit).toContainEqual(
      expect.objectContaining({ action: 'CERTIFICATE_CORRECTED', fields: ['changes'] }),
    );
    const after = await table();
    for (const trace of [...traces(body.primaryContact), corrected.name, corrected.phone])
      expect(after).not.toContain(trace);
    expect(after).not.toContain(body.primaryContact.phone);

    // The registration it was named on is still corrected as before.
    const later = await stack.patch(`/certificates/${body.certificateNumber}`, {
      company: { name: 'Acme SAS' },
    });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
  });

  it('erases the primary contact of a voided certificate, its roster seat included', async () => {
    const { body, primaryId } = await registered();
    expect((await stack.delete(`/certificates/${body.certificateNumber}`)).status).toBe(200);
    expect(await table()).toContain(body.primaryContact.name);
    const res = await erase(primaryId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.erased).toMatchObject({ roster: true, emailLookup: true, contactIdEmail: true });
    const after = await table();
    for (const trace of traces(body.primaryContact)) expect(after).not.toContain(trace);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body).toMatchObject({ status: 'VOID' });
    expect(certificate.body.contacts[0]).toMatchObject({
      contactId: primaryId,
      status: 'ACTIVE',
      name: null,
    });
  });

  it('keeps a primary contact a renewal replaced while its void would reinstate it; erases the one the void withdrew', async () => {
    // BASIC: two seats, both taken; a renewal naming a new person replaces the primary contact.
    const { body, primaryId } = await registered({ tier: 'BASIC' });
    await designate(body);
    const next = registration();
    const newcomer = person();
    const renewal = {
      ...body,
      certificateNumber: next.certificateNumber,
      salesOrderNumber: next.salesOrderNumber,
      term: { start: '2027-01-01', end: '2027-12-31' },
      primaryContact: { name: newcomer.name, email: newcomer.email, phone: newcomer.phone, language: 'en' },
    };
    const renewed = await stack.post('/registrations', renewal);
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(201);
    await settle();
    const newcomerId = renewed.body.contactId as string;
    const replaced = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(replaced.body.contacts).toContainEqual(
      expect.objectContaining({ contactId: primaryId, status: 'REPLACED' }),
    );

    const before = await stack.items();
    const kept = await erase(primaryId);
    expect(kept.status).toBe(409);
    expect(kept.body.detail).toContain(`renewal ${renewal.certificateNumber}`);
    expect(await stack.items()).toEqual(before);

    // Voided, the renewal puts the former primary back and withdraws the newcomer.
    expect((await stack.delete(`/certificates/${renewal.certificateNumber}`)).status).toBe(200);
    expect((await erase(primaryId)).status).toBe(409);
    expect(await table()).toContain(newcomer.email);
    const res = await erase(newcomerId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Its Contact ID email lived on the renewal certificate.
    expect(res.body.erased.notices).toHaveLength(1);
    const after = await table();
    for (const trace of traces(newcomer)) expect(after).not.toContain(trace);
    expect(after).toContain(body.primaryContact.email);
  });

  it('rewrites more audit entries than one transaction holds', async () => {
    const { body } = await registered();
    const designated = await designate(body);
    await replace(body, designated.contactId);
    // 150 entries carrying its address (as years of resends would): more than DynamoDB's 100 writes.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const entries = Array.from({ length: 150 }, (_, i) => {
      const at = new Date(Date.UTC(2026, 3, 1, 0, i)).toISOString();
      return {
        ...keys.audit(body.certificateNumber, at, `req-${i}`),
        type: 'Audit',
        action: 'CONTACT_ID_RESENT',
        at,
        requestId: `req-${i}`,
        via: body.certificateNumber,
        contactId: designated.contactId,
        email: designated.contact.email,
      };
    });
    for (let i = 0; i < entries.length; i += 25)
      await db.send(
        new BatchWriteCommand({
          RequestItems: {
            [stack.tableName]: entries.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );

    const res = await erase(designated.contactId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.erased.audit.length).toBeGreaterThan(150);
    const after = await table();
    for (const trace of traces(designated.contact)) expect(after).not.toContain(trace);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.audit.filter((e: any) => e.action === 'PERSONAL_DATA_ERASED')).toHaveLength(1);
  });

  it('is for licensing ops only: 403 for a support engineer, nothing changed', async () => {
    const { body } = await registered();
    const designated = await designate(body);
    await replace(body, designated.contactId);
    const before = await stack.items();
    for (const role of ['support-engineer', 'integration', 'product-manager'] as const) {
      const res = await stack.as(role).delete(`/contacts/${designated.contactId}/personal-data`);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await stack.anonymous.delete(`/contacts/${designated.contactId}/personal-data`)).status).toBe(
      401,
    );
    expect(await stack.items()).toEqual(before);
  });

  it('answers 400 for a malformed Contact ID or a body, 404 for one never issued', async () => {
    const before = await stack.items();
    for (const id of ['123', '1234567890', 'abcdefghij']) {
      const res = await erase(id);
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('the Contact ID is malformed');
    }
    const unknown = generateContactId(() => 987_654_321);
    const res = await erase(unknown);
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain(unknown);
    const withQuery = await stack.delete(`/contacts/${unknown}/personal-data?force=true`);
    expect(withQuery.status).toBe(400);
    expect(await stack.items()).toEqual(before);
  });
});
