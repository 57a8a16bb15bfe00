import { describe, expect, it } from 'vitest';
import {
  applyMergePatch,
  type CertificateOnRecord,
  type CorrectionContext,
  checkPatchFields,
  decideCorrection,
  decideRosterRevert,
  decideVoid,
  pairProducts,
  type RosterRevertContext,
  type VoidContext,
} from '../../functions/core/correction.ts';
import { Conflict, InvalidInput, RuleViolation } from '../../functions/core/errors.ts';
import {
  type Contact,
  decideRegistration,
  type RegisteredSerial,
  type RosterEntry,
  registrationFingerprint,
} from '../../functions/core/registration.ts';
import type { RosterChange } from '../../functions/core/renewal-contacts.ts';
import { CERTIFICATE, contractExample, parsedRequest } from './fixtures.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const PRIMARY = '1234567897';

/** The CONTRACT.md example as registered, with its primary contact and serial. */
function registered(body = contractExample()): CorrectionContext {
  const decision = decideRegistration(
    parsedRequest(body),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: new Date('2026-01-02T09:00:00Z'),
      requestId: 'r1',
      actor: { subject: 'alice', role: 'licensing-ops' as const },
      candidateContactId: PRIMARY,
    },
  );
  if (decision.kind !== 'CREATE') throw new Error('expected a new registration');
  return {
    certificate: decision.certificate,
    primary: decision.contact,
    holder: {
      certificateNumber: CERTIFICATE,
      roster: decision.certificate.roster,
      rosterVersion: decision.certificate.rosterVersion,
    },
    serials: decision.newSerials,
  };
}

const corrected = (patch: Record<string, unknown>, context = registered()) => {
  const decision = decideCorrection(patch, context, { now: NOW });
  if (decision.kind !== 'CORRECTED') throw new Error('expected a correction');
  return decision;
};

const product = (serialNumber: string, supportIdentifier = '1234-5678-1234') => ({
  serialNumber,
  supportIdentifier,
  product: 'Backup Exec',
  productLine: 'Backup Exec',
  version: '12.0',
});

describe('applyMergePatch (RFC 7396)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('the RFC’s example %j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('leaves the target untouched', () => {
    const target = { a: { b: 'c' } };
    applyMergePatch(target, { a: { b: 'd' } });
    expect(target).toEqual({ a: { b: 'c' } });
  });
});

