import { describe, expect, it } from 'vitest';
import { Conflict, DomainError, RuleViolation } from '../../functions/core/errors.ts';
import { contactIdIssuedNotice } from '../../functions/core/notices.ts';
import {
  decideRegistration,
  MAX_PRODUCTS_PER_CERTIFICATE,
  MAX_TERM_DAYS,
  maskEmail,
  type RegisteredSerial,
  type RegistrationContext,
  RegistrationRequest,
  registrationFingerprint,
} from '../../functions/core/registration.ts';
import {
  decideRenewalContacts,
  renewalContactsAudit,
  renewedTerms,
} from '../../functions/core/renewal-contacts.ts';
import { issuesOf } from '../../functions/core/validation.ts';
import { CERTIFICATE, contractExample, parsedRequest, withField } from './fixtures.ts';

/** The problem+json `errors` of a body, or [] when it parses. */
function errorsOf(body: unknown) {
  const result = RegistrationRequest.safeParse(body);
  return result.success ? [] : issuesOf(result.error);
}

const product = (n: number) => ({
  serialNumber: `M${String(n).padStart(10, '0')}`,
  supportIdentifier: `0000-0000-${String(n).padStart(4, '0')}`,
  product: 'Backup Exec',
  version: '12.0',
});

describe('RegistrationRequest', () => {
  it('accepts the CONTRACT.md example', () => {
    const body = contractExample();
    expect(RegistrationRequest.parse(body)).toEqual(body);
  });

  it.each([
    ['certificateNumber', '1234567-1234567', 'certificateNumber'],
    ['salesOrderNumber', '1234567', 'salesOrderNumber'],
    ['tier', 'GOLD', 'tier'],
    ['term.start', '2026-02-29', 'term.start'],
    ['term.end', '2026-13-01', 'term.end'],
    ['company.name', '', 'company.name'],
    ['company.name', 'Acme\r\nBcc: x@y.example', 'company.name'],
    ['company.address', 'x'.repeat(501), 'company.address'],
    ['company.phone', 'call me', 'company.phone'],
    ['primaryContact.name', 'Marie\nCurie', 'primaryContact.name'],
    ['primaryContact.email', 'marie@acme.example\r\nBcc: x@y.example', 'primaryContact.email'],
    ['primaryContact.email', '"Marie" <marie@acme.example>', 'primaryContact.email'],
    ['primaryContact.email', 'marie@acme.example, eve@evil.example', 'primaryContact.email'],
    ['primaryContact.phone', 'none', 'primaryContact.phone'],
    ['primaryContact.language', 'pt', 'primaryContact.language'],
    ['products.0.serialNumber', 'M123', 'products.0.serialNumber'],
    ['products.0.supportIdentifier', '1234-5678', 'products.0.supportIdentifier'],
    ['products.0.product', '', 'products.0.product'],
    ['products.0.version', 'twelve', 'products.0.version'],
    ['products.0.productLine', '', 'products.0.productLine'],
    ['products', [], 'products'],
    ['products', 'M1234567890', 'products'],
    ['term', '2026-01-01/2026-12-31', 'term'],
  ])('refuses a bad %s (%j) at path %s', (field, value, path) => {
    const errors = errorsOf(withField(contractExample(), field, value));
    expect(errors.map((e) => e.path)).toContain(path);
    for (const e of errors) expect(e.message).toEqual(expect.any(String));
  });

  it.each([
    'certificateNumber',
    'salesOrderNumber',
    'tier',
    'term',
    'company',
    'company.name',
    'company.address',
    'company.phone',
    'primaryContact',
    'primaryContact.name',
    'primaryContact.email',
    'products',
    'products.0.serialNumber',
    'products.0.supportIdentifier',
    'products.0.product',
    'products.0.version',
  ])('requires %s', (field) => {
    expect(errorsOf(withField(contractExample(), field, undefined)).map((e) => e.path)).toContain(field);
  });

  it.each(['primaryContact.phone', 'primaryContact.language', 'products.0.productLine'])(
    'does not require %s',
    (field) => {
      expect(errorsOf(withField(contractExample(), field, undefined))).toEqual([]);
    },
  );

  it('reports every bad field, not just the first', () => {
    const body = withField(withField(contractExample(), 'tier', 'GOLD'), 'products.0.version', 'x');
    expect(errorsOf(body).map((e) => e.path)).toEqual(['tier', 'products.0.version']);
  });

  it('refuses a serial listed twice, pointing at the second', () => {
    const body = withField(contractExample(), 'products', [
      product(1),
      product(2),
      { ...product(1), supportIdentifier: '9999-9999-9999' },
    ]);
    expect(errorsOf(body)).toEqual([
      { path: 'products.2.serialNumber', message: 'serial M0000000001 is listed twice' },
    ]);
  });

  it.each([
    ['at the top', '', { ...contractExample(), admin: true }, 'admin'],
    ['in term', 'term', withField(contractExample(), 'term.timezone', 'UTC'), 'timezone'],
    ['in company', 'company', withField(contractExample(), 'company.vat', 'FR1'), 'vat'],
    ['in primaryContact', 'primaryContact', withField(contractExample(), 'primaryContact.role', 'x'), 'role'],
    ['in a product', 'products.0', withField(contractExample(), 'products.0.price', 10), 'price'],
  ])('refuses an unknown field %s', (_where, path, body, key) => {
    expect(errorsOf(body)).toEqual([{ path: path || '(body)', message: `unknown field(s): ${key}` }]);
  });

  it('refuses a term that ends before it starts', () => {
    const body = withField(contractExample(), 'term', { start: '2026-12-31', end: '2026-01-01' });
    expect(errorsOf(body)).toEqual([{ path: 'term.end', message: 'the term ends before it starts' }]);
  });

  it('accepts a one-day term', () => {
    expect(
      errorsOf(withField(contractExample(), 'term', { start: '2026-01-01', end: '2026-01-01' })),
    ).toEqual([]);
  });

  it(`accepts a term of ${MAX_TERM_DAYS} days and refuses one day more`, () => {
    // 2026-01-01 + 1830 days = 2031-01-05
    expect(errorsOf(withField(contractExample(), 'term.end', '2031-01-05'))).toEqual([]);
    expect(errorsOf(withField(contractExample(), 'term.end', '2031-01-06'))).toEqual([
      { path: 'term.end', message: `a term lasts at most ${MAX_TERM_DAYS} days` },
    ]);
  });

  it('refuses a year typo (2062 for 2026) as a term too long', () => {
    expect(errorsOf(withField(contractExample(), 'term.end', '2062-12-31')).map((e) => e.path)).toEqual([
      'term.end',
    ]);
  });

  // The term-level rules (order, length) mean nothing when a date is not one: reporting
  // "the term ends before it starts" or "a term lasts at most 1830 days" for a start date
  // that is malformed or missing misleads the client.
  it.each([
    ['does not exist', '2026-02-30', 'a date is YYYY-MM-DD and must exist on the calendar'],
    ['is not a date', 'soon', 'a date is YYYY-MM-DD and must exist on the calendar'],
    ['is missing', undefined, expect.any(String)],
  ])('reports only term.start when the start %s', (_name, start, message) => {
    expect(errorsOf(withField(contractExample(), 'term.start', start))).toEqual([
      { path: 'term.start', message },
    ]);
  });

  it(`accepts ${MAX_PRODUCTS_PER_CERTIFICATE} products and refuses more`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => product(i + 1));
    expect(errorsOf(withField(contractExample(), 'products', many(MAX_PRODUCTS_PER_CERTIFICATE)))).toEqual(
      [],
    );
    expect(
      errorsOf(withField(contractExample(), 'products', many(MAX_PRODUCTS_PER_CERTIFICATE + 1))).map(
        (e) => e.path,
      ),
    ).toEqual(['products']);
  });

  it('defaults the language to en', () => {
    const parsed = RegistrationRequest.parse(
      withField(contractExample(), 'primaryContact.language', undefined),
    );
    expect(parsed.primaryContact.language).toBe('en');
  });

  it('leaves productLine absent in the request (the decision defaults it to the product)', () => {
    const parsed = parsedRequest();
    expect(parsed.products[0]!.productLine).toBeUndefined();
    const decision = decideRegistration(parsed, emptyContext(), options());
    expect(decision.certificate.products[0]!.productLine).toBe('Backup Exec');
    const lined = parsedRequest(withField(contractExample(), 'products.0.productLine', 'Data Protection'));
    expect(decideRegistration(lined, emptyContext(), options()).certificate.products[0]!.productLine).toBe(
      'Data Protection',
    );
  });

  it('trims free text', () => {
    const parsed = RegistrationRequest.parse(withField(contractExample(), 'company.name', '  Acme SA  '));
    expect(parsed.company.name).toBe('Acme SA');
  });

  it.each([null, undefined, [], 'registration', 42])('refuses a body that is not an object: %j', (body) => {
    expect(errorsOf(body)).toEqual([{ path: '(body)', message: expect.any(String) }]);
  });
});

