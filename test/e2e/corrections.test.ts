/**
 * Corrections (PATCH /certificates/{n}, JSON merge patch) and voids (DELETE /certificates/{n})
 * over HTTP on the local stack: serials freed and covered, the Contact ID email again with the
 * corrected details, coverage and reminders following the corrected term, refusals that store
 * and send nothing, and the races (two corrections, a correction and a contact add).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();
const today = () => dayOf(stack.clock.now());
const moveTo = async (day: string) => {
  const res = await stack.post('/_local/clock', { now: `${day}T12:00:00Z` });
  expect(res.status).toBe(200);
};

type Registration = ReturnType<typeof registration>;

async function registered(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string };
}

/** A term around today, ending `daysLeft` from now. */
const termEnding = (daysLeft: number) => ({
  start: addDays(today(), daysLeft - 364),
  end: addDays(today(), daysLeft),
});

const correct = (body: Registration, patch: unknown, headers?: Record<string, string>) =>
  stack.patch(`/certificates/${body.certificateNumber}`, patch, headers);
const certificate = async (body: Registration) =>
  (await stack.get(`/certificates/${body.certificateNumber}`)).body;

/** Another serial of the same shape: the mistyped one's correction. */
const otherSerial = (serial: string) => `${serial.slice(0, -1)}${(Number(serial.at(-1)) + 3) % 10}`;

const reminders = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject),
  );

let people = 0;
const person = () => {
  people++;
  return {
    name: `Person ${people}`,
    email: `fix-${people}-${process.pid}@customer.example`,
    phone: '+33 1 00 00 00 00',
    address: '2 avenue Y, Lyon',
    company: 'Acme SA',
  };
};
const addContact = (body: Registration) =>
  stack.post(`/certificates/${body.certificateNumber}/contacts`, {
    salesOrderNumber: body.salesOrderNumber,
    products: body.products.map((p) => ({
      serialNumber: p.serialNumber,
      supportIdentifier: p.supportIdentifier,
    })),
    contact: person(),
  });

