/** The contacts core and entitlement verification: pure rules, table-driven. */
import { describe, expect, it } from 'vitest';
import {
  type ContactsContext,
  contactIdResentNotice,
  decideAddContact,
  decideReplaceContact,
  resendRecipient,
} from '../../functions/core/contacts.ts';
import type { CoverageTerm } from '../../functions/core/coverage.ts';
import { verifyEntitlement } from '../../functions/core/entitlements.ts';
import type { Tier } from '../../functions/core/identifiers.ts';
import {
  type Contact,
  decideRegistration,
  type RegisteredSerial,
  type Roster,
} from '../../functions/core/registration.ts';
import { contractExample, parsedRequest } from './fixtures.ts';

const NOW = new Date('2026-11-25T10:00:00Z');
const PRIMARY = '1234567897';

function context(
  tier: Tier,
  products: Array<{ serial: string; line?: string }>,
  roster?: Roster,
): ContactsContext {
  const body = contractExample();
  body.tier = tier;
  body.products = products.map((p, i) => ({
    serialNumber: p.serial,
    supportIdentifier: `1234-5678-000${i}`,
    product: `Product ${i}`,
    version: '12.0',
    ...(p.line ? { productLine: p.line } : {}),
  }));
  const decision = decideRegistration(
    parsedRequest(body),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: NOW,
      requestId: 'r',
      actor: { subject: 'alice', role: 'licensing-ops' as const },
      candidateContactId: PRIMARY,
    },
  );
  if (decision.kind !== 'CREATE') throw new Error('expected a creation');
  return {
    certificate: decision.certificate,
    roster: {
      certificateNumber: body.certificateNumber,
      entries: roster ?? decision.certificate.roster,
      version: 1,
    },
    serials: decision.newSerials,
  };
}

let n = 0;
function addRequest(ctx: ContactsContext, serials: string[], email = `p${++n}@x.example`) {
  return {
    salesOrderNumber: ctx.certificate.salesOrderNumber,
    products: serials.map((s) => ({
      serialNumber: s,
      supportIdentifier: ctx.certificate.products.find((p) => p.serialNumber === s)!.supportIdentifier,
    })),
    contact: { name: 'P', email, phone: '+1 555 0100', address: 'A', company: 'C', language: 'en' as const },
  };
}

/** Adds contacts for `serials` until refused; the number of contacts then on the roster. */
function fill(ctx: ContactsContext, serials: string[], max = 20): number {
  let roster = ctx.roster.entries;
  for (let i = 0; i < max; i++) {
    try {
      const change = decideAddContact(
        addRequest(ctx, serials),
        { ...ctx, roster: { ...ctx.roster, entries: roster } },
        {
          now: NOW,
          candidateContactId: String(1000000000 + i),
        },
      );
      if (change.kind !== 'ADDED') throw new Error('expected ADDED');
      roster = change.roster;
    } catch (error) {
      expect((error as Error).name).toBe('Conflict');
      return Object.keys(roster).length;
    }
  }
  return Object.keys(roster).length;
}

describe('tier limits, the primary technical contact included', () => {
  it.each<[Tier, number]>([
    ['BASIC', 2],
    ['ESSENTIAL', 6],
    ['BCS_REMOTE', 6],
    ['BCS_DATACENTER', 21],
    ['BCS_NATIONAL', 21],
    ['BCS_GLOBAL', 21],
  ])('%s allows %i contacts on one product (21 = unlimited within the test)', (tier, limit) => {
    expect(fill(context(tier, [{ serial: 'M0000000001' }]), ['M0000000001'])).toBe(limit);
  });

  it('counts BASIC and ESSENTIAL per product, BCS_REMOTE per product line', () => {
    const products = [
      { serial: 'M0000000001', line: 'Line A' },
      { serial: 'M0000000002', line: 'Line A' },
      { serial: 'M0000000003', line: 'Line B' },
    ];
    // BCS_REMOTE: the primary holds a seat in both lines; serial 2 shares line A's six seats with serial 1.
    const remote = context('BCS_REMOTE', products);
    const afterLineA = fill(remote, ['M0000000001']);
    expect(afterLineA).toBe(6);
    // BASIC: each product has its own two seats.
    expect(fill(context('BASIC', products), ['M0000000002'])).toBe(2);
  });
});