describe('registrationFingerprint', () => {
  const fingerprint = (body: Record<string, any>) => registrationFingerprint(parsedRequest(body));
  const twoProducts = withField(contractExample(), 'products', [product(1), product(2)]);

  it('is a sha256 hex digest', () => {
    expect(fingerprint(contractExample())).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [
      'the order of products',
      withField(contractExample(), 'products', [product(2), product(1)]),
      twoProducts,
    ],
    [
      'the case of the email',
      withField(contractExample(), 'primaryContact.email', 'Marie@ACME.example'),
      contractExample(),
    ],
    ['the order of keys', Object.fromEntries(Object.entries(contractExample()).reverse()), contractExample()],
    [
      'an explicit default language',
      withField(contractExample(), 'primaryContact.language', undefined),
      withField(contractExample(), 'primaryContact.language', 'en'),
    ],
    [
      'an explicit default productLine',
      withField(contractExample(), 'products.0.productLine', 'Backup Exec'),
      contractExample(),
    ],
    [
      'whitespace around free text',
      withField(contractExample(), 'company.name', ' Acme SA '),
      contractExample(),
    ],
  ])('does not depend on %s', (_name, a, b) => {
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it.each([
    ['salesOrderNumber', '87654321'],
    ['tier', 'BASIC'],
    ['term.end', '2026-12-30'],
    ['company.name', 'Acme SAS'],
    ['primaryContact.email', 'pierre@acme.example'],
    ['primaryContact.name', 'Pierre Curie'],
    ['primaryContact.language', 'ru'],
    ['primaryContact.phone', undefined],
    ['products.0.version', '12.5'],
    ['products.0.supportIdentifier', '1234-5678-1235'],
    ['products.0.productLine', 'Other line'],
  ])('changes with %s', (field, value) => {
    expect(fingerprint(withField(contractExample(), field, value))).not.toBe(fingerprint(contractExample()));
  });

  it('changes when a product is added', () => {
    expect(fingerprint(twoProducts)).not.toBe(
      fingerprint(withField(contractExample(), 'products', [product(1)])),
    );
  });
});

const NOW = new Date('2026-03-01T10:00:00.000Z');
const CANDIDATE = '1234567897';
const EXISTING_CONTACT = '9876543217';
const ROOT = '11111111-1111111';

const emptyContext = (): RegistrationContext => ({ certificate: null, serials: [], primaryContactOf: {} });
const ALICE = { subject: 'alice', role: 'licensing-ops' } as const;
const options = (overrides: Partial<Parameters<typeof decideRegistration>[2]> = {}) => ({
  now: NOW,
  requestId: 'req-1',
  actor: ALICE,
  candidateContactId: CANDIDATE,
  ...overrides,
});

/** A serial as stored by an earlier registration of `root`, possibly renewed by `renewals`. */
function storedSerial(
  p: { serialNumber: string; supportIdentifier: string; product: string; version: string },
  root = ROOT,
  renewals: string[] = [],
): RegisteredSerial {
  return {
    ...p,
    productLine: p.product,
    contactsCertificate: root,
    terms: [
      { start: '2025-01-01', end: '2025-12-31', tier: 'BASIC', certificateNumber: root },
      ...renewals.map((certificateNumber, i) => ({
        start: `${2026 + i}-01-01`,
        end: `${2026 + i}-06-30`,
        tier: 'BASIC' as const,
        certificateNumber,
      })),
    ],
  };
}

describe('decideRegistration: a new certificate', () => {
  const request = parsedRequest();
  const decision = decideRegistration(request, emptyContext(), options());

  it('creates', () => {
    expect(decision.kind).toBe('CREATE');
  });

  it('issues the candidate Contact ID to the primary contact', () => {
    if (decision.kind !== 'CREATE') throw new Error('expected CREATE');
    expect(decision.contact).toEqual({
      contactId: CANDIDATE,
      certificateNumber: CERTIFICATE,
      role: 'PRIMARY',
      status: 'ACTIVE',
      name: 'Marie Curie',
      email: 'marie@acme.example',
      phone: '+33 6 00 00 00 00',
      language: 'fr',
      serialNumbers: ['M1234567890'],
      issuedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('omits the phone of a contact who gave none', () => {
    const d = decideRegistration(
      parsedRequest(withField(contractExample(), 'primaryContact.phone', undefined)),
      emptyContext(),
      options(),
    );
    if (d.kind !== 'CREATE') throw new Error('expected CREATE');
    expect(d.contact).not.toHaveProperty('phone');
  });

  it('records the certificate as its own contacts certificate, renewing nothing', () => {
    expect(decision.certificate).toEqual({
      certificateNumber: CERTIFICATE,
      salesOrderNumber: '12345678',
      tier: 'ESSENTIAL',
      term: { start: '2026-01-01', end: '2026-12-31' },
      company: request.company,
      products: [{ ...request.products[0], productLine: 'Backup Exec' }],
      contactsCertificate: CERTIFICATE,
      primaryContactId: CANDIDATE,
      renewalOf: [],
      fingerprint: registrationFingerprint(request),
      registeredAt: '2026-03-01T10:00:00.000Z',
      requestId: 'req-1',
      registeredBy: { subject: 'alice', role: 'licensing-ops' },
      nextReminder: { offset: 90, on: '2026-10-02' },
      roster: {
        [CANDIDATE]: {
          role: 'PRIMARY',
          serialNumbers: ['M1234567890'],
          email: request.primaryContact.email.toLowerCase(),
          to: request.primaryContact.email,
          name: request.primaryContact.name,
          language: request.primaryContact.language,
        },
      },
      rosterVersion: 1,
    });
  });

  it('registers each serial with the term', () => {
    if (decision.kind !== 'CREATE') throw new Error('expected CREATE');
    expect(decision.newSerials).toEqual([
      {
        serialNumber: 'M1234567890',
        supportIdentifier: '1234-5678-1234',
        product: 'Backup Exec',
        productLine: 'Backup Exec',
        version: '12.0',
        contactsCertificate: CERTIFICATE,
        terms: [
          {
            start: '2026-01-01',
            end: '2026-12-31',
            tier: 'ESSENTIAL',
            certificateNumber: CERTIFICATE,
            registeredOn: '2026-03-01',
          },
        ],
      },
    ]);
  });

  it.each([
    ['2026-03-01T10:00:00Z', { offset: 90, on: '2026-10-02' }],
    ['2026-10-02T23:59:59Z', { offset: 90, on: '2026-10-02' }],
    ['2026-10-03T00:00:00Z', { offset: 60, on: '2026-11-01' }],
    ['2026-12-26T08:00:00Z', { offset: 0, on: '2026-12-31' }],
    ['2027-01-31T00:00:00Z', null],
  ])('computes the next reminder from now = %s', (now, expected) => {
    const d = decideRegistration(request, emptyContext(), options({ now: new Date(now) }));
    expect(d.certificate.nextReminder).toEqual(expected);
  });

  it('uses the offsets configured for the tier', () => {
    const d = decideRegistration(request, emptyContext(), options({ reminderOffsets: { ESSENTIAL: [14] } }));
    expect(d.certificate.nextReminder).toEqual({ offset: 14, on: '2026-12-17' });
    const other = decideRegistration(request, emptyContext(), options({ reminderOffsets: { BASIC: [14] } }));
    expect(other.certificate.nextReminder).toEqual({ offset: 90, on: '2026-10-02' });
  });

  it('owes a Contact ID email in the contact’s language, with what the template needs', () => {
    if (decision.kind !== 'CREATE') throw new Error('expected CREATE');
    const notice = contactIdIssuedNotice(decision.contact, decision.certificate, NOW.toISOString());
    expect(notice).toMatchObject({
      id: `contact-id-${CANDIDATE}`,
      kind: 'CONTACT_ID_ISSUED',
      template: 'ContactIdIssued',
      to: 'marie@acme.example',
      language: 'fr',
      status: 'PENDING',
      data: {
        contactName: 'Marie Curie',
        contactId: CANDIDATE,
        certificateNumber: CERTIFICATE,
        salesOrderNumber: '12345678',
        companyName: 'Acme SA',
        tier: 'ESSENTIAL',
        termStart: '2026-01-01',
        termEnd: '2026-12-31',
        products: [{ product: 'Backup Exec', version: '12.0', serialNumber: 'M1234567890' }],
      },
    });
  });
});

describe('decideRegistration: the same certificate again', () => {
  const request = parsedRequest();
  const first = decideRegistration(request, emptyContext(), options());
  const stored = { ...emptyContext(), certificate: first.certificate };

  it('replays identical content, returning the stored certificate (whoever sends it again)', () => {
    const again = decideRegistration(
      parsedRequest(withField(contractExample(), 'primaryContact.email', 'MARIE@acme.example')),
      stored,
      options({
        candidateContactId: '1000000008',
        now: new Date('2026-04-01T00:00:00Z'),
        requestId: 'req-2',
        actor: { subject: 'order-system', role: 'integration' },
      }),
    );
    expect(again).toEqual({ kind: 'REPLAY', certificate: first.certificate });
    expect(again.certificate.registeredBy).toEqual({ subject: 'alice', role: 'licensing-ops' });
    expect(again.certificate.primaryContactId).toBe(CANDIDATE);
  });

  it.each([
    ['another tier', 'tier', 'BASIC'],
    ['another email', 'primaryContact.email', 'pierre@acme.example'],
    ['another term', 'term.end', '2027-12-31'],
  ])('refuses %s under the same certificate number as a Conflict (409)', (_name, field, value) => {
    const call = () =>
      decideRegistration(parsedRequest(withField(contractExample(), field, value)), stored, options());
    expect(call).toThrow(Conflict);
    try {
      call();
    } catch (error) {
      expect((error as Conflict).status).toBe(409);
      expect((error as Conflict).message).toContain(CERTIFICATE);
    }
  });
});

describe('decideRegistration: a renewal (serials already registered)', () => {
  const RENEWAL = '22222222-2222222';
  const existing = contractExample().products[0];
  const newProduct = product(7);
  const request = parsedRequest({
    ...withField(contractExample(), 'certificateNumber', RENEWAL),
    term: { start: '2026-01-01', end: '2026-12-31' },
    products: [existing, newProduct],
  });
  const serial = storedSerial(existing);
  const context: RegistrationContext = {
    certificate: null,
    serials: [serial],
    primaryContactOf: { [ROOT]: EXISTING_CONTACT },
  };
  const decision = decideRegistration(request, context, options());
  const term = {
    start: '2026-01-01',
    end: '2026-12-31',
    tier: 'ESSENTIAL',
    certificateNumber: RENEWAL,
    registeredOn: '2026-03-01',
  };

  it('renews, issuing no new contact', () => {
    expect(decision.kind).toBe('RENEW');
    expect(decision).not.toHaveProperty('contact');
  });

  it('keeps the existing primary Contact ID and points at the first registration for contacts', () => {
    expect(decision.certificate.primaryContactId).toBe(EXISTING_CONTACT);
    expect(decision.certificate.contactsCertificate).toBe(ROOT);
    expect(decision.certificate.certificateNumber).toBe(RENEWAL);
  });

  it('lists the earlier certificate in renewalOf', () => {
    expect(decision.certificate.renewalOf).toEqual([ROOT]);
  });

  it('extends each registered serial with the new term', () => {
    if (decision.kind !== 'RENEW') throw new Error('expected RENEW');
    expect(decision.extendedSerials).toEqual([{ serial, term }]);
  });

  it('registers a serial new on the renewal under the same contacts', () => {
    if (decision.kind !== 'RENEW') throw new Error('expected RENEW');
    expect(decision.newSerials).toEqual([
      { ...newProduct, productLine: newProduct.product, contactsCertificate: ROOT, terms: [term] },
    ]);
  });

  it('lists every earlier certificate of the serials, sorted, once each', () => {
    const A = '33333333-3333333';
    const B = '00000000-0000001';
    const renewed: RegistrationContext = {
      certificate: null,
      serials: [storedSerial(existing, ROOT, [A, B])],
      primaryContactOf: { [ROOT]: EXISTING_CONTACT },
    };
    const d = decideRegistration(request, renewed, options());
    expect(d.certificate.renewalOf).toEqual([B, ROOT, A]);
  });

  it('replays a renewal sent twice', () => {
    const again = decideRegistration(request, { ...context, certificate: decision.certificate }, options());
    expect(again.kind).toBe('REPLAY');
    expect(again.certificate.primaryContactId).toBe(EXISTING_CONTACT);
  });

  it('fails loudly (not as a client error) when the first registration’s contact is unknown', () => {
    const call = () => decideRegistration(request, { ...context, primaryContactOf: {} }, options());
    expect(call).toThrow(/no primary contact known/);
    try {
      call();
    } catch (error) {
      expect(error).not.toBeInstanceOf(DomainError);
    }
  });
});

describe('decideRenewalContacts: the Contact ID a renewal emails', () => {
  const RENEWAL = '22222222-2222222';
  const DESIGNATED = '5555555556';
  const existing = contractExample().products[0];
  const entry = (role: 'PRIMARY' | 'DESIGNATED', email: string) => ({
    role,
    serialNumbers: [existing.serialNumber],
    email,
    to: email,
    name: email,
    language: 'en' as const,
  });
  const holder = (tier: 'BASIC' | 'ESSENTIAL', designated = false) => ({
    certificateNumber: ROOT,
    version: 3,
    primaryContactId: EXISTING_CONTACT,
    entries: {
      [EXISTING_CONTACT]: entry('PRIMARY', 'marie@acme.example'),
      ...(designated ? { [DESIGNATED]: entry('DESIGNATED', 'pierre@acme.example') } : {}),
    },
    tier,
  });
  function renew(email: string, tier: 'BASIC' | 'ESSENTIAL' = 'ESSENTIAL', designated = false) {
    const request = parsedRequest({
      ...withField(contractExample(), 'certificateNumber', RENEWAL),
      tier,
      primaryContact: { ...contractExample().primaryContact, email },
      products: [existing],
    });
    const decision = decideRegistration(
      request,
      {
        certificate: null,
        serials: [storedSerial(existing)],
        primaryContactOf: { [ROOT]: EXISTING_CONTACT },
      },
      options(),
    );
    const { tier: _t, ...rosterHolder } = holder(tier, designated);
    return decideRenewalContacts(request, decision.certificate, rosterHolder, {
      now: NOW,
      candidateContactId: CANDIDATE,
    });
  }

  it('emails the Contact ID the same person (any case) already holds, changing no roster', () => {
    const out = renew('Marie@ACME.example');
    expect(out).toMatchObject({ issued: false, roster: null, updated: [], replaced: null, change: null });
    expect(out.contact).toMatchObject({
      contactId: EXISTING_CONTACT,
      role: 'PRIMARY',
      certificateNumber: ROOT,
    });
  });

  it('issues a new Contact ID to a new person, who becomes primary; the old primary stays designated while the tier allows', () => {
    const out = renew('new@acme.example');
    expect(out.issued).toBe(true);
    expect(out.contact.contactId).toBe(CANDIDATE);
    expect(out.roster?.[CANDIDATE]).toMatchObject({ role: 'PRIMARY', email: 'new@acme.example' });
    expect(out.roster?.[EXISTING_CONTACT]).toMatchObject({ role: 'DESIGNATED' });
    expect(out.updated).toEqual([
      { contactId: EXISTING_CONTACT, role: 'DESIGNATED', serialNumbers: [existing.serialNumber] },
    ]);
    expect(out.replaced).toBeNull();
    expect(out.change).toEqual({
      contactId: CANDIDATE,
      created: true,
      serialNumbers: [existing.serialNumber],
      formerPrimary: { contactId: EXISTING_CONTACT, became: 'DESIGNATED' },
    });
    expect(
      renewalContactsAudit(
        out.change!,
        { certificateNumber: RENEWAL, registeredAt: NOW.toISOString(), requestId: 'req-1' },
        'New@acme.example',
        ALICE,
      ),
    ).toEqual({
      action: 'RENEWAL_CONTACTS_CHANGED',
      at: NOW.toISOString(),
      requestId: 'req-1',
      actor: { subject: 'alice', role: 'licensing-ops' },
      via: RENEWAL,
      contactId: CANDIDATE,
      change: 'NEW_PRIMARY',
      email: 'New@acme.example',
      serialNumbers: [existing.serialNumber],
      formerPrimary: { contactId: EXISTING_CONTACT, became: 'DESIGNATED' },
    });
  });

  it('replaces the old primary when the tier has no room for it (Basic: 2, the primary included)', () => {
    const out = renew('new@acme.example', 'BASIC', true);
    expect(out.change?.formerPrimary).toEqual({ contactId: EXISTING_CONTACT, became: 'REPLACED' });
    expect(out.replaced).toEqual({
      contactId: EXISTING_CONTACT,
      replacedBy: CANDIDATE,
      replacedAt: NOW.toISOString(),
    });
    expect(Object.keys(out.roster ?? {}).sort()).toEqual([CANDIDATE, DESIGNATED].sort());
    expect(out.updated).toEqual([]);
  });

  it('keeps a designated contact’s Contact ID when it is named, promoting it; the old primary is designated', () => {
    const out = renew('pierre@acme.example', 'BASIC', true);
    expect(out).toMatchObject({ issued: false, replaced: null });
    expect(out.contact.contactId).toBe(DESIGNATED);
    expect(out.roster?.[DESIGNATED]?.role).toBe('PRIMARY');
    expect(out.roster?.[EXISTING_CONTACT]?.role).toBe('DESIGNATED');
    expect(out.change).toEqual({
      contactId: DESIGNATED,
      created: false,
      before: { role: 'DESIGNATED', serialNumbers: [existing.serialNumber] },
      serialNumbers: [existing.serialNumber],
      formerPrimary: { contactId: EXISTING_CONTACT, became: 'DESIGNATED' },
    });
    expect(out.updated.map((u) => [u.contactId, u.role]).sort()).toEqual(
      [
        [EXISTING_CONTACT, 'DESIGNATED'],
        [DESIGNATED, 'PRIMARY'],
      ].sort(),
    );
  });
});

describe('renewedTerms: what a renewal records on the certificates it renews', () => {
  const earlier = (renewed: string[] = []) => ({
    certificateNumber: ROOT,
    serialNumbers: ['M0000000001', 'M0000000002'],
    renewedSerials: renewed,
  });

  it('adds the serials renewed; the certificate keeps reminding while one is left', () => {
    expect(renewedTerms([ROOT], [earlier()], ['M0000000001'])).toEqual([
      { certificateNumber: ROOT, before: [], add: ['M0000000001'], complete: false },
    ]);
  });

  it('is complete once every serial is renewed, over several renewals', () => {
    expect(renewedTerms([ROOT], [earlier(['M0000000001'])], ['M0000000002'])).toEqual([
      { certificateNumber: ROOT, before: ['M0000000001'], add: ['M0000000002'], complete: true },
    ]);
  });

  it('ignores serials that were not on the earlier certificate', () => {
    expect(renewedTerms([ROOT], [earlier()], ['M0000000009'])[0]).toMatchObject({ add: [], complete: false });
  });
});

describe('timeZone and country', () => {
  const fingerprint = (body: Record<string, any>) => registrationFingerprint(parsedRequest(body));

  it('are optional, stored when given, and change the fingerprint only when present', () => {
    const plain = contractExample();
    const placed = { ...contractExample(), timeZone: 'Europe/Paris', country: 'FR' };
    expect(fingerprint(plain)).toBe(fingerprint(contractExample()));
    expect(fingerprint(placed)).not.toBe(fingerprint(plain));
    const decision = decideRegistration(parsedRequest(placed), emptyContext(), options());
    expect(decision.certificate).toMatchObject({ timeZone: 'Europe/Paris', country: 'FR' });
    expect(
      decideRegistration(parsedRequest(plain), emptyContext(), options()).certificate,
    ).not.toHaveProperty('timeZone');
  });

  it.each([
    ['timeZone', 'Mars/Olympus_Mons'],
    ['timeZone', 'UTC+25'],
    ['country', 'XX'],
    ['country', 'fr'],
  ])('refuses %s %s', (field, value) => {
    expect(errorsOf({ ...contractExample(), [field]: value }).map((e) => e.path)).toEqual([field]);
  });
});

describe('decideRegistration: refusals by rule (422)', () => {
  const existing = contractExample().products[0];
  const renewal = (products: unknown[]) =>
    parsedRequest({ ...withField(contractExample(), 'certificateNumber', '22222222-2222222'), products });
  const contextWith = (...serials: RegisteredSerial[]): RegistrationContext => ({
    certificate: null,
    serials,
    primaryContactOf: Object.fromEntries(serials.map((s) => [s.contactsCertificate, EXISTING_CONTACT])),
  });

  function violation(call: () => unknown): RuleViolation {
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolation);
      expect((error as RuleViolation).status).toBe(422);
      return error as RuleViolation;
    }
    throw new Error('expected a RuleViolation');
  }

  it.each([
    [
      'another support identifier',
      { ...existing, supportIdentifier: '9999-9999-9999' },
      'products.0.supportIdentifier',
    ],
    ['another product', { ...existing, product: 'NetBackup' }, 'products.0.product'],
  ])('refuses a registered serial with %s', (_name, claimed, path) => {
    const error = violation(() =>
      decideRegistration(renewal([claimed]), contextWith(storedSerial(existing)), options()),
    );
    expect(error.errors).toEqual([{ path, message: expect.stringContaining('M1234567890') }]);
  });

  it('points at the product by its position in the request', () => {
    const error = violation(() =>
      decideRegistration(
        renewal([product(5), { ...existing, supportIdentifier: '9999-9999-9999', product: 'NetBackup' }]),
        contextWith(storedSerial(existing)),
        options(),
      ),
    );
    expect(error.errors.map((e) => e.path)).toEqual(['products.1.supportIdentifier', 'products.1.product']);
  });

  it('refuses serials registered under two different certificates', () => {
    const other = product(8);
    const error = violation(() =>
      decideRegistration(
        renewal([existing, other]),
        contextWith(storedSerial(existing, ROOT), storedSerial(other, '44444444-4444444')),
        options(),
      ),
    );
    expect(error.message).toContain(ROOT);
    expect(error.message).toContain('44444444-4444444');
  });

  it('accepts a version change on renewal (the serial was upgraded)', () => {
    const d = decideRegistration(
      renewal([{ ...existing, version: '12.5' }]),
      contextWith(storedSerial(existing)),
      options(),
    );
    expect(d.kind).toBe('RENEW');
  });
});

describe('maskEmail', () => {
  it.each([
    ['marie@acme.example', 'marie', 'acme', '.example'],
    ['marie.curie@mail.acme.co.uk', 'marie.curie', 'mail.acme.co', '.uk'],
    ['jean-pierre@societe-generale.example', 'jean-pierre', 'societe-generale', '.example'],
  ])('hides most of %s but keeps its first letters and top-level domain', (email, local, host, tld) => {
    const masked = maskEmail(email);
    expect(masked).not.toContain(local);
    expect(masked).not.toContain(host);
    expect(masked.startsWith(`${local[0]}***`)).toBe(true);
    expect(masked).toContain(`@${host[0]}***`);
    expect(masked.endsWith(tld)).toBe(true);
    expect(masked.length).toBeLessThan(email.length + 6);
  });

  it.each([
    ['a@b.example', 'a***@b***.example'],
    ['ab@cd.example', 'a***@c***.example'],
    ['x@localhost', 'x***@l***t'],
  ])('%s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});
