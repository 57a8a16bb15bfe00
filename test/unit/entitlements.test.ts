import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageTerm } from '../../functions/core/coverage.ts';
import { decideEntitlement, type PhaseOf, verifyEntitlement } from '../../functions/core/entitlements.ts';
import type { Tier } from '../../functions/core/identifiers.ts';
import {
  type MajorLifecycle,
  PARTIAL_SUPPORT_SCOPE,
  type SupportPhase,
  supportPhaseOn,
} from '../../functions/core/lifecycle.ts';
import { loadPublicHolidays, type PublicHolidays } from '../../functions/core/phone-hours.ts';
import type { RegisteredSerial } from '../../functions/core/registration.ts';
import { OFFERINGS } from '../../functions/core/tiers.ts';

const TODAY = '2026-11-25';
const CERT = '12345678-1234567';
const contact = {
  contactId: '1234567897',
  role: 'PRIMARY' as const,
  serialNumbers: ['M0000000001', 'M0000000002'],
};
const term = (
  tier: Tier = 'ESSENTIAL',
  start = '2026-01-01',
  end = '2026-12-31',
  cert = CERT,
): CoverageTerm => ({
  start,
  end,
  tier,
  certificateNumber: cert,
});
const serial = (serialNumber: string, version: string, terms: CoverageTerm[]): RegisteredSerial => ({
  serialNumber,
  supportIdentifier: '1234-5678-1234',
  product: 'Backup Exec',
  productLine: 'Backup Exec',
  version,
  contactsCertificate: CERT,
  terms,
});
/** A lifecycle per major, by the phase wanted today. */
const lifecycle = (major: number, eolDate: string, partialSupportDate: string, endOfSupportDate: string) =>
  ({
    product: 'Backup Exec',
    major,
    eolDate,
    partialSupportDate,
    endOfSupportDate,
    phase: 'GA',
    revision: 1,
    legacy: eolDate < '2006-11-06',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }) satisfies MajorLifecycle;
const LIFECYCLES: Record<string, MajorLifecycle> = {
  '9': lifecycle(9, '2004-01-01', '2005-01-01', '2006-01-01'), // legacy: per contract
  '10': lifecycle(10, '2025-01-01', '2026-01-01', '2027-06-30'), // partial support today
  '11': lifecycle(11, '2024-01-01', '2025-01-01', '2026-06-30'), // end of support today
};
const phaseOf: PhaseOf = (product, version) =>
  supportPhaseOn(LIFECYCLES[version.split('.')[0]!] ?? null, product, version, TODAY);

const answerFor = (versions: Array<[string, Tier]>) =>
  verifyEntitlement(
    { ...contact, serialNumbers: versions.map((_, i) => `M000000000${i + 1}`) },
    versions.map(([version, tier], i) => serial(`M000000000${i + 1}`, version, [term(tier)])),
    TODAY,
    phaseOf,
  );

describe('support phases in the answer', () => {
  it('a version that entered end of life before 2006-11-06: PER_CONTRACT, supported, explained', () => {
    const answer = answerFor([['9.0', 'BASIC']]);
    expect(answer.entitled).toBe(true);
    expect(answer.products[0]).toMatchObject({
      supportPhase: 'PER_CONTRACT' satisfies SupportPhase,
      supported: true,
      responseTargets: OFFERINGS.BASIC.responseTargets,
      partialSupportScope: null,
    });
    expect(answer.reasons.join(' ')).toContain('the terms of your support contract continue to apply');
  });

  it('a version in partial support carries its scope next to its response targets', () => {
    const answer = answerFor([['10.5', 'ESSENTIAL']]);
    expect(answer.entitled).toBe(true);
    expect(answer.products[0]).toMatchObject({
      supportPhase: 'PARTIAL',
      supported: true,
      responseTargets: OFFERINGS.ESSENTIAL.responseTargets,
      partialSupportScope: {
        includes: [
          'known fixes',
          'patches',
          'workarounds',
          'existing maintenance packs',
          'knowledge-base answers',
        ],
        excludes: ['new code', 'reproduction', 'escalation'],
        timeMayBeLimited: true,
      },
    });
    expect(answer.reasons.join(' ')).toContain(
      `in partial support, its response targets apply to ${PARTIAL_SUPPORT_SCOPE.summary}`,
    );
  });

  it('a version at end of support has no response targets, whatever the tier', () => {
    const answer = answerFor([['11.0', 'BCS_GLOBAL']]);
    expect(answer.entitled).toBe(false);
    expect(answer.responseTargets).toBeNull();
    expect(answer.phoneSupport).toBeNull();
    expect(answer.products[0]).toMatchObject({
      supportPhase: 'NONE',
      supported: false,
      responseTargets: null,
      partialSupportScope: null,
    });
    expect(answer.reasons.join(' ')).toMatch(
      /no response targets, because its version has reached end of support/,
    );
  });

  it('a product at end of support lends its tier to nobody: the supported product’s offering answers', () => {
    const answer = answerFor([
      ['11.0', 'BCS_GLOBAL'],
      ['12.0', 'BASIC'],
    ]);
    expect(answer).toMatchObject({ entitled: true, tier: 'BASIC', hours: 'BUSINESS_HOURS' });
    expect(answer.responseTargets).toEqual(OFFERINGS.BASIC.responseTargets);
    expect(answer.products.map((p) => p.responseTargets)).toEqual([null, OFFERINGS.BASIC.responseTargets]);
  });

  it('each product carries the targets of its own offering; the best one answers at the top', () => {
    const answer = answerFor([
      ['12.0', 'BASIC'],
      ['12.0', 'BCS_REMOTE'],
    ]);
    expect(answer.tier).toBe('BCS_REMOTE');
    expect(answer.responseTargets).toEqual(OFFERINGS.BCS_REMOTE.responseTargets);
    expect(answer.products.map((p) => p.responseTargets)).toEqual([
      OFFERINGS.BASIC.responseTargets,
      OFFERINGS.BCS_REMOTE.responseTargets,
    ]);
  });

  it('a lapsed product has no response targets', () => {
    const answer = verifyEntitlement(
      contact,
      [serial('M0000000001', '12.0', [term('ESSENTIAL', '2025-01-01', '2025-12-31')])],
      TODAY,
      phaseOf,
    );
    expect(answer.products[0]!.responseTargets).toBeNull();
    expect(answer.reasons.join(' ')).toContain('Phone support: none');
  });
});