describe('adding and replacing', () => {
  it('recognises a retried add of the same person (email case-insensitive) and returns their Contact ID', () => {
    const ctx = context('ESSENTIAL', [{ serial: 'M0000000001' }]);
    const request = addRequest(ctx, ['M0000000001'], 'Same@X.example');
    const first = decideAddContact(request, ctx, { now: NOW, candidateContactId: '1111111116' });
    if (first.kind !== 'ADDED') throw new Error('expected ADDED');
    const again = decideAddContact(
      { ...request, contact: { ...request.contact, email: 'same@x.example' } },
      { ...ctx, roster: { ...ctx.roster, entries: first.roster } },
      { now: NOW, candidateContactId: '2222222224' },
    );
    expect(again).toEqual({ kind: 'ALREADY_ADDED', contactId: '1111111116' });
  });

  it.each([
    ['a wrong sales order number', { salesOrderNumber: '00000000' }, 'salesOrderNumber'],
    [
      'a wrong support identifier',
      { products: [{ serialNumber: 'M0000000001', supportIdentifier: '9999-9999-9999' }] },
      'products.0.supportIdentifier',
    ],
    [
      'a serial not on the certificate',
      { products: [{ serialNumber: 'M0000000009', supportIdentifier: '1234-5678-0000' }] },
      'products.0.serialNumber',
    ],
  ])('refuses %s as a rule violation naming the field', (_, change, path) => {
    const ctx = context('ESSENTIAL', [{ serial: 'M0000000001' }]);
    const request = { ...addRequest(ctx, ['M0000000001']), ...change };
    try {
      decideAddContact(request, ctx, { now: NOW, candidateContactId: '1111111116' });
      expect.unreachable();
    } catch (error) {
      expect((error as { status: number }).status).toBe(422);
      expect((error as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([path]);
    }
  });

  it('a replacement takes over the seat: same role and serials, old Contact ID marked REPLACED', () => {
    const ctx = context('BASIC', [{ serial: 'M0000000001' }]);
    const primary: Contact = {
      contactId: PRIMARY,
      certificateNumber: ctx.certificate.certificateNumber,
      role: 'PRIMARY',
      status: 'ACTIVE',
      name: 'Old',
      email: 'marie@acme.example',
      language: 'fr',
      serialNumbers: ['M0000000001'],
      issuedAt: NOW.toISOString(),
    };
    const change = decideReplaceContact(
      { products: [{ serialNumber: 'M0000000001' }], contact: addRequest(ctx, []).contact },
      ctx,
      primary,
      { now: NOW, candidateContactId: '3333333332' },
    );
    if (change.kind !== 'REPLACED') throw new Error('expected REPLACED');
    expect(change.replaced).toMatchObject({ status: 'REPLACED', replacedBy: '3333333332' });
    expect(Object.keys(change.roster)).toEqual(['3333333332']);
    expect(change.roster['3333333332']).toMatchObject({ role: 'PRIMARY', serialNumbers: ['M0000000001'] });
  });
});

describe('resending a Contact ID', () => {
  const products = [{ serial: 'M0000000001' }, { serial: 'M0000000002' }];
  const DESIGNATED = '1111111116';
  /** A certificate of two products, and a designated contact on the second. */
  function withDesignated() {
    const ctx = context('ESSENTIAL', products);
    const change = decideAddContact(addRequest(ctx, ['M0000000002']), ctx, {
      now: NOW,
      candidateContactId: DESIGNATED,
    });
    if (change.kind !== 'ADDED') throw new Error('expected ADDED');
    return { ctx: { ...ctx, roster: { ...ctx.roster, entries: change.roster } }, contact: change.contact };
  }
  const proofs = (ctx: ContactsContext, serials: string[], contactId?: string) => {
    const { contact: _, ...request } = addRequest(ctx, serials);
    return { ...request, ...(contactId ? { contactId } : {}) };
  };

  it('goes to the primary contact unless a Contact ID is named', () => {
    const { ctx } = withDesignated();
    expect(resendRecipient(ctx, proofs(ctx, ['M0000000002']))).toBe(PRIMARY);
  });

  it('goes to the designated contact named, when it holds the serials proved', () => {
    const { ctx } = withDesignated();
    expect(resendRecipient(ctx, proofs(ctx, ['M0000000002'], DESIGNATED))).toBe(DESIGNATED);
    expect(resendRecipient(ctx, proofs(ctx, ['M0000000001'], PRIMARY))).toBe(PRIMARY);
  });

  it('is a 404 for a Contact ID not active on the roster, a 422 for serials the contact does not hold', () => {
    const { ctx } = withDesignated();
    expect(() => resendRecipient(ctx, proofs(ctx, ['M0000000002'], '2222222224'))).toThrow(
      expect.objectContaining({ status: 404 }),
    );
    expect(() => resendRecipient(ctx, proofs(ctx, ['M0000000001'], DESIGNATED))).toThrow(
      expect.objectContaining({
        status: 422,
        errors: [expect.objectContaining({ path: 'products.0.serialNumber' })],
      }),
    );
  });

  it('resends the same Contact ID in the designated wording, with its products only, once per window', () => {
    const { ctx, contact } = withDesignated();
    const notice = contactIdResentNotice(contact, ctx.certificate, NOW.toISOString());
    expect(notice).toMatchObject({
      template: 'DesignatedContactIdIssued',
      data: { contactId: DESIGNATED, products: [expect.objectContaining({ serialNumber: 'M0000000002' })] },
    });
    expect(notice.data.products).toHaveLength(1);
    const later = new Date(NOW.getTime() + 60_000).toISOString();
    expect(contactIdResentNotice(contact, ctx.certificate, later).id).toBe(notice.id);
  });
});

describe('entitlement verification', () => {
  const contact: Contact = {
    contactId: PRIMARY,
    certificateNumber: '12345678-1234567',
    role: 'DESIGNATED',
    status: 'ACTIVE',
    name: 'P',
    email: 'p@x.example',
    language: 'en',
    serialNumbers: ['M0000000001', 'M0000000002'],
    issuedAt: NOW.toISOString(),
  };
  const serial = (serialNumber: string, terms: CoverageTerm[]): RegisteredSerial => ({
    serialNumber,
    supportIdentifier: '1234-5678-0000',
    product: 'Backup Exec',
    productLine: 'Backup Exec',
    version: '12.0',
    contactsCertificate: '12345678-1234567',
    terms,
  });
  const term = (start: string, end: string, tier: Tier = 'ESSENTIAL', cert = '12345678-1234567') => ({
    start,
    end,
    tier,
    certificateNumber: cert,
  });

  it.each<[string, RegisteredSerial[], boolean, Tier | null, string]>([
    [
      'covered today',
      [serial('M0000000001', [term('2026-01-01', '2026-12-31')])],
      true,
      'ESSENTIAL',
      'Entitled',
    ],
    [
      'covered through the last day',
      [serial('M0000000001', [term('2026-01-01', '2026-11-25')])],
      true,
      'ESSENTIAL',
      'Entitled',
    ],
    [
      'lapsed yesterday',
      [serial('M0000000001', [term('2025-11-25', '2026-11-24')])],
      false,
      null,
      'lapsed after 2026-11-24',
    ],
    [
      'not started yet',
      [serial('M0000000001', [term('2027-01-01', '2027-12-31')])],
      false,
      null,
      'starts on 2027-01-01',
    ],
    [
      'in a gap between terms',
      [serial('M0000000001', [term('2025-01-01', '2025-12-31'), term('2027-01-01', '2027-12-31')])],
      false,
      null,
      'Not entitled',
    ],
    [
      'two products at different tiers: the best answers',
      [
        serial('M0000000001', [term('2026-01-01', '2026-12-31', 'BASIC')]),
        serial('M0000000002', [term('2026-06-01', '2027-05-31', 'BCS_GLOBAL', '87654321-7654321')]),
      ],
      true,
      'BCS_GLOBAL',
      '87654321-7654321',
    ],
  ])('%s', (_, serials, entitled, tier, reason) => {
    const answer = verifyEntitlement(contact, serials, '2026-11-25');
    expect(answer.entitled).toBe(entitled);
    expect(answer.tier).toBe(tier);
    expect(answer.reasons.join(' ')).toContain(reason);
    expect(answer.responseTargets === null).toBe(!entitled);
  });

  it('gives no support for a version past end of support, whatever the tier, and says why', () => {
    const answer = verifyEntitlement(
      contact,
      [serial('M0000000001', [term('2026-01-01', '2026-12-31', 'BCS_GLOBAL')])],
      '2026-11-25',
      () => ({ supportPhase: 'NONE', reason: 'Backup Exec 12: end of support life since 2026-06-30.' }),
    );
    expect(answer.entitled).toBe(false);
    expect(answer.products[0]).toMatchObject({ supportPhase: 'NONE', supported: false });
    expect(answer.reasons.join(' ')).toContain('end of support life since 2026-06-30');
  });
});
