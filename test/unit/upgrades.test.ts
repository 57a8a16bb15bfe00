import { describe, expect, it } from 'vitest';
import type { CoverageTerm } from '../../functions/core/coverage.ts';
import { Conflict } from '../../functions/core/errors.ts';
import {
  decideRelease,
  decideUpgrade,
  gaRunExecutionName,
  gaScheduleName,
  majorGaDates,
  type Release,
  ReleaseRequest,
  upgradeNotice,
  upgradeNoticeId,
} from '../../functions/core/upgrades.ts';

const GA = '2027-06-15';
const release = { product: 'Backup Exec', version: '12.5', gaDate: GA };
const term = (start: string, end: string, registeredOn = start, certificateNumber = '12345678-1234567') =>
  ({ start, end, tier: 'ESSENTIAL', certificateNumber, registeredOn }) as CoverageTerm;
const serial = (terms: CoverageTerm[], version = '12.0') => ({
  serialNumber: 'M1234567890',
  product: 'Backup Exec',
  version,
  terms,
});
const AT = '2027-06-15T00:00:05.000Z';

describe('decideUpgrade', () => {
  it.each([
    ['current on GA, begun the year before', [term('2026-07-01', '2027-06-30')], true, 'CURRENT_ON_GA'],
    ['begun the day before GA', [term('2027-06-14', '2028-06-13')], true, 'CURRENT_ON_GA'],
    ['ending on the GA day (inclusive)', [term('2026-06-16', GA)], true, 'CURRENT_ON_GA'],
    ['starting on the GA day: not before it', [term(GA, '2028-06-14')], false, 'STARTED_ON_OR_AFTER_GA'],
    ['starting after GA', [term('2027-07-01', '2028-06-30')], false, 'STARTED_ON_OR_AFTER_GA'],
    ['ended the day before GA', [term('2026-06-14', '2027-06-14')], false, 'LAPSED_BEFORE_GA'],
    [
      'GA in a gap between two terms',
      [term('2026-01-01', '2027-05-31'), term('2027-07-01', '2028-06-30', '2027-06-25')],
      false,
      'GAP_OVER_GA',
    ],
    [
      'renewed in time, contiguous',
      [term('2026-06-01', '2027-05-31'), term('2027-06-01', '2028-05-31', '2027-05-20')],
      true,
      'CURRENT_ON_GA',
    ],
    [
      'renewal back-dated over GA, registered after it',
      [term('2026-06-01', '2027-05-31'), term('2027-06-01', '2028-05-31', '2027-07-10')],
      false,
      'REGISTERED_AFTER_GA',
    ],
    [
      'a first purchase registered after GA, begun before',
      [term('2027-06-01', '2028-05-31', '2027-07-10')],
      true,
      'CURRENT_ON_GA',
    ],
    ['no term at all', [], false, 'NO_COVERAGE'],
  ])('%s → entitled %s (%s)', (_label, terms, entitled, rule) => {
    const d = decideUpgrade(serial(terms), release, AT);
    expect(d.entitled).toBe(entitled);
    expect(d.rule).toBe(rule);
    expect(d.termsConsidered).toEqual(terms);
    expect(d.reasons.length).toBeGreaterThan(0);
    expect(d.reasons[0]).toContain('M1234567890');
    if (entitled) {
      expect(d.qualifyingTerm).toBeDefined();
      expect(d.reasons[0]).toContain(GA);
      expect(d.reasons[0]).toContain(d.qualifyingTerm!.certificateNumber);
    } else expect(d.reasons.at(-1)).toMatch(/^Rule: a contract current on the GA date/);
  });

  it.each([
    ['12.0', true], // a minor GA for a serial on the same major
    ['12.0 MP 3', true],
    ['11.5', true],
    ['12.5', false], // already on it
    ['12.5 MP 1', false],
    ['13.0', false],
  ])('a serial on %s and release 12.5: decided on the version order (entitled %s)', (version, entitled) => {
    const d = decideUpgrade(serial([term('2026-07-01', '2027-12-31')], version), release, AT);
    expect(d.entitled).toBe(entitled);
    if (!entitled) expect(d.rule).toBe('ALREADY_ON_RELEASE');
  });

  it('records its inputs', () => {
    const d = decideUpgrade(serial([term('2026-07-01', '2027-12-31')]), release, AT);
    expect(d).toMatchObject({
      fromVersion: '12.0',
      toVersion: '12.5',
      gaDate: GA,
      decidedAt: AT,
      product: 'Backup Exec',
    });
  });
});

