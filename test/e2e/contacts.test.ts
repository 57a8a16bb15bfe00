/**
 * Designated contacts and entitlement verification over HTTP on the local stack:
 * add, replace and resend within each tier's limits, the audit trail, and
 * GET /entitlements/{contactId} with its reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidContactId } from '../../functions/core/contact-id.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();

type Registration = ReturnType<typeof registration>;

let people = 0;
function person(language = 'en') {
  people++;
  return {
    name: `Person ${people}`,
    email: `person-${people}-${process.pid}@customer.example`,
    phone: '+33 1 00 00 00 00',
    address: '2 avenue Y, Lyon',
    company: 'Acme SA',
    language,
  };
}

async function registered(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, primaryId: res.body.contactId as string };
}

const proofs = (body: Registration, products = body.products) => ({
  salesOrderNumber: body.salesOrderNumber,
  products: products.map((p) => ({ serialNumber: p.serialNumber, supportIdentifier: p.supportIdentifier })),
});

const add = (body: Registration, contact = person(), products = body.products) =>
  stack.post(`/certificates/${body.certificateNumber}/contacts`, { ...proofs(body, products), contact });

/** A second product on the same certificate, with identifiers derived from the first. */
function withSecondProduct(body: Registration, productLine?: string) {
  const [first] = body.products;
  const second = {
    ...first!,
    serialNumber: `${first!.serialNumber.slice(0, 10)}${(Number(first!.serialNumber.at(-1)) + 5) % 10}`,
    product: 'Endpoint Protection',
    version: '11.0',
    ...(productLine ? { productLine } : {}),
  };
  return { ...body, products: [{ ...first!, ...(productLine ? { productLine } : {}) }, second] };
}