describe('checkPatchFields', () => {
  it('refuses the identifiers of the certificate and the primary contact’s email, naming each', () => {
    try {
      checkPatchFields({ certificateNumber: 'x', salesOrderNumber: 'y', primaryContact: { email: 'a@b.c' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInput);
      expect((error as InvalidInput).errors.map((e) => e.path)).toEqual([
        'certificateNumber',
        'salesOrderNumber',
        'primaryContact.email',
      ]);
    }
  });

  it('refuses an empty patch: a correction names what it corrects', () => {
    expect(() => checkPatchFields({})).toThrow(InvalidInput);
  });

  it('accepts every correctable field', () => {
    expect(() =>
      checkPatchFields({
        company: {},
        term: {},
        tier: 'BASIC',
        products: [],
        primaryContact: { name: 'x', phone: null, language: 'en' },
      }),
    ).not.toThrow();
  });
});

describe('pairProducts', () => {
  it('pairs by serial, then by support identifier (a mistyped serial), then by place for the same product', () => {
    const before = [product('M0000000001', '0000-0000-0001'), product('M0000000002', '0000-0000-0002')];
    const after = [product('M0000000009', '0000-0000-0001'), product('M0000000008', '0000-0000-0008')];
    expect(pairProducts(before, after)).toEqual([
      { before: before[0], after: after[0] },
      { before: before[1], after: after[1] },
    ]);
  });

  it('leaves what has no partner as removed or added', () => {
    const before = [product('M0000000001', '0000-0000-0001')];
    const after = [product('M0000000001', '0000-0000-0001'), product('M0000000002', '0000-0000-0002')];
    expect(pairProducts(before, after)).toEqual([
      { before: before[0], after: after[0] },
      { before: null, after: after[1] },
    ]);
  });
});

describe('decideCorrection', () => {
  it('changes nothing for a patch that repeats what is registered', () => {
    const body = contractExample();
    expect(
      decideCorrection({ tier: body.tier, products: body.products }, registered(), { now: NOW }),
    ).toEqual({
      kind: 'UNCHANGED',
    });
  });

  it('renames a mistyped serial: the old item goes, the new one comes with the term, the contacts follow', () => {
    const d = corrected({ products: [{ ...contractExample().products[0], serialNumber: 'M1234567899' }] });
    expect(d.changes).toEqual([
      { field: 'products[M1234567890].serialNumber', before: 'M1234567890', after: 'M1234567899' },
    ]);
    expect(d.identifiersChanged).toBe(true);
    expect(d.serials).toEqual([
      {
        kind: 'CREATE',
        serial: expect.objectContaining({
          serialNumber: 'M1234567899',
          terms: [expect.objectContaining({ certificateNumber: CERTIFICATE, registeredOn: '2026-01-02' })],
        }),
      },
      { kind: 'DELETE', serialNumber: 'M1234567890', certificateNumber: CERTIFICATE },
    ]);
    expect(d.roster[PRIMARY]?.serialNumbers).toEqual(['M1234567899']);
    expect(d.contactSerials).toEqual([{ contactId: PRIMARY, serialNumbers: ['M1234567899'] }]);
    expect(d.certificate.revision).toBe(1);
  });

  it('makes the corrected body a replay: its fingerprint is the corrected registration’s', () => {
    const body = { ...contractExample(), tier: 'BASIC' };
    const d = corrected({ tier: 'BASIC' });
    expect(d.certificate.fingerprint).toBe(registrationFingerprint(parsedRequest(body)));
  });

  it('moves the term of every serial and the next reminder with a corrected term', () => {
    const d = corrected({ term: { end: '2026-10-31' } });
    expect(d.remindersChanged).toBe(true);
    expect(d.certificate.nextReminder).toEqual({ offset: 90, on: '2026-08-02' });
    expect(d.serials).toEqual([
      expect.objectContaining({
        kind: 'UPDATE',
        termIndex: 0,
        term: expect.objectContaining({ end: '2026-10-31' }),
      }),
    ]);
    expect(d.identifiersChanged).toBe(false);
  });

  it('refuses a malformed result with every field error', () => {
    expect(() =>
      decideCorrection({ tier: 'GOLD', term: { start: 'soon' } }, registered(), { now: NOW }),
    ).toThrow(InvalidInput);
  });

  it('refuses a serial registered on another certificate (409)', () => {
    const context = registered();
    const elsewhere: RegisteredSerial = {
      ...product('M5555555555', '5555-5555-5555'),
      contactsCertificate: '87654321-7654321',
      terms: [
        { start: '2026-01-01', end: '2026-12-31', tier: 'BASIC', certificateNumber: '87654321-7654321' },
      ],
    };
    context.serials.push(elsewhere);
    expect(() =>
      decideCorrection(
        { products: [...contractExample().products, product('M5555555555', '5555-5555-5555')] },
        context,
        { now: NOW },
      ),
    ).toThrow(/registered on certificate 87654321-7654321/);
  });

  it('refuses a tier the roster does not fit (409), and accepts one it fits', () => {
    const context = registered();
    for (const id of ['1111111116', '2222222228'])
      context.holder.roster[id] = {
        role: 'DESIGNATED',
        serialNumbers: ['M1234567890'],
        email: `${id}@x.example`,
      };
    expect(() => decideCorrection({ tier: 'BASIC' }, context, { now: NOW })).toThrow(Conflict);
    expect(corrected({ tier: 'BCS_GLOBAL' }, context).certificate.tier).toBe('BCS_GLOBAL');
  });

  it('removes only this certificate’s term from a serial another certificate covers too', () => {
    const body = contractExample();
    body.products.push(product('M2222222222', '2222-2222-2222'));
    const context = registered(body);
    context.serials[1]!.terms.push({
      start: '2027-01-01',
      end: '2027-12-31',
      tier: 'ESSENTIAL',
      certificateNumber: '12345678-7654321',
    });
    const d = corrected({ products: [body.products[0]] }, context);
    expect(d.serials).toEqual([
      { kind: 'REMOVE_TERM', serialNumber: 'M2222222222', termIndex: 0, certificateNumber: CERTIFICATE },
    ]);
    // Its contacts still answer for it: the other certificate covers it with them.
    expect(d.roster[PRIMARY]?.serialNumbers).toEqual(['M1234567890', 'M2222222222']);
    // Its identifiers belong to the other certificate too.
    expect(() =>
      decideCorrection({ products: [body.products[0], { ...body.products[1], version: '13.0' }] }, context, {
        now: NOW,
      }),
    ).toThrow(/also covered by certificate 12345678-7654321/);
  });

  it('gives the certificate a renewal renewed its reminders back for a serial the renewal drops', () => {
    const body = contractExample();
    body.products.push(product('M2222222222', '2222-2222-2222'));
    const earlier = registered(body);
    const renewalNumber = '12345678-7654321';
    const context = registered({ ...body, certificateNumber: renewalNumber });
    context.certificate = { ...context.certificate, renewalOf: [CERTIFICATE] };
    for (const s of context.serials)
      s.terms.unshift({
        ...s.terms[0]!,
        certificateNumber: CERTIFICATE,
        start: '2025-01-01',
        end: '2025-12-31',
      });
    context.renewedCertificates = [
      {
        certificate: {
          ...earlier.certificate,
          renewedBy: [renewalNumber],
          renewedSerials: ['M1234567890', 'M2222222222'],
          nextReminder: null,
        },
        renewals: [context.certificate],
      },
    ];
    const d = corrected({ products: [body.products[0]] }, context);
    expect(d.serials).toEqual([
      expect.objectContaining({ kind: 'REMOVE_TERM', serialNumber: 'M2222222222' }),
    ]);
    expect(d.renewed).toEqual([
      {
        certificateNumber: CERTIFICATE,
        unrenew: ['M2222222222'],
        rearm: { offset: 90, on: '2026-10-02' },
        renewedByCount: 1,
      },
    ]);
  });

  it('refuses a void certificate (409)', () => {
    const context = registered();
    context.certificate = { ...context.certificate, status: 'VOID' };
    expect(() => decideCorrection({ tier: 'BASIC' }, context, { now: NOW })).toThrow(Conflict);
  });

  it('refuses a correction larger than one transaction (422)', () => {
    const body = contractExample();
    body.products = Array.from({ length: 50 }, (_, i) =>
      product(`M${String(i).padStart(10, '0')}`, `0000-0000-${String(i).padStart(4, '0')}`),
    );
    const renamed = body.products.map((p: Record<string, string>, i: number) => ({
      ...p,
      serialNumber: `M${String(i + 100).padStart(10, '0')}`,
    }));
    expect(() => decideCorrection({ products: renamed }, registered(body), { now: NOW })).toThrow(
      RuleViolation,
    );
  });

  it('updates the primary contact’s details and the roster entry', () => {
    const d = corrected({ primaryContact: { name: 'M. Curie', phone: null } });
    expect(d.primaryDetails).toEqual({ name: 'M. Curie', language: 'fr' });
    expect(d.roster[PRIMARY]?.name).toBe('M. Curie');
    expect(d.changes.map((c) => c.field)).toEqual(['primaryContact.name', 'primaryContact.phone']);
  });
});

describe('decideVoid', () => {
  const cert = (n: string, over: Partial<CertificateOnRecord> = {}): CertificateOnRecord => ({
    ...registered().certificate,
    certificateNumber: n,
    ...over,
  });
  const serial = (certs: string[]): RegisteredSerial => ({
    ...product('M1234567890'),
    contactsCertificate: certs[0]!,
    terms: certs.map((c) => ({
      start: '2026-01-01',
      end: '2026-12-31',
      tier: 'ESSENTIAL',
      certificateNumber: c,
    })),
  });

  it('is nothing for a void certificate', () => {
    const context: VoidContext = {
      certificate: cert(CERTIFICATE, { status: 'VOID' }),
      serials: [],
      renewals: [],
      renewedCertificates: [],
    };
    expect(decideVoid(context, { now: NOW })).toEqual({ kind: 'ALREADY_VOID' });
  });

  it('refuses while a live renewal renewed it (409), not once the renewal is void', () => {
    const renewal = cert('12345678-7654321');
    const context: VoidContext = {
      certificate: cert(CERTIFICATE, { renewedBy: ['12345678-7654321'] }),
      serials: [serial([CERTIFICATE, '12345678-7654321'])],
      renewals: [renewal],
      renewedCertificates: [],
    };
    expect(() => decideVoid(context, { now: NOW })).toThrow(/void the renewal first/);
    context.renewals = [{ ...renewal, status: 'VOID' }];
    expect(decideVoid(context, { now: NOW })).toMatchObject({
      serials: [{ kind: 'REMOVE_TERM', serialNumber: 'M1234567890', termIndex: 0 }],
    });
  });

  it('frees a serial it alone covered, and re-arms the reminders of the certificate a renewal renewed', () => {
    const renewal = cert('12345678-7654321', { renewalOf: [CERTIFICATE] });
    const earlier = cert(CERTIFICATE, {
      renewedBy: ['12345678-7654321'],
      renewedSerials: ['M1234567890'],
      nextReminder: null,
    });
    const decision = decideVoid(
      {
        certificate: renewal,
        serials: [
          serial([CERTIFICATE, '12345678-7654321']),
          { ...serial(['12345678-7654321']), serialNumber: 'M9' },
        ],
        renewals: [],
        renewedCertificates: [{ certificate: earlier, renewals: [renewal] }],
      },
      { now: NOW },
    );
    expect(decision).toEqual({
      kind: 'VOIDED',
      serials: [
        {
          kind: 'REMOVE_TERM',
          serialNumber: 'M1234567890',
          termIndex: 1,
          certificateNumber: '12345678-7654321',
        },
        { kind: 'DELETE', serialNumber: 'M9', certificateNumber: '12345678-7654321' },
      ],
      renewed: [
        {
          certificateNumber: CERTIFICATE,
          unrenew: ['M1234567890'],
          rearm: { offset: 90, on: '2026-10-02' },
          renewedByCount: 1,
        },
      ],
    });
  });

  it('keeps the earlier certificate quiet while another live renewal still covers its serials', () => {
    const renewal = cert('12345678-7654321', { renewalOf: [CERTIFICATE] });
    const other = cert('12345678-1111111');
    const earlier = cert(CERTIFICATE, {
      renewedBy: ['12345678-1111111', '12345678-7654321'],
      nextReminder: null,
    });
    const decision = decideVoid(
      {
        certificate: renewal,
        serials: [],
        renewals: [],
        renewedCertificates: [{ certificate: earlier, renewals: [renewal, other] }],
      },
      { now: NOW },
    );
    expect(decision).toMatchObject({ renewed: [{ unrenew: [], rearm: null }] });
  });
});

describe('decideRosterRevert: voiding a renewal puts its roster change back', () => {
  const RENEWAL = '12345678-7654321';
  const [MARIE, IRENE, DAN, EVE] = ['1111111116', '2222222224', '3333333332', '4444444440'];
  const SERIAL = 'M1234567890';
  const entry = (role: RosterEntry['role'], email: string, serialNumbers = [SERIAL]): RosterEntry => ({
    role,
    serialNumbers,
    email,
    to: email,
    name: email,
    language: 'en',
  });
  const contact = (contactId: string, over: Partial<Contact> = {}): Contact => ({
    contactId,
    certificateNumber: CERTIFICATE,
    role: 'PRIMARY',
    status: 'ACTIVE',
    name: 'Marie Curie',
    email: 'Marie@acme.example',
    language: 'fr',
    serialNumbers: [SERIAL],
    issuedAt: '2026-01-02T09:00:00Z',
    ...over,
  });
  const context = (
    roster: Record<string, RosterEntry>,
    contacts: Contact[] = [],
    tier: 'BASIC' | 'ESSENTIAL' = 'ESSENTIAL',
  ): RosterRevertContext => ({
    holder: {
      certificateNumber: CERTIFICATE,
      roster,
      rosterVersion: 4,
      formerContactIds: [],
      tier,
      products: [product(SERIAL)],
    },
    contacts,
  });
  const newPrimary = (became: 'DESIGNATED' | 'REPLACED'): RosterChange => ({
    contactId: IRENE,
    created: true,
    serialNumbers: [SERIAL],
    formerPrimary: { contactId: MARIE, became },
  });

  it('withdraws the contact the renewal issued and makes the former primary primary again', () => {
    const revert = decideRosterRevert(
      RENEWAL,
      newPrimary('DESIGNATED'),
      context({
        [IRENE]: entry('PRIMARY', 'irene@acme.example'),
        [MARIE]: entry('DESIGNATED', 'marie@acme.example'),
      }),
    );
    expect(revert).toEqual({
      kind: 'REVERTED',
      version: 4,
      roster: { [MARIE]: entry('PRIMARY', 'marie@acme.example') },
      primaryContactId: MARIE,
      formerContactIds: [IRENE],
      contacts: [
        { kind: 'WITHDRAW', contactId: IRENE, replacedBy: MARIE },
        {
          kind: 'RESEAT',
          contactId: MARIE,
          role: 'PRIMARY',
          serialNumbers: [SERIAL],
          roleRead: 'DESIGNATED',
        },
      ],
    });
  });

  it('reinstates a former primary the renewal replaced, back on the roster with its serials', () => {
    const marie = contact(MARIE, {
      status: 'REPLACED',
      replacedBy: IRENE,
      replacedAt: '2026-05-01T00:00:00Z',
    });
    const ctx = context(
      { [IRENE]: entry('PRIMARY', 'irene@acme.example'), [DAN]: entry('DESIGNATED', 'dan@acme.example') },
      [marie],
      'BASIC',
    );
    ctx.holder.formerContactIds = [MARIE];
    const revert = decideRosterRevert(RENEWAL, newPrimary('REPLACED'), ctx);
    expect(revert).toMatchObject({
      kind: 'REVERTED',
      primaryContactId: MARIE,
      formerContactIds: [IRENE],
      contacts: [
        { kind: 'WITHDRAW', contactId: IRENE, replacedBy: MARIE },
        { kind: 'REINSTATE', contactId: MARIE, serialNumbers: [SERIAL], replacedBy: IRENE },
      ],
    });
    if (revert.kind !== 'REVERTED') throw new Error('expected a revert');
    expect(revert.roster).toEqual({
      [DAN]: entry('DESIGNATED', 'dan@acme.example'),
      [MARIE]: {
        ...entry('PRIMARY', 'marie@acme.example'),
        to: 'Marie@acme.example',
        name: 'Marie Curie',
        language: 'fr',
      },
    });
  });

  it('puts a promoted designated contact back, with only the serials it had', () => {
    const change: RosterChange = {
      contactId: DAN,
      created: false,
      before: { role: 'DESIGNATED', serialNumbers: [SERIAL] },
      serialNumbers: [SERIAL, 'M9999999999'],
      formerPrimary: { contactId: MARIE, became: 'DESIGNATED' },
    };
    const revert = decideRosterRevert(
      RENEWAL,
      change,
      context({
        [DAN]: entry('PRIMARY', 'dan@acme.example', [SERIAL, 'M9999999999']),
        [MARIE]: entry('DESIGNATED', 'marie@acme.example'),
      }),
    );
    expect(revert).toMatchObject({
      kind: 'REVERTED',
      primaryContactId: MARIE,
      formerContactIds: [],
      roster: {
        [DAN]: entry('DESIGNATED', 'dan@acme.example'),
        [MARIE]: entry('PRIMARY', 'marie@acme.example'),
      },
    });
  });

  it.each([
    [
      'the named contact was replaced since',
      { [EVE]: entry('PRIMARY', 'eve@acme.example'), [MARIE]: entry('DESIGNATED', 'marie@acme.example') },
      IRENE,
    ],
    [
      'a later change made the named contact designated',
      { [EVE]: entry('PRIMARY', 'eve@acme.example'), [IRENE]: entry('DESIGNATED', 'irene@acme.example') },
      IRENE,
    ],
    [
      'the former primary left the roster since',
      { [IRENE]: entry('PRIMARY', 'irene@acme.example'), [EVE]: entry('DESIGNATED', 'eve@acme.example') },
      MARIE,
    ],
  ])('keeps the roster, saying why, when %s', (_, roster, named) => {
    const revert = decideRosterRevert(RENEWAL, newPrimary('DESIGNATED'), context(roster));
    expect(revert).toEqual({ kind: 'KEPT', version: 4, reason: expect.stringContaining(named) });
  });

  it('keeps the roster when the replaced former primary changed since, or the tier has no room left for it', () => {
    const roster = { [IRENE]: entry('PRIMARY', 'irene@acme.example') };
    const reactivatedElsewhere = contact(MARIE, { status: 'REPLACED', replacedBy: EVE });
    expect(
      decideRosterRevert(RENEWAL, newPrimary('REPLACED'), context(roster, [reactivatedElsewhere])),
    ).toMatchObject({ kind: 'KEPT', reason: expect.stringContaining('changed since') });

    // Basic, two serials: the renewal covered the first only; someone took the second's freed seat.
    const second = 'M1234567891';
    const ctx = context(
      {
        [IRENE]: entry('PRIMARY', 'irene@acme.example'),
        [DAN]: entry('DESIGNATED', 'dan@acme.example', [SERIAL, second]),
        [EVE]: entry('DESIGNATED', 'eve@acme.example', [second]),
      },
      [contact(MARIE, { status: 'REPLACED', replacedBy: IRENE, serialNumbers: [SERIAL, second] })],
      'BASIC',
    );
    ctx.holder.products = [product(SERIAL), product(second, '1234-5678-1235')];
    expect(decideRosterRevert(RENEWAL, newPrimary('REPLACED'), ctx)).toMatchObject({
      kind: 'KEPT',
      reason: expect.stringContaining('no room'),
    });
  });

  it('is part of the void of a renewal that recorded a roster change', () => {
    const renewal: CertificateOnRecord = {
      ...registered().certificate,
      certificateNumber: RENEWAL,
      contactsCertificate: CERTIFICATE,
      rosterChange: newPrimary('DESIGNATED'),
    };
    const decision = decideVoid(
      {
        certificate: renewal,
        serials: [],
        renewals: [],
        renewedCertificates: [],
        roster: context({
          [IRENE]: entry('PRIMARY', 'irene@acme.example'),
          [MARIE]: entry('DESIGNATED', 'marie@acme.example'),
        }),
      },
      { now: NOW },
    );
    expect(decision).toMatchObject({ kind: 'VOIDED', roster: { kind: 'REVERTED', primaryContactId: MARIE } });
  });
});