describe('decideRelease', () => {
  const now = new Date('2027-01-10T10:00:00Z');
  const stored = (over: Partial<Release> = {}): Release => ({
    product: 'P',
    version: '12.5',
    versionKey: '0012.0005.0000.000',
    gaDate: '2027-03-01',
    status: 'SCHEDULED',
    revision: 1,
    announcedAt: '2027-01-01T00:00:00.000Z',
    updatedAt: '2027-01-01T00:00:00.000Z',
    ...over,
  });

  it('announces a release, future or past', () => {
    for (const gaDate of ['2027-03-01', '2026-12-01']) {
      const { release: r, changed } = decideRelease('P', '12.5', { gaDate }, null, now);
      expect(changed).toBe(true);
      expect(r).toMatchObject({ gaDate, status: 'SCHEDULED', revision: 1, versionKey: '0012.0005.0000.000' });
    }
  });

  it('the same GA date again changes nothing', () => {
    const current = stored();
    expect(decideRelease('P', '12.5', { gaDate: '2027-03-01' }, current, now)).toEqual({
      release: current,
      changed: false,
    });
  });

  it('moves a GA date still ahead', () => {
    const { release: r } = decideRelease('P', '12.5', { gaDate: '2027-04-01' }, stored(), now);
    expect(r).toMatchObject({ gaDate: '2027-04-01', revision: 2, announcedAt: '2027-01-01T00:00:00.000Z' });
  });

  it('refuses to move a GA date that has come, or a decided release (409)', () => {
    expect(() =>
      decideRelease('P', '12.5', { gaDate: '2027-04-01' }, stored({ gaDate: '2027-01-10' }), now),
    ).toThrow(Conflict);
    expect(() =>
      decideRelease(
        'P',
        '12.5',
        { gaDate: '2027-04-01' },
        stored({ status: 'DECIDED', gaDate: '2027-01-05' }),
        now,
      ),
    ).toThrow(/cannot move/);
  });

  it('validates the request', () => {
    expect(ReleaseRequest.safeParse({ gaDate: '2027-02-29' }).success).toBe(false);
    expect(ReleaseRequest.safeParse({ gaDate: '2028-02-29' }).success).toBe(true);
    expect(ReleaseRequest.safeParse({ gaDate: '2028-02-29', x: 1 }).success).toBe(false);
  });
});

describe('names', () => {
  it('fit Step Functions and Scheduler limits, for the longest product and version', () => {
    const product =
      'A very long product name that goes on and on for a hundred characters, more or less, to test it';
    const version = '9999.9999.9999 MP 999';
    expect(gaRunExecutionName(product, version, '2030-12-31', 'r2031-01-07')).toMatch(
      /^[0-9A-Za-z_-]{1,80}$/,
    );
    expect(gaScheduleName(product, version)).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
    expect(upgradeNoticeId({ product, version }, 'x@y.example')).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
  });

  it('one notice per contact and release, whatever the case of the address', () => {
    const r = { product: 'P', version: '2.0' };
    expect(upgradeNoticeId(r, 'Marie@Acme.example')).toBe(upgradeNoticeId(r, 'marie@acme.example'));
    expect(upgradeNoticeId(r, 'a@acme.example')).not.toBe(upgradeNoticeId(r, 'b@acme.example'));
    expect(upgradeNoticeId(r, 'a@acme.example')).not.toBe(
      upgradeNoticeId({ ...r, version: '2.1' }, 'a@acme.example'),
    );
    const notice = upgradeNotice(
      { ...r, gaDate: GA },
      { to: 'a@acme.example', name: 'A', language: 'ru' },
      { licensingPortalUrl: 'https://l.example', downloadsUrl: 'https://d.example' },
      AT,
    );
    expect(notice).toMatchObject({
      kind: 'UPGRADE',
      template: 'UpgradeAvailable',
      language: 'ru',
      status: 'PENDING',
    });
    expect(notice.data).toMatchObject({ listName: 'serials', licensingPortalUrl: 'https://l.example' });
  });
});

describe('majorGaDates', () => {
  it('is the GA date of each major’s earliest release', () => {
    const found = majorGaDates([
      { version: '12.5', gaDate: '2027-06-15' },
      { version: '12.0', gaDate: '2026-01-10' },
      { version: '12.0 MP 1', gaDate: '2026-05-01' },
      { version: '13.0', gaDate: '2028-01-01' },
    ]);
    expect([...found.entries()].sort()).toEqual([
      [12, '2026-01-10'],
      [13, '2028-01-01'],
    ]);
  });
});