describe('adding a designated contact', () => {
  it('answers 201 with a new Contact ID, emails it in their language and records it in the audit trail', async () => {
    const { body, primaryId } = await registered();
    const contact = person('ru');
    const res = await add(body, contact);
    expect(res.status).toBe(201);
    expect(isValidContactId(res.body.contactId)).toBe(true);
    expect(res.body.contactId).not.toBe(primaryId);
    await settle();
    const [email, ...more] = await stack.emails(contact.email);
    expect(more).toHaveLength(0);
    expect(email!.subject).toBe(`Ваш Contact ID для сертификата ${body.certificateNumber}`);
    expect(email!.body.text).toContain(res.body.contactId);

    // A support engineer's read: emails masked (licensing ops read them whole).
    const certificate = await stack.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts.map((c: any) => c.contactId)).toEqual([primaryId, res.body.contactId]);
    expect(certificate.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CONTACT_ADDED',
        contactId: res.body.contactId,
        requestId: expect.any(String),
      }),
    );
    expect(JSON.stringify(certificate.body)).not.toContain(contact.email);
    expect(JSON.stringify(certificate.body)).not.toContain(body.primaryContact.email);
  });

  it('answers a retried add of the same person with the same Contact ID and sends no second email', async () => {
    const { body } = await registered();
    const contact = person();
    const first = await add(body, contact);
    const again = await add(body, contact);
    expect(again.status).toBe(201);
    expect(again.body.contactId).toBe(first.body.contactId);
    await settle();
    expect(await stack.emails(contact.email)).toHaveLength(1);
  });

  it.each([
    ['BASIC', 2],
    ['ESSENTIAL', 6],
  ])('holds %s to %i contacts per product, the primary contact included', async (tier, limit) => {
    const { body } = await registered({ tier });
    for (let i = 1; i < limit; i++) expect((await add(body)).status).toBe(201);
    await settle();
    const before = await stack.items();
    const refused = person();
    const res = await add(body, refused);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toContain(`the most ${tier} allows (${limit}`);
    await settle();
    expect(await stack.items()).toEqual(before);
    expect(await stack.emails(refused.email)).toHaveLength(0);
  });

  it('holds BCS_REMOTE to 6 contacts per product line, across the line’s products', async () => {
    const { body } = await registered(
      withSecondProduct(registration({ tier: 'BCS_REMOTE' }), 'Data Protection'),
    );
    const [first, second] = body.products;
    for (let i = 0; i < 5; i++) expect((await add(body, person(), [first!])).status).toBe(201);
    const res = await add(body, person(), [second!]);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('product line Data Protection');
  });

  it('counts BASIC limits per product: a second product has its own two seats', async () => {
    const { body } = await registered(withSecondProduct(registration({ tier: 'BASIC' })));
    const [first, second] = body.products;
    expect((await add(body, person(), [first!])).status).toBe(201);
    expect((await add(body, person(), [first!])).status).toBe(409);
    // The primary contact holds a seat on both products; the second still has one free.
    expect((await add(body, person(), [second!])).status).toBe(201);
  });

  it.each(['BCS_DATACENTER', 'BCS_NATIONAL', 'BCS_GLOBAL'])('sets no limit for %s', async (tier) => {
    const { body } = await registered({ tier });
    const results = [];
    for (let i = 0; i < 8; i++) results.push((await add(body)).status);
    expect(results).toEqual(Array(8).fill(201));
  });

  it('ten simultaneous adds on ESSENTIAL cannot overshoot: five seats, five refusals', async () => {
    const { body } = await registered({ tier: 'ESSENTIAL' });
    const contacts = Array.from({ length: 10 }, () => person());
    const results = await Promise.all(contacts.map((c) => add(body, c)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    await settle();
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts).toHaveLength(6);
    const emailed = (await Promise.all(contacts.map((c) => stack.emails(c.email)))).map((e) => e.length);
    expect(emailed.reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe('replacing a contact', () => {
  it('issues and emails a new Contact ID; the old one stops verifying and is recorded as replaced', async () => {
    const { body } = await registered();
    const added = await add(body);
    const successor = person('fr');
    const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${added.body.contactId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: successor,
    });
    expect(res.status).toBe(200);
    expect(res.body.contactId).not.toBe(added.body.contactId);
    expect(isValidContactId(res.body.contactId)).toBe(true);
    await settle();
    const [email] = await stack.emails(successor.email);
    expect(email!.body.text).toContain(res.body.contactId);

    expect((await stack.get(`/entitlements/${added.body.contactId}`)).status).toBe(404);
    expect((await stack.get(`/entitlements/${res.body.contactId}`)).status).toBe(200);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts).toContainEqual(
      expect.objectContaining({ contactId: added.body.contactId, status: 'REPLACED' }),
    );
    expect(certificate.body.audit).toContainEqual(
      expect.objectContaining({
        action: 'CONTACT_REPLACED',
        contactId: res.body.contactId,
        replacedContactId: added.body.contactId,
      }),
    );

    // Replacing it again is a conflict: it is gone, and its seat belongs to the successor.
    const again = await stack.put(
      `/certificates/${body.certificateNumber}/contacts/${added.body.contactId}`,
      {
        products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
        contact: person(),
      },
    );
    expect(again.status).toBe(409);
  });

  it('lets the primary technical contact be replaced, keeping the seat’s role', async () => {
    const { body, primaryId } = await registered({ tier: 'BASIC' });
    const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${primaryId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: person(),
    });
    expect(res.status).toBe(200);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.contacts).toContainEqual(
      expect.objectContaining({ contactId: res.body.contactId, role: 'PRIMARY', status: 'ACTIVE' }),
    );
    // A replacement takes a seat over: BASIC still has room for exactly one more.
    expect((await add(body)).status).toBe(201);
    expect((await add(body)).status).toBe(409);
  });
});

describe('resending the Contact ID', () => {
  it('emails the same Contact ID to the primary contact again, once per request window', async () => {
    const { body, primaryId } = await registered();
    const res = await stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, proofs(body));
    expect(res.status).toBe(202);
    expect(res.body.contactId).toBe(primaryId);
    const doubleClick = await stack.post(
      `/certificates/${body.certificateNumber}/contact-id/resend`,
      proofs(body),
    );
    expect(doubleClick.status).toBe(202);
    await settle();
    const emails = await stack.emails(body.primaryContact.email);
    expect(emails).toHaveLength(2);
    expect(emails.every((e) => e.body.text?.includes(primaryId))).toBe(true);
    const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.audit.filter((e: any) => e.action === 'CONTACT_ID_RESENT')).toHaveLength(1);
  });
});

