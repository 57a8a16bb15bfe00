/**
 * POST /registrations and GET /certificates/{n} over HTTP on the local stack:
 * DynamoDB Local, local SES, the ASL files on the local Step Functions.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidContactId } from '../../functions/core/contact-id.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();

describe('a first registration', () => {
  it('answers 201 with a Contact ID and emails it once to the primary contact, in their language', async () => {
    const body = JSON.parse(readFileSync('examples/registration.json', 'utf8'));
    const res = await stack.post('/registrations', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/certificates/12345678-1234567');
    expect(res.body).toMatchObject({ certificateNumber: '12345678-1234567', outcome: 'CREATED' });
    expect(isValidContactId(res.body.contactId)).toBe(true);

    await settle();
    const emails = await stack.emails('marie@acme.example');
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email!.subject).toBe('Votre Contact ID pour le certificat 12345678-1234567');
    expect(email!.body.text).toContain(res.body.contactId);
    expect(email!.body.html).toContain(res.body.contactId);
    expect(email!.body.text).toContain('M1234567890');

    const certificate = await stack.as('support-engineer').get('/certificates/12345678-1234567');
    expect(certificate.status).toBe(200);
    expect(certificate.body.contacts).toEqual([
      expect.objectContaining({
        contactId: res.body.contactId,
        role: 'PRIMARY',
        status: 'ACTIVE',
        email: 'm***e@a***e.example',
        contactIdEmail: { status: 'SENT', sentAt: expect.any(String) },
      }),
    ]);
    expect(JSON.stringify(certificate.body)).not.toContain('marie@acme.example');
    expect(certificate.body.products[0].coverage).toMatchObject({ start: '2026-01-01', end: '2026-12-31' });
  });

  it.each([
    ['en', 'Your Contact ID for certificate'],
    ['fr', 'Votre Contact ID pour le certificat'],
    ['de', 'Ihre Contact ID für das Zertifikat'],
    ['it', 'Il suo Contact ID per il certificato'],
    ['es', 'Su Contact ID para el certificado'],
    ['ru', 'Ваш Contact ID для сертификата'],
  ])('writes the email in %s, with a text and an HTML part', async (language, subject) => {
    const body = registration();
    body.primaryContact.language = language;
    const res = await stack.post('/registrations', body);
    expect(res.status).toBe(201);
    await settle();
    const [email] = await stack.emails(body.primaryContact.email);
    expect(email!.subject).toBe(`${subject} ${body.certificateNumber}`);
    expect(email!.body.text).toContain(res.body.contactId);
    expect(email!.body.html).toMatch(new RegExp(`<html lang="${language}"[\\s\\S]*</html>`));
    expect(email!.body.html).toContain(res.body.contactId);
  });

  it('defaults the language to English', async () => {
    const body = registration();
    delete (body.primaryContact as { language?: string }).language;
    expect((await stack.post('/registrations', body)).status).toBe(201);
    await settle();
    const [email] = await stack.emails(body.primaryContact.email);
    expect(email!.subject).toMatch(/^Your Contact ID/);
  });
});

describe('idempotency', () => {
  it('30 concurrent replays of a registration yield one Contact ID and one email', async () => {
    const body = registration();
    const first = await stack.post('/registrations', body);
    expect(first.status).toBe(201);
    const replays = await Promise.all(Array.from({ length: 30 }, () => stack.post('/registrations', body)));
    expect(replays.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(replays.map((r) => r.body.contactId))).toEqual(new Set([first.body.contactId]));
    expect(replays.every((r) => r.body.outcome === 'REPLAYED')).toBe(true);
    await settle();
    expect(await stack.emails(body.primaryContact.email)).toHaveLength(1);
  });

  it('20 racing first registrations store one certificate, one contact and send one email', async () => {
    const body = registration();
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.post('/registrations', body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const contactIds = new Set(results.map((r) => r.body.contactId));
    expect(contactIds.size).toBe(1);
    await settle();
    expect(await stack.emails(body.primaryContact.email)).toHaveLength(1);
    const items = await stack.items();
    const contacts = items.filter(
      (i) => i.SK?.S === 'CONTACT' && i.certificateNumber?.S === body.certificateNumber,
    );
    expect(contacts).toHaveLength(1);
  });

  it('refuses other content under the same certificate number with 409, changing nothing', async () => {
    const body = registration();
    expect((await stack.post('/registrations', body)).status).toBe(201);
    await settle();
    const before = await stack.items();
    const changed = { ...body, company: { ...body.company, name: 'Someone Else SARL' } };
    const res = await stack.post('/registrations', changed);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: 409,
      title: expect.any(String),
      detail: expect.stringContaining(body.certificateNumber),
    });
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails(body.primaryContact.email)).toHaveLength(1);
    expect((await stack.get(`/certificates/${body.certificateNumber}`)).body.company.name).toBe('Acme SA');
  });
});

describe('renewal by certificate', () => {
  it('extends the serials’ coverage, keeps the Contact IDs, emails the same Contact ID once and stops the old reminders', async () => {
    const original = registration();
    const created = await stack.post('/registrations', original);
    await settle();
    const renewalNumber = `${original.certificateNumber.slice(0, 9)}9${original.certificateNumber.slice(10)}`;
    const renewal = {
      ...original,
      certificateNumber: renewalNumber,
      term: { start: '2027-01-01', end: '2027-12-31' },
    };
    const res = await stack.post('/registrations', renewal);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      outcome: 'RENEWED',
      contactId: created.body.contactId,
      renewalOf: [original.certificateNumber],
    });
    await settle();
    // The renewal sends the Contact ID the primary contact already holds (DOMAIN.md "Contact ID issuance").
    const emails = await stack.emails(original.primaryContact.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain(created.body.contactId);
    expect(emails[1]!.subject).toContain(renewalNumber);

    const renewed = (await stack.get(`/certificates/${renewalNumber}`)).body;
    expect(renewed.contacts.map((c: { contactId: string }) => c.contactId)).toEqual([created.body.contactId]);
    expect(renewed.products[0].coverage).toMatchObject({ start: '2026-01-01', end: '2027-12-31' });
    expect(renewed.products[0].coverage.terms).toHaveLength(2);

    const old = (await stack.get(`/certificates/${original.certificateNumber}`)).body;
    expect(old.renewedBy).toEqual([renewalNumber]);
    expect(old.nextReminder).toBeNull();
    const oldItem = (await stack.items()).find((i) => i.PK?.S === `CERT#${original.certificateNumber}`);
    expect(oldItem?.GSI2PK).toBeUndefined();

    // The renewal replayed is still one renewal.
    const again = await stack.post('/registrations', renewal);
    expect(again.status).toBe(200);
    await settle();
    expect(await stack.emails(original.primaryContact.email)).toHaveLength(2);
    const serial = (await stack.items()).find(
      (i) => i.PK?.S === `SERIAL#${original.products[0]!.serialNumber}`,
    );
    expect(serial?.terms?.L).toHaveLength(2);
  });

  it('refuses a renewal naming a registered serial with another support identifier (422), storing nothing', async () => {
    const original = registration();
    await stack.post('/registrations', original);
    await settle();
    const before = await stack.items();
    const wrong = registration({
      products: [{ ...original.products[0]!, supportIdentifier: '0000-0000-0000' }],
    });
    const res = await stack.post('/registrations', wrong);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        path: 'products.0.supportIdentifier',
        message: expect.stringContaining(original.products[0]!.serialNumber),
      },
    ]);
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails(wrong.primaryContact.email)).toHaveLength(0);
  });
});

describe('bad input is refused with problem+json, nothing stored and no email', () => {
  const valid = registration();
  const withField = (path: string, value: unknown) => {
    const body = structuredClone(valid) as Record<string, any>;
    const parts = path.split('.');
    let target = body;
    for (const p of parts.slice(0, -1)) target = target[p];
    if (value === undefined) delete target[parts.at(-1)!];
    else target[parts.at(-1)!] = value;
    return body;
  };
  const cases: Array<[string, unknown, number, string?]> = [
    [
      'certificate number without dash',
      withField('certificateNumber', '123456781234567'),
      400,
      'certificateNumber',
    ],
    [
      'certificate number too short',
      withField('certificateNumber', '1234567-1234567'),
      400,
      'certificateNumber',
    ],
    ['sales order of 7 digits', withField('salesOrderNumber', '1234567'), 400, 'salesOrderNumber'],
    ['sales order with letters', withField('salesOrderNumber', '1234567A'), 400, 'salesOrderNumber'],
    ['serial without M', withField('products.0.serialNumber', '1234567890'), 400, 'products.0.serialNumber'],
    [
      'serial with 9 digits',
      withField('products.0.serialNumber', 'M123456789'),
      400,
      'products.0.serialNumber',
    ],
    [
      'support identifier 4-4-3',
      withField('products.0.supportIdentifier', '1234-5678-123'),
      400,
      'products.0.supportIdentifier',
    ],
    ['unknown tier', withField('tier', 'PLATINUM'), 400, 'tier'],
    ['unknown language', withField('primaryContact.language', 'xx'), 400, 'primaryContact.language'],
    ['impossible date 2026-02-30', withField('term.start', '2026-02-30'), 400, 'term.start'],
    ['impossible month', withField('term.end', '2026-13-01'), 400, 'term.end'],
    ['date in another format', withField('term.start', '01/01/2026'), 400, 'term.start'],
    [
      'term ending before it starts',
      withField('term', { start: '2026-12-31', end: '2026-01-01' }),
      400,
      'term.end',
    ],
    [
      'header injection in the email',
      withField('primaryContact.email', 'marie@acme.example\r\nBcc: all@evil.example'),
      400,
      'primaryContact.email',
    ],
    [
      'two addresses in the email',
      withField('primaryContact.email', 'a@acme.example,b@acme.example'),
      400,
      'primaryContact.email',
    ],
    [
      'a display name in the email',
      withField('primaryContact.email', 'Marie <marie@acme.example>'),
      400,
      'primaryContact.email',
    ],
    [
      'control characters in a name',
      withField('primaryContact.name', 'Marie\u0000Curie'),
      400,
      'primaryContact.name',
    ],
    ['no products', withField('products', []), 400, 'products'],
    ['missing company', withField('company', undefined), 400, 'company'],
    ['an unknown field', withField('discount', 50), 400, '(body)'],
    [
      'the same serial twice',
      withField('products', [valid.products[0], valid.products[0]]),
      400,
      'products.1.serialNumber',
    ],
    ['a version that is not one', withField('products.0.version', 'twelve'), 400, 'products.0.version'],
  ];

  it.each(cases)('%s → %i', async (_name, body, status, path) => {
    const before = (await stack.items()).length;
    const res = await stack.post('/registrations', body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    });
    if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    await settle();
    expect((await stack.items()).length).toBe(before);
    expect(await stack.emails(valid.primaryContact.email)).toHaveLength(0);
    expect(
      stack.stepFunctions
        .list('RegisterCertificate')
        .filter((e) => e.input.includes(valid.certificateNumber)),
    ).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', '{"certificateNumber": "12345678-1234567",', 'application/json', 400],
    ['an empty body', '', 'application/json', 400],
    ['a JSON array', '[]', 'application/json', 400],
    ['not JSON', 'certificateNumber=1', 'application/x-www-form-urlencoded', 415],
    [
      'an oversized body',
      JSON.stringify({ ...valid, company: { ...valid.company, address: 'x'.repeat(70_000) } }),
      'application/json',
      413,
    ],
  ])('%s → %i', async (_name, raw, contentType, status) => {
    const before = (await stack.items()).length;
    const res = await stack.post('/registrations', raw, { 'content-type': contentType });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.status).toBe(status);
    expect((await stack.items()).length).toBe(before);
  });
});

describe('reading certificates', () => {
  it('answers 404 problem+json for an unknown certificate and 400 for a malformed number', async () => {
    const missing = await stack.get('/certificates/99999999-9999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, detail: expect.stringContaining('99999999-9999999') });
    const malformed = await stack.get('/certificates/not-a-number');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toBe('certificateNumber');
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    expect((await stack.get('/nowhere')).status).toBe(404);
    expect((await stack.post('/certificates/12345678-1234567', {})).status).toBe(405);
  });

  it('GET /health answers 200', async () => {
    const res = await stack.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });
});