describe('correcting a registration', () => {
  it('corrects a mistyped serial: the old one is free, the new one covered, the primary emailed again with the same Contact ID', async () => {
    const { body, contactId } = await registered();
    const to = body.primaryContact.email;
    const mistyped = body.products[0]!.serialNumber;
    const fixed = otherSerial(mistyped);

    const res = await correct(body, { products: [{ ...body.products[0], serialNumber: fixed }] });
    expect(res.status).toBe(200);
    expect(res.body.products.map((p: any) => p.serialNumber)).toEqual([fixed]);
    expect(res.body.products[0].coverage).toMatchObject({ active: true, end: body.term.end });
    expect(res.body.contacts.map((c: any) => c.contactId)).toEqual([contactId]);
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CERTIFICATE_CORRECTED',
        changes: [{ field: `products[${mistyped}].serialNumber`, before: mistyped, after: fixed }],
      }),
    );

    await settle();
    const emails = await stack.emails(to);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain(contactId);
    expect(emails[1]!.body.text).toContain(fixed);
    expect(emails[1]!.body.text).not.toContain(mistyped);

    // The Contact ID still verifies, now for the corrected serial.
    const entitlement = await stack.get(`/entitlements/${contactId}`);
    expect(entitlement.status).toBe(200);
    expect(entitlement.body.products.map((p: any) => p.serialNumber)).toEqual([fixed]);
    const items = await stack.items();
    expect(items.find((i) => i.PK.S === `SERIAL#${mistyped}`)).toBeUndefined();
    const contact = items.find((i) => i.PK.S === `CONTACT#${contactId}`);
    expect(contact?.serialNumbers.L.map((s: any) => s.S)).toEqual([fixed]);

    // The corrected body registered again is a replay; the same patch again changes nothing.
    const corrected = { ...body, products: [{ ...body.products[0]!, serialNumber: fixed }] };
    const replay = await stack.post('/registrations', corrected);
    expect(replay.status).toBe(200);
    expect(replay.body.contactId).toBe(contactId);
    const before = await stack.items();
    expect((await correct(body, { products: corrected.products })).status).toBe(200);
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails(to)).toHaveLength(2);

    // The mistyped number is free: a new certificate registers it as new, not as a renewal.
    const other = registration();
    const reuse = await stack.post('/registrations', {
      ...other,
      products: [{ ...other.products[0]!, serialNumber: mistyped }],
    });
    expect(reuse.status).toBe(201);
    expect(reuse.body.renewalOf).toEqual([]);
  });

  it('corrects the term: coverage and the next reminder follow it', async () => {
    const { body } = await registered({ term: termEnding(95) });
    const to = body.primaryContact.email;
    expect((await certificate(body)).nextReminder).toEqual({ offset: 90, on: addDays(today(), 5) });
    const end = addDays(today(), 130);

    const res = await correct(body, { term: { end } });
    expect(res.status).toBe(200);
    expect(res.body.term).toMatchObject({ start: body.term.start, end });
    expect(res.body.products[0].coverage).toMatchObject({ end });
    expect(res.body.products[0].coverage.terms).toEqual([
      expect.objectContaining({ end, tier: 'ESSENTIAL' }),
    ]);
    expect(res.body.nextReminder).toEqual({ offset: 90, on: addDays(today(), 40) });
    expect(res.body.audit).toContainEqual(
      expect.objectContaining({ changes: [{ field: 'term.end', before: body.term.end, after: end }] }),
    );
    await settle();
    // Only identifiers changing sends the Contact ID again.
    expect(await stack.emails(to)).toHaveLength(1);

    // The old term's 90-day reminder day passes in silence.
    await moveTo(addDays(today(), 6));
    expect(await reminders(to)).toHaveLength(0);
  });

  it('refuses a tier whose limit the contacts already pass (409), storing and sending nothing', async () => {
    const { body } = await registered({ tier: 'ESSENTIAL' });
    expect((await addContact(body)).status).toBe(201);
    expect((await addContact(body)).status).toBe(201);
    await settle();
    const before = await stack.items();
    const emails = (await stack.emails()).length;
    const res = await correct(body, { tier: 'BASIC' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('more than BASIC allows (2');
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails()).toHaveLength(emails);
    // A tier the roster fits is a correction.
    expect((await correct(body, { tier: 'BCS_GLOBAL' })).body.tier).toBe('BCS_GLOBAL');
  });

  it('refuses a serial registered on another certificate (409), storing and sending nothing', async () => {
    const { body } = await registered();
    const { body: other } = await registered();
    const before = await stack.items();
    const emails = (await stack.emails()).length;
    const res = await correct(body, { products: [...body.products, other.products[0]] });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(
      `serial ${other.products[0]!.serialNumber} is registered on certificate ${other.certificateNumber}`,
    );
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails()).toHaveLength(emails);
  });

  it('refuses bad patches with problem+json, storing and sending nothing', async () => {
    const { body } = await registered();
    const product = body.products[0]!;
    const before = await stack.items();
    const emails = (await stack.emails()).length;
    const cases: Array<[string, unknown, number, string?, Record<string, string>?]> = [
      ['malformed JSON', '{"tier": ', 400, '(body)'],
      ['a plain JSON body', { tier: 'BASIC' }, 415, undefined, { 'content-type': 'application/json' }],
      ['a patch that is not an object', '["tier"]', 400, '(body)'],
      ['an unknown tier', { tier: 'GOLD' }, 400, 'tier'],
      [
        'a malformed serial',
        { products: [{ ...product, serialNumber: 'bad' }] },
        400,
        'products.0.serialNumber',
      ],
      [
        'a malformed support identifier',
        { products: [{ ...product, supportIdentifier: '12-34' }] },
        400,
        'products.0.supportIdentifier',
      ],
      [
        'the primary contact’s email',
        { primaryContact: { email: 'new@acme.example' } },
        400,
        'primaryContact.email',
      ],
      ['the certificate number', { certificateNumber: '99999999-9999999' }, 400, 'certificateNumber'],
      ['the sales order number', { salesOrderNumber: '99999999' }, 400, 'salesOrderNumber'],
      ['an empty patch', {}, 400, '(body)'],
      ['no products', { products: [] }, 400, 'products'],
      ['a removed company', { company: null }, 400, 'company'],
      ['a term ending before it starts', { term: { end: '2025-01-01' } }, 400, 'term.end'],
      ['an unknown language', { primaryContact: { language: 'xx' } }, 400, 'primaryContact.language'],
    ];
    for (const [what, patch, status, path, headers] of cases) {
      const res = await correct(body, patch, headers);
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toBe('application/problem+json');
      if (path)
        expect(
          res.body.errors.map((e: any) => e.path),
          what,
        ).toContain(path);
    }
    // A void takes no body and no query: a patch sent to the wrong method voids nothing.
    const wrongMethod = await fetch(`${stack.apiUrl}/certificates/${body.certificateNumber}`, {
      method: 'DELETE',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token('licensing-ops')}`,
      },
      body: JSON.stringify({ tier: 'BASIC' }),
    });
    expect(wrongMethod.status).toBe(400);
    expect((await stack.delete(`/certificates/${body.certificateNumber}?force=true`)).status).toBe(400);
    expect((await stack.delete('/certificates/99999999-9999999')).status).toBe(404);
    expect((await stack.patch('/certificates/99999999-9999999', { tier: 'BASIC' })).status).toBe(404);
    expect((await stack.patch('/certificates/nope', { tier: 'BASIC' })).status).toBe(400);
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails()).toHaveLength(emails);
  });

  it('corrects the primary contact’s name, phone and language, and the company, with each field in the audit', async () => {
    const { body, contactId } = await registered();
    const res = await correct(body, {
      company: { name: 'Acme Industries SA' },
      primaryContact: { name: 'Marie Skłodowska-Curie', phone: null, language: 'en' },
    });
    expect(res.status).toBe(200);
    expect(res.body.company).toEqual({ ...body.company, name: 'Acme Industries SA' });
    expect(res.body.contacts[0]).toMatchObject({ contactId, name: 'Marie Skłodowska-Curie', language: 'en' });
    const audit = res.body.audit.find((a: any) => a.action === 'CERTIFICATE_CORRECTED');
    expect(audit.changes).toEqual([
      { field: 'company.name', before: 'Acme SA', after: 'Acme Industries SA' },
      { field: 'primaryContact.name', before: 'Marie Curie', after: 'Marie Skłodowska-Curie' },
      { field: 'primaryContact.phone', before: body.primaryContact.phone, after: null },
      { field: 'primaryContact.language', before: 'fr', after: 'en' },
    ]);
    // Licensing ops read personal data whole; a support engineer's read masks it.
    expect(res.body.contacts[0].email).toBe(body.primaryContact.email);
    const masked = await stack.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(JSON.stringify(masked.body)).not.toContain(body.primaryContact.email);
  });
});

describe('voiding a certificate', () => {
  it('shows it VOID, stops its Contact IDs and reminders, and frees its serials', async () => {
    const { body, contactId } = await registered({ term: termEnding(95) });
    const to = body.primaryContact.email;
    const res = await stack.delete(`/certificates/${body.certificateNumber}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'VOID', nextReminder: null });
    expect(res.body.audit).toContainEqual(expect.objectContaining({ action: 'CERTIFICATE_VOIDED' }));
    expect((await certificate(body)).status).toBe('VOID');
    const item = (await stack.items()).find(
      (i) => i.PK.S === `CERT#${body.certificateNumber}` && i.SK.S === 'CERTIFICATE',
    );
    expect(item?.GSI2PK).toBeUndefined();
    expect(item?.voidedAt?.S).toEqual(expect.any(String));

    // Voiding again changes nothing (once the registration's own email delivery has settled).
    await stack.stepFunctions.idle();
    const before = await stack.items();
    expect((await stack.delete(`/certificates/${body.certificateNumber}`)).status).toBe(200);
    expect(await stack.items()).toEqual(before);

    // The 90-day reminder's day passes without one.
    await moveTo(addDays(today(), 6));
    expect(await reminders(to)).toHaveLength(0);

    // The serial registers again, as new.
    const other = registration();
    const again = await stack.post('/registrations', { ...other, products: body.products });
    expect(again.status).toBe(201);
    expect(again.body.renewalOf).toEqual([]);

    // Its Contact IDs stop verifying, and its roster takes no more changes, with nothing stored.
    expect((await stack.get(`/entitlements/${contactId}`)).status).toBe(404);
    await stack.stepFunctions.idle(); // the new registration's Contact ID email, delivered
    const frozen = await stack.items();
    const add = await stack.post(`/certificates/${body.certificateNumber}/contacts`, {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
      contact: {
        name: 'Late Comer',
        email: `late-${process.pid}@customer.example`,
        phone: '+33 1 00 00 00 00',
        address: '2 avenue Y, Lyon',
        company: 'Acme SA',
      },
    });
    expect(add.status).toBe(409);
    expect(add.body.detail).toContain('void');
    await stack.stepFunctions.idle();
    expect(await stack.items()).toEqual(frozen);
  });

  it('refuses to void a certificate a live renewal renewed (409), then re-arms its reminders when the renewal is voided', async () => {
    const { body } = await registered({ term: termEnding(95) });
    const to = body.primaryContact.email;
    const renewalNumber = `${body.certificateNumber.slice(0, 9)}9${body.certificateNumber.slice(10)}`;
    const renewal = {
      ...body,
      certificateNumber: renewalNumber,
      term: { start: addDays(body.term.end, 1), end: addDays(body.term.end, 365) },
    };
    expect((await stack.post('/registrations', renewal)).status).toBe(201);
    await settle();
    expect((await certificate(body)).nextReminder).toBeNull();

    const before = await stack.items();
    const refused = await stack.delete(`/certificates/${body.certificateNumber}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('void the renewal first');
    expect(await stack.items()).toEqual(before);

    const voided = await stack.delete(`/certificates/${renewalNumber}`);
    expect(voided.status).toBe(200);
    const earlier = await certificate(body);
    expect(earlier.renewedBy).toEqual([]);
    expect(earlier.nextReminder).toEqual({ offset: 90, on: addDays(today(), 5) });
    expect(earlier.products[0].coverage.terms.map((t: any) => t.certificateNumber)).toEqual([
      body.certificateNumber,
    ]);

    await moveTo(addDays(today(), 5));
    expect(await reminders(to)).toHaveLength(1);
    // With the renewal void, the earlier certificate can be voided.
    expect((await stack.delete(`/certificates/${body.certificateNumber}`)).status).toBe(200);
  });
});

describe('correcting a renewal', () => {
  it('a serial the renewal no longer lists is reminded about again on the earlier certificate', async () => {
    const base = registration({ term: termEnding(95) });
    const first = base.products[0]!;
    const second = {
      ...first,
      serialNumber: otherSerial(first.serialNumber),
      supportIdentifier: `${first.supportIdentifier.slice(0, -1)}${(Number(first.supportIdentifier.at(-1)) + 3) % 10}`,
    };
    const body = { ...base, products: [first, second] };
    expect((await stack.post('/registrations', body)).status).toBe(201);
    const renewalNumber = `${body.certificateNumber.slice(0, 9)}8${body.certificateNumber.slice(10)}`;
    const renewal = {
      ...body,
      certificateNumber: renewalNumber,
      term: { start: addDays(body.term.end, 1), end: addDays(body.term.end, 365) },
    };
    expect((await stack.post('/registrations', renewal)).status).toBe(201);
    await settle();
    expect((await certificate(body)).nextReminder).toBeNull();

    const res = await stack.patch(`/certificates/${renewalNumber}`, { products: [first] });
    expect(res.status).toBe(200);
    expect(res.body.products.map((p: any) => p.serialNumber)).toEqual([first.serialNumber]);
    const earlier = await certificate(body);
    expect(earlier.nextReminder).toEqual({ offset: 90, on: addDays(today(), 5) });
    const serial = earlier.products.find((p: any) => p.serialNumber === second.serialNumber);
    expect(serial.coverage.terms.map((t: any) => t.certificateNumber)).toEqual([body.certificateNumber]);
  });
});

describe('races', () => {
  it('two corrections at once: one 200, one 409, and the stored state is one of them whole', async () => {
    const { body } = await registered();
    const patches = [
      { term: { end: addDays(body.term.end, 10) }, company: { name: 'First Fix SA' } },
      { term: { end: addDays(body.term.end, 20) }, company: { name: 'Second Fix SA' } },
    ];
    const results = await Promise.all(patches.map((p) => correct(body, p)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = patches[results.findIndex((r) => r.status === 200)]!;
    const stored = await certificate(body);
    expect(stored.term.end).toBe(winner.term.end);
    expect(stored.company.name).toBe(winner.company.name);
    expect(stored.products[0].coverage.terms[0].end).toBe(winner.term.end);
    expect(stored.audit.filter((a: any) => a.action === 'CERTIFICATE_CORRECTED')).toHaveLength(1);
  });

  it('a correction racing a contact add ends consistent: the roster, the contacts and the serials agree', async () => {
    const { body } = await registered();
    const mistyped = body.products[0]!.serialNumber;
    const fixed = otherSerial(mistyped);
    const [corrected, ...adds] = await Promise.all([
      correct(body, { products: [{ ...body.products[0], serialNumber: fixed }] }),
      addContact(body),
      addContact(body),
      addContact(body),
    ]);
    expect(corrected.status).toBe(200);
    // Each add either came first (and its contact follows the rename) or saw the corrected serial (422).
    for (const added of adds) expect([201, 422]).toContain(added.status);
    const addedCount = adds.filter((a) => a.status === 201).length;
    await settle();
    const items = await stack.items();
    const cert = items.find((i) => i.PK.S === `CERT#${body.certificateNumber}` && i.SK.S === 'CERTIFICATE')!;
    const roster = cert.roster.M as Record<string, any>;
    expect(Object.keys(roster)).toHaveLength(1 + addedCount);
    for (const [id, entry] of Object.entries(roster)) {
      const serials = entry.M.serialNumbers.L.map((s: any) => s.S);
      expect(serials).toEqual([fixed]);
      const contact = items.find((i) => i.PK.S === `CONTACT#${id}`)!;
      expect(contact.serialNumbers.L.map((s: any) => s.S)).toEqual([fixed]);
    }
    expect(items.find((i) => i.PK.S === `SERIAL#${mistyped}`)).toBeUndefined();
    expect(items.find((i) => i.PK.S === `SERIAL#${fixed}`)).toBeDefined();
  });
});