describe('a designated contact is told it is designated', () => {
  /** A certificate of two products, its primary contact on both, a designated contact on the second. */
  async function withDesignated(language = 'en') {
    const { body, primaryId } = await registered(withSecondProduct(registration()));
    const [firstProduct, secondProduct] = body.products as [
      Registration['products'][number],
      Registration['products'][number],
    ];
    const contact = person(language);
    const res = await add(body, contact, [secondProduct]);
    expect(res.status).toBe(201);
    await settle();
    return {
      body,
      primaryId,
      firstProduct,
      secondProduct,
      contact,
      designatedId: res.body.contactId as string,
    };
  }

  it('says designated and lists only its products; the primary contact’s email is unchanged', async () => {
    const { body, primaryId, firstProduct, secondProduct, contact, designatedId } = await withDesignated();
    const [email, ...more] = await stack.emails(contact.email);
    expect(more).toHaveLength(0);
    expect(email!.subject).toBe(`Your Contact ID for certificate ${body.certificateNumber}`);
    for (const part of [email!.body.text!, email!.body.html!]) {
      expect(part).toContain(designatedId);
      expect(part).toContain('designated technical contact');
      expect(part).not.toContain('primary');
      expect(part).toContain(secondProduct.serialNumber);
      expect(part).not.toContain(firstProduct.serialNumber);
    }
    // The primary contact (French): the primary wording and every product, as before.
    const [primaryEmail] = await stack.emails(body.primaryContact.email);
    expect(primaryEmail!.body.text).toContain(primaryId);
    expect(primaryEmail!.body.text).toContain('contact technique principal');
    expect(primaryEmail!.body.text).toContain(firstProduct.serialNumber);
    expect(primaryEmail!.body.text).toContain(secondProduct.serialNumber);
  });

  it.each([
    ['fr', 'interlocuteur désigné'],
    ['ru', 'контактным лицом для обращений'],
  ])('says designated in %s too', async (language, wording) => {
    const { firstProduct, secondProduct, contact } = await withDesignated(language);
    const [email] = await stack.emails(contact.email);
    expect(email!.body.text).toContain(wording);
    expect(email!.body.html).toContain(wording);
    expect(email!.body.text).toContain(secondProduct.serialNumber);
    expect(email!.body.text).not.toContain(firstProduct.serialNumber);
  });

  it('tells a replacement of a designated contact it is designated, with the seat’s products only', async () => {
    const { body, firstProduct, secondProduct, designatedId } = await withDesignated();
    const successor = person('fr');
    const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${designatedId}`, {
      products: [{ serialNumber: secondProduct.serialNumber }],
      contact: successor,
    });
    expect(res.status).toBe(200);
    await settle();
    const [email] = await stack.emails(successor.email);
    expect(email!.body.text).toContain(res.body.contactId);
    expect(email!.body.text).toContain('interlocuteur désigné');
    expect(email!.body.text).not.toContain('principal');
    expect(email!.body.text).toContain(secondProduct.serialNumber);
    expect(email!.body.text).not.toContain(firstProduct.serialNumber);
  });

  it('tells a replacement of the primary contact it is the primary contact, with every product', async () => {
    const { body, primaryId, firstProduct, secondProduct } = await withDesignated();
    const successor = person();
    const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${primaryId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: successor,
    });
    expect(res.status).toBe(200);
    await settle();
    const [email] = await stack.emails(successor.email);
    expect(email!.body.text).toContain('you are the primary technical contact');
    expect(email!.body.text).toContain(firstProduct.serialNumber);
    expect(email!.body.text).toContain(secondProduct.serialNumber);
  });

  describe('resending to a designated contact by its Contact ID', () => {
    const resend = (body: Registration, products: Registration['products'], contactId?: string) =>
      stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
        ...proofs(body, products),
        ...(contactId ? { contactId } : {}),
      });
    const contactItems = async () => (await stack.items()).filter((i) => i.SK.S === 'CONTACT').length;

    it('emails the same Contact ID again, in the designated wording; never a second ID', async () => {
      const { body, primaryId, firstProduct, secondProduct, contact, designatedId } = await withDesignated();
      const contactsBefore = await contactItems();
      const res = await resend(body, [secondProduct], designatedId);
      expect(res.status).toBe(202);
      expect(res.body.contactId).toBe(designatedId);
      expect(res.body.outcome).toBe('RESENT');
      await settle();
      const emails = await stack.emails(contact.email);
      expect(emails).toHaveLength(2);
      expect(emails[1]!.body.text).toContain(designatedId);
      expect(emails[1]!.body.text).toContain('designated technical contact');
      expect(emails[1]!.body.text).toContain(secondProduct.serialNumber);
      expect(emails[1]!.body.text).not.toContain(firstProduct.serialNumber);
      expect(await contactItems()).toBe(contactsBefore);
      // The primary contact got nothing more; the entitlement still answers for the same ID.
      expect(await stack.emails(body.primaryContact.email)).toHaveLength(1);
      expect((await stack.get(`/entitlements/${designatedId}`)).status).toBe(200);
      const certificate = await stack.get(`/certificates/${body.certificateNumber}`);
      expect(certificate.body.audit).toContainEqual(
        expect.objectContaining({ action: 'CONTACT_ID_RESENT', contactId: designatedId }),
      );
      expect(certificate.body.contacts.map((c: any) => c.contactId)).toEqual([primaryId, designatedId]);
    });

    it('resends to the primary contact when no Contact ID is named, as before', async () => {
      const { body, primaryId, contact } = await withDesignated();
      const res = await resend(body, body.products);
      expect(res.status).toBe(202);
      expect(res.body.contactId).toBe(primaryId);
      await settle();
      expect(await stack.emails(body.primaryContact.email)).toHaveLength(2);
      expect(await stack.emails(contact.email)).toHaveLength(1);
    });

    it.each([
      ['a replaced Contact ID', 404],
      ['a Contact ID never issued', 404],
      ['the primary contact of another certificate', 404],
      ['a serial the contact does not hold', 422],
      ['a malformed Contact ID', 400],
    ])('refuses %s (%i), storing and sending nothing', async (what, status) => {
      const { body, firstProduct, secondProduct, designatedId } = await withDesignated();
      let target = designatedId;
      let products = [secondProduct];
      if (what === 'a replaced Contact ID') {
        const replaced = await stack.put(`/certificates/${body.certificateNumber}/contacts/${designatedId}`, {
          products: [{ serialNumber: secondProduct.serialNumber }],
          contact: person(),
        });
        expect(replaced.status).toBe(200);
      } else if (what === 'a Contact ID never issued') target = '1234567897';
      else if (what === 'the primary contact of another certificate') target = (await registered()).primaryId;
      else if (what === 'a serial the contact does not hold') products = [firstProduct];
      else target = '12345';
      await settle();
      const before = await stack.items();
      const emailsBefore = (await stack.emails()).length;
      const res = await resend(body, products, target);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      await settle();
      expect(await stack.items()).toEqual(before);
      expect((await stack.emails()).length).toBe(emailsBefore);
    });
  });
});

describe('bad input changes nothing and sends no email', () => {
  let body: Registration;
  let designatedId: string;
  beforeAll(async () => {
    ({ body } = await registered());
    designatedId = (await add(body)).body.contactId;
    await settle();
  });

  const contactsPath = () => `/certificates/${body.certificateNumber}/contacts`;
  const cases: Array<[string, number, () => Promise<{ status: number; body: any }>]> = [
    [
      'add: wrong sales order number',
      422,
      () => stack.post(contactsPath(), { ...proofs(body), salesOrderNumber: '99999999', contact: person() }),
    ],
    [
      'add: wrong support identifier',
      422,
      () =>
        stack.post(contactsPath(), {
          ...proofs(body),
          products: [{ serialNumber: body.products[0]!.serialNumber, supportIdentifier: '9999-9999-9999' }],
          contact: person(),
        }),
    ],
    [
      'add: serial not on the certificate',
      422,
      () =>
        stack.post(contactsPath(), {
          ...proofs(body),
          products: [{ serialNumber: 'M0000000001', supportIdentifier: body.products[0]!.supportIdentifier }],
          contact: person(),
        }),
    ],
    [
      'add: unknown certificate',
      404,
      () => stack.post('/certificates/00000000-0000000/contacts', { ...proofs(body), contact: person() }),
    ],
    [
      'add: malformed certificate number',
      400,
      () => stack.post('/certificates/1234/contacts', { ...proofs(body), contact: person() }),
    ],
    [
      'add: malformed email',
      400,
      () =>
        stack.post(contactsPath(), {
          ...proofs(body),
          contact: { ...person(), email: 'x@y.z\r\nBcc: a@b.c' },
        }),
    ],
    ['add: missing contact', 400, () => stack.post(contactsPath(), proofs(body))],
    ['add: malformed JSON', 400, () => stack.post(contactsPath(), '{"salesOrderNumber":')],
    [
      'replace: unknown Contact ID',
      404,
      () =>
        stack.put(`${contactsPath()}/1234567897`, {
          products: [{ serialNumber: body.products[0]!.serialNumber }],
          contact: person(),
        }),
    ],
    [
      'replace: malformed Contact ID',
      400,
      () =>
        stack.put(`${contactsPath()}/12345`, {
          products: [{ serialNumber: body.products[0]!.serialNumber }],
          contact: person(),
        }),
    ],
    [
      'replace: a serial the contact does not hold',
      422,
      () =>
        stack.put(`${contactsPath()}/${designatedId}`, {
          products: [{ serialNumber: 'M0000000001' }],
          contact: person(),
        }),
    ],
    [
      'resend: wrong sales order number',
      422,
      () =>
        stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
          ...proofs(body),
          salesOrderNumber: '99999999',
        }),
    ],
    [
      'resend: unknown certificate',
      404,
      () => stack.post('/certificates/00000000-0000000/contact-id/resend', proofs(body)),
    ],
    [
      'resend: unknown field',
      400,
      () =>
        stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
          ...proofs(body),
          extra: 1,
        }),
    ],
    ['entitlements: malformed Contact ID', 400, () => stack.get('/entitlements/12345')],
    ['entitlements: unknown Contact ID', 404, () => stack.get('/entitlements/1234567897')],
  ];

  it.each(cases)('%s → %i', async (_, status, call) => {
    const before = await stack.items();
    const emailsBefore = (await stack.emails()).length;
    const res = await call();
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    if (status === 400) expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
    await settle();
    expect(await stack.items()).toEqual(before);
    expect((await stack.emails()).length).toBe(emailsBefore);
  });
});

describe('entitlement verification', () => {
  it('says what an entitled caller gets and why, naming the contract and its dates', async () => {
    const { body, primaryId } = await registered({ tier: 'ESSENTIAL' });
    const res = await stack.get(`/entitlements/${primaryId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      contactId: primaryId,
      entitled: true,
      tier: 'ESSENTIAL',
      hours: '24x7',
      upgradesOpen: true,
      responseTargets: { severity1: { initialResponse: '30 minutes' } },
      products: [
        {
          serialNumber: body.products[0]!.serialNumber,
          product: 'Backup Exec',
          version: '12.0',
          coverage: { start: '2026-01-01', end: '2026-12-31', active: true },
          supportPhase: 'STANDARD',
        },
      ],
    });
    const reasons = res.body.reasons.join(' ');
    expect(reasons).toContain(body.certificateNumber);
    expect(reasons).toContain('2026-12-31');
    expect(reasons).toMatch(/^Entitled/);
    expect(JSON.stringify(res.body)).not.toContain(body.primaryContact.email);
  });

  it('says a caller whose contract lapsed is not entitled, and why', async () => {
    const { primaryId } = await registered({
      tier: 'BASIC',
      term: { start: '2024-01-01', end: '2024-12-31' },
    });
    const res = await stack.get(`/entitlements/${primaryId}`);
    expect(res.status).toBe(200);
    expect(res.body.entitled).toBe(false);
    expect(res.body.upgradesOpen).toBe(false);
    expect(res.body.products[0].coverage.active).toBe(false);
    expect(res.body.reasons.join(' ')).toContain('lapsed after 2024-12-31');
  });

  it('keeps verifying a contact after a renewal, on the renewed coverage', async () => {
    const { body, primaryId } = await registered({ term: { start: '2025-01-01', end: '2025-12-31' } });
    expect((await stack.get(`/entitlements/${primaryId}`)).body.entitled).toBe(false);
    const renewal = {
      ...body,
      certificateNumber: `${body.certificateNumber.slice(0, 9)}8${body.certificateNumber.slice(10)}`,
      term: { start: '2026-01-01', end: '2026-12-31' },
    };
    expect((await stack.post('/registrations', renewal)).status).toBe(201);
    const res = await stack.get(`/entitlements/${primaryId}`);
    expect(res.body.entitled).toBe(true);
    expect(res.body.reasons.join(' ')).toContain(renewal.certificateNumber);
  });
});