describe('response targets match the DOMAIN.md table exactly', () => {
  it('Basic', () => {
    expect(OFFERINGS.BASIC.responseTargets).toEqual({
      severity1: {
        initialResponse: '1 hour (business hours)',
        restoreService: '18 business hours',
        solution: '10 business days',
      },
      severity2: { initialResponse: '4 business hours', solution: '10 business days' },
      severity3: { initialResponse: 'next business day', solution: '25 business days or next update' },
      severity4: { initialResponse: '2 business days', solution: 'next product update' },
    });
  });

  it('Essential: solution targets in business days (the table’s Decision)', () => {
    expect(OFFERINGS.ESSENTIAL.responseTargets).toEqual({
      severity1: { initialResponse: '30 minutes', restoreService: '8 hours', solution: '8 business days' },
      severity2: { initialResponse: '2 hours', solution: '10 business days' },
      severity3: {
        initialResponse: 'within 24 hours, business days',
        solution: '20 business days or next update',
      },
      severity4: { initialResponse: 'next business day', solution: 'next product update' },
    });
  });

  it('BCS: 15 minutes for severity 1, nothing stated beyond', () => {
    for (const tier of ['BCS_REMOTE', 'BCS_DATACENTER', 'BCS_NATIONAL', 'BCS_GLOBAL'] as const)
      expect(OFFERINGS[tier].responseTargets).toEqual({
        severity1: { initialResponse: '15 minutes', restoreService: null, solution: null },
        severity2: { initialResponse: null, solution: null },
        severity3: { initialResponse: null, solution: null },
        severity4: { initialResponse: null, solution: null },
      });
  });
});

describe('phone support in the answer', () => {
  let holidays: PublicHolidays;
  beforeAll(async () => {
    holidays = await loadPublicHolidays();
  });
  const basic = [serial('M0000000001', '12.0', [term('BASIC')])];

  it('Basic at a site in Paris on 25 December: closed, opens the next business day at 08:00 local', () => {
    const answer = verifyEntitlement(contact, basic, '2026-12-25', phaseOf, {
      now: new Date('2026-12-25T09:00:00Z'),
      site: { timeZone: 'Europe/Paris', country: 'FR' },
      holidays,
    });
    expect(answer.phoneSupport).toMatchObject({
      hours: 'BUSINESS_HOURS',
      openNow: false,
      nextOpensAt: '2026-12-28T07:00:00.000Z',
      timeZone: 'Europe/Paris',
      country: 'FR',
      timeZoneAssumed: false,
    });
    expect(answer.reasons.at(-1)).toMatch(/^Phone support: closed now/);
  });

  it('without a site: UTC assumed, in the answer and in its reasons', () => {
    const answer = verifyEntitlement(contact, basic, TODAY, phaseOf, {
      now: new Date('2026-11-25T10:00:00Z'),
    });
    expect(answer.phoneSupport).toMatchObject({
      openNow: true,
      timeZone: 'UTC',
      timeZoneAssumed: true,
      country: null,
    });
    expect(answer.reasons.join(' ')).toContain('UTC is assumed');
  });

  it('Essential: open 24×7, never waiting to open', () => {
    const answer = verifyEntitlement(
      contact,
      [serial('M0000000001', '12.0', [term('ESSENTIAL')])],
      '2026-12-26',
      phaseOf,
      {
        now: new Date('2026-12-26T03:00:00Z'),
        site: { timeZone: 'Europe/Paris', country: 'FR' },
        holidays,
      },
    );
    expect(answer.phoneSupport).toMatchObject({ hours: '24x7', openNow: true, nextOpensAt: null });
  });
});

describe('a caller who gives a support identifier', () => {
  it('gets the same answer for that product, without contact fields, and reasons naming the identifier', () => {
    const serials = [serial('M0000000001', '12.0', [term('ESSENTIAL')])];
    const byContact = verifyEntitlement(
      { ...contact, serialNumbers: ['M0000000001'] },
      serials,
      TODAY,
      phaseOf,
    );
    const bySupportId = decideEntitlement(
      { by: 'SUPPORT_IDENTIFIER', supportIdentifier: '1234-5678-1234' },
      ['M0000000001'],
      serials,
      TODAY,
      phaseOf,
    );
    const { contactId: _, role: __, reasons: contactReasons, ...sameAnswer } = byContact;
    const { reasons, ...answer } = bySupportId;
    expect(answer).toEqual(sameAnswer);
    expect(bySupportId).not.toHaveProperty('contactId');
    expect(bySupportId).not.toHaveProperty('role');
    expect(reasons[0]).toMatch(/^Entitled: support identifier 1234-5678-1234 names 1 covered product/);
    expect(reasons.slice(1)).toEqual(contactReasons.slice(1));
  });
});
