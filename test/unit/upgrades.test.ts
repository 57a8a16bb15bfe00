import { describe, expect, it } from 'vitest';
import type { CoverageTerm } from '../../functions/core/coverage.ts';
import { Conflict, RuleViolation } from '../../functions/core/errors.ts';
import {
  decideRelease,
  decideUpgrade,
  decideVersionMove,
  gaRunExecutionName,
  gaScheduleName,
  majorGaDates,
  type Release,
  ReleaseRequest,
  SerialVersionRequest,
  type UpgradeDecision,
  upgradeNotice,
  upgradeNoticeId,
} from '../../functions/core/upgrades.ts';

const GA = '2027-06-15';
/** Announced a month before GA: the announcement day is the reference. */
const ANNOUNCED = '2027-05-15';
const release = { product: 'Backup Exec', version: '12.5', gaDate: GA, announcedOn: ANNOUNCED };
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
    ['begun the day before the announcement', [term('2027-05-14', '2028-05-13')], true, 'CURRENT_ON_GA'],
    ['ending on the GA day (inclusive)', [term('2026-06-16', GA)], true, 'CURRENT_ON_GA'],
    [
      'begun on the announcement day: not before it',
      [term(ANNOUNCED, '2028-05-14')],
      false,
      'STARTED_AFTER_ANNOUNCEMENT',
    ],
    [
      'begun between announcement and GA',
      [term('2027-06-14', '2028-06-13')],
      false,
      'STARTED_AFTER_ANNOUNCEMENT',
    ],
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
      'renewed in time, contiguous (the renewal began after the announcement)',
      [term('2026-06-01', '2027-05-31'), term('2027-06-01', '2028-05-31', '2027-05-20')],
      true,
      'CURRENT_ON_GA',
    ],
    [
      'renewed in time, overlapping',
      [term('2026-06-01', '2027-05-31'), term('2027-05-01', '2028-04-30', '2027-04-20')],
      true,
      'CURRENT_ON_GA',
    ],
    [
      'a lapse before GA, renewed before GA: the gap breaks it',
      [term('2026-01-01', '2026-12-31'), term('2027-02-01', '2028-01-31', '2027-02-10')],
      false,
      'GAP_BEFORE_GA',
    ],
    [
      'a one-day gap is a gap',
      [term('2026-01-01', '2026-12-30'), term('2027-01-01', '2027-12-31', '2026-12-01')],
      false,
      'GAP_BEFORE_GA',
    ],
    [
      'renewal back-dated over GA, registered after it',
      [term('2026-06-01', '2027-05-31'), term('2027-06-01', '2028-05-31', '2027-07-10')],
      false,
      'REGISTERED_AFTER_GA',
    ],
    [
      'a first purchase registered after GA, begun before the announcement',
      [term('2027-05-01', '2028-04-30', '2027-07-10')],
      true,
      'CURRENT_ON_GA',
    ],
    [
      'a first purchase registered after GA, begun after the announcement',
      [term('2027-06-01', '2028-05-31', '2027-07-10')],
      false,
      'STARTED_AFTER_ANNOUNCEMENT',
    ],
    ['no term at all', [], false, 'NO_COVERAGE'],
  ])('%s → entitled %s (%s)', (_label, terms, entitled, rule) => {
    const d = decideUpgrade(serial(terms), release, AT);
    expect(d.entitled).toBe(entitled);
    expect(d.rule).toBe(rule);
    expect(d.termsConsidered).toEqual(terms);
    expect(d.referenceDate).toEqual({ date: ANNOUNCED, kind: 'ANNOUNCEMENT', announcedOn: ANNOUNCED });
    expect(d.reasons[0]).toContain('M1234567890');
    // Every decision names its reference date and why.
    expect(d.reasons).toContain(
      `Reference date ${ANNOUNCED}: the day Backup Exec 12.5 was first announced, before its GA date ${GA}; the contract had to be established before it.`,
    );
    if (terms.length) {
      const first = [...terms].sort((a, b) => (a.start < b.start ? -1 : 1))[0]!;
      const since = `since its first registration (the term ${first.start} to ${first.end} of certificate ${first.certificateNumber}) through the GA date ${GA}.`;
      if (rule === 'STARTED_ON_OR_AFTER_GA')
        expect(d.reasons[1]).toMatch(
          /^Coverage was not continuous through the GA date .*: the serial's first registration/,
        );
      else expect(d.reasons).toContain(`Coverage was ${d.continuous ? '' : 'not '}continuous ${since}`);
    }
    if (entitled) {
      expect(d.continuous).toBe(true);
      expect(d.qualifyingTerm).toBeDefined();
      expect(d.reasons[0]).toContain(GA);
      expect(d.reasons[0]).toContain(d.qualifyingTerm!.certificateNumber);
      expect(d.reasons[0]).toContain(`before the reference date ${ANNOUNCED}`);
    } else
      expect(d.reasons.at(-1)).toMatch(/^Rule: coverage continuous from the serial's first registration/);
  });

  it('a gap says where coverage lapsed and resumed; a renewal does not restore it', () => {
    const d = decideUpgrade(
      serial([
        term('2026-01-01', '2026-12-31'),
        term('2027-02-01', '2028-01-31', '2027-02-10', '22222222-2222222'),
      ]),
      release,
      AT,
    );
    expect(d).toMatchObject({ entitled: false, rule: 'GAP_BEFORE_GA', continuous: false });
    expect(d.reasons[0]).toContain('coverage lapsed after 2026-12-31');
    expect(d.reasons[0]).toContain('resumed on 2027-02-01 (certificate 22222222-2222222)');
    expect(d.reasons[0]).toContain('a renewal after a lapse does not restore the upgrade entitlement');
    // Renewed in time ever since the gap: still broken, and it says where it resumed.
    const since = decideUpgrade(
      serial([
        term('2026-01-01', '2026-06-30'),
        term('2026-08-01', '2026-12-31'),
        term('2027-01-01', '2027-12-31', '2026-12-01'),
      ]),
      release,
      AT,
    );
    expect(since).toMatchObject({ entitled: false, rule: 'GAP_BEFORE_GA' });
    expect(since.reasons[0]).toContain('coverage lapsed after 2026-06-30');
    expect(since.reasons[0]).toContain('resumed on 2026-08-01');
  });

  it('announced after the fact (on or after GA): the GA date is the reference, and says so', () => {
    for (const announcedOn of [GA, '2027-07-01']) {
      const late = { ...release, announcedOn };
      // Begun after an announcement that would have counted, but before GA: entitled.
      const d = decideUpgrade(serial([term('2027-06-01', '2028-05-31')]), late, AT);
      expect(d).toMatchObject({
        entitled: true,
        rule: 'CURRENT_ON_GA',
        referenceDate: { date: GA, kind: 'GA_DATE', announcedOn },
      });
      expect(d.reasons).toContain(
        `Reference date ${GA}, the GA date: Backup Exec 12.5 was announced on ${announcedOn}, on or after its GA date (after the fact), so the contract had to be established before the GA date.`,
      );
      expect(decideUpgrade(serial([term(GA, '2028-05-31')]), late, AT).rule).toBe('STARTED_ON_OR_AFTER_GA');
    }
  });

  it('the announcement day is read from announcedAt on records older than announcedOn', () => {
    const { announcedOn: _, ...older } = release;
    const d = decideUpgrade(
      serial([term('2027-05-20', '2028-05-19')]),
      { ...older, announcedAt: '2027-05-15T16:00:00.000Z' },
      AT,
    );
    expect(d).toMatchObject({ entitled: false, rule: 'STARTED_AFTER_ANNOUNCEMENT' });
    expect(d.referenceDate).toEqual({ date: ANNOUNCED, kind: 'ANNOUNCEMENT', announcedOn: ANNOUNCED });
    expect(d.reasons[0]).toContain(`not before the day Backup Exec 12.5 was announced (${ANNOUNCED})`);
  });

  it('with no announcement day on record, the GA date is the reference, and says why', () => {
    const { announcedOn: _, ...unknown } = release;
    const d = decideUpgrade(serial([term('2027-06-01', '2028-05-31')]), unknown, AT);
    expect(d).toMatchObject({
      entitled: true,
      referenceDate: { date: GA, kind: 'GA_DATE', announcedOn: null },
    });
    expect(d.reasons.join(' ')).toContain('no announcement day of Backup Exec 12.5 is on record');
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
      continuous: true,
      referenceDate: { date: ANNOUNCED, kind: 'ANNOUNCEMENT' },
    });
  });
});

describe('decideRelease', () => {
  const now = new Date('2027-01-10T10:00:00Z');
  const PM = { subject: 'paula', role: 'product-manager' } as const;
  const BOB = { subject: 'bob', role: 'product-manager' } as const;
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
      const { release: r, changed } = decideRelease('P', '12.5', { gaDate }, null, now, PM);
      expect(changed).toBe(true);
      expect(r).toMatchObject({ gaDate, status: 'SCHEDULED', revision: 1, versionKey: '0012.0005.0000.000' });
    }
  });

  it('the same GA date again changes nothing', () => {
    const current = stored();
    expect(decideRelease('P', '12.5', { gaDate: '2027-03-01' }, current, now, PM)).toEqual({
      release: current,
      changed: false,
    });
  });

  it('moves a GA date still ahead', () => {
    const { release: r } = decideRelease('P', '12.5', { gaDate: '2027-04-01' }, stored(), now, PM);
    expect(r).toMatchObject({ gaDate: '2027-04-01', revision: 2, announcedAt: '2027-01-01T00:00:00.000Z' });
  });

  it('keeps the day of the first announcement through every reschedule', () => {
    const { release: first } = decideRelease('P', '12.5', { gaDate: '2027-03-01' }, null, now, PM);
    expect(first.announcedOn).toBe('2027-01-10');
    const later = new Date('2027-02-01T10:00:00Z');
    const { release: moved } = decideRelease('P', '12.5', { gaDate: '2027-04-01' }, first, later, BOB);
    expect(moved).toMatchObject({ announcedOn: '2027-01-10', gaDate: '2027-04-01', revision: 2 });
    // Who announced first stays; who moved the date is the last to change it.
    expect(first).toMatchObject({ announcedBy: PM, updatedBy: PM });
    expect(moved).toMatchObject({ announcedBy: PM, updatedBy: BOB });
    // A record older than announcedOn: its first announcement's day, from announcedAt.
    const { release: older } = decideRelease('P', '12.5', { gaDate: '2027-04-01' }, stored(), now, PM);
    expect(older.announcedOn).toBe('2027-01-01');
    // Nor is a record older than roles given an announcer after the fact.
    expect(older.announcedBy).toBeUndefined();
    expect(older.updatedBy).toEqual(PM);
  });

  it('refuses to move a GA date that has come, or a decided release (409)', () => {
    expect(() =>
      decideRelease('P', '12.5', { gaDate: '2027-04-01' }, stored({ gaDate: '2027-01-10' }), now, PM),
    ).toThrow(Conflict);
    expect(() =>
      decideRelease(
        'P',
        '12.5',
        { gaDate: '2027-04-01' },
        stored({ status: 'DECIDED', gaDate: '2027-01-05' }),
        now,
        PM,
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

describe('decideVersionMove', () => {
  const MOVE = {
    at: '2027-08-01T10:00:00.000Z',
    requestId: 'req-1',
    actor: { subject: 'alice', role: 'licensing-ops' as const },
  };
  const v13 = {
    product: 'Backup Exec',
    version: '13.0',
    versionKey: '0013.0000.0000.000',
    gaDate: GA,
    announcedOn: ANNOUNCED,
  };
  const covered = serial([term('2026-07-01', '2027-12-31')], '12.0');
  const refused = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolation);
      return error as RuleViolation;
    }
    throw new Error('not refused');
  };

  it('the same version again changes nothing, however it is written', () => {
    expect(decideVersionMove(covered, '12.0', [], new Map(), MOVE)).toEqual({ kind: 'UNCHANGED' });
    expect(decideVersionMove(covered, '12.00', [], new Map(), MOVE)).toEqual({ kind: 'UNCHANGED' });
  });

  it('moves forward within the major with no entitlement, no release needed', () => {
    for (const version of ['12.1', '12.0 MP 1', '12.0.1']) {
      const move = decideVersionMove(serial([], '12.0'), version, [], new Map(), MOVE);
      expect(move).toMatchObject({
        kind: 'MOVE',
        version,
        entry: { version, from: '12.0', at: MOVE.at, requestId: 'req-1', actor: MOVE.actor },
      });
      if (move.kind === 'MOVE') expect(move.entry.entitledBy).toBeUndefined();
    }
  });

  it('never goes back, within the major or to an earlier one (422)', () => {
    const on = serial([term('2026-07-01', '2027-12-31')], '12.5');
    for (const version of ['12.1', '12.0 MP 3', '11.0']) {
      const e = refused(() => decideVersionMove(on, version, [v13], new Map(), MOVE));
      expect(e.errors[0]!.message).toContain(`${version} is older than 12.5`);
    }
  });

  it('moves to a later major when entitled to a release of it, and says which', () => {
    const move = decideVersionMove(covered, '13.0 MP 1', [v13], new Map(), MOVE);
    expect(move).toMatchObject({
      kind: 'MOVE',
      entry: {
        version: '13.0 MP 1',
        from: '12.0',
        entitledBy: { version: '13.0', gaDate: GA, rule: 'CURRENT_ON_GA' },
      },
    });
    if (move.kind === 'MOVE') expect(move.reasons.join(' ')).toContain(`Reference date ${ANNOUNCED}`);
  });

  it('follows the decision recorded on the GA date over today’s records', () => {
    const recorded: UpgradeDecision = {
      ...decideUpgrade(covered, v13, AT),
      entitled: false,
      rule: 'LAPSED_BEFORE_GA',
      reasons: ['recorded on GA'],
    };
    const e = refused(() =>
      decideVersionMove(covered, '13.0', [v13], new Map([[v13.versionKey, recorded]]), MOVE),
    );
    expect(e.errors.map((x) => x.message)).toContain('recorded on GA');
  });

  it('refuses a major it is not entitled to, with the rule and its reference date', () => {
    const lapsed = serial([term('2026-01-01', '2026-12-31'), term('2027-02-01', '2028-01-31', '2027-02-10')]);
    const e = refused(() => decideVersionMove(lapsed, '13.0', [v13], new Map(), MOVE));
    const messages = e.errors.map((x) => x.message);
    expect(e.errors.every((x) => x.path === 'version')).toBe(true);
    expect(messages[0]).toBe(`Release 13.0 (GA ${GA}), rule GAP_BEFORE_GA:`);
    expect(messages.join(' ')).toContain(`Reference date ${ANNOUNCED}`);
    expect(messages.join(' ')).toContain('Coverage was not continuous');
    const late = serial([term('2027-06-01', '2028-05-31')]);
    expect(
      refused(() => decideVersionMove(late, '13.0', [v13], new Map(), MOVE)).errors[0]!.message,
    ).toContain('STARTED_AFTER_ANNOUNCEMENT');
  });

  it('a major with no release of this product is no version of it; one not yet GA cannot be run', () => {
    expect(
      refused(() => decideVersionMove(covered, '14.0', [v13], new Map(), MOVE)).errors[0]!.message,
    ).toContain('No release of Backup Exec major 14 has been announced');
    const ahead = { ...v13, gaDate: '2027-09-01' };
    expect(
      refused(() => decideVersionMove(covered, '13.0', [ahead], new Map(), MOVE)).errors[0]!.message,
    ).toContain('13.0 on 2027-09-01');
    // A release later than the version asked for does not make it one.
    const only135 = { ...v13, version: '13.5', versionKey: '0013.0005.0000.000' };
    expect(() => decideVersionMove(covered, '13.0', [only135], new Map(), MOVE)).toThrow(RuleViolation);
  });

  it('validates the request', () => {
    expect(SerialVersionRequest.safeParse({ version: '13.0' }).success).toBe(true);
    expect(SerialVersionRequest.safeParse({ version: 'thirteen' }).success).toBe(false);
    expect(SerialVersionRequest.safeParse({ version: '13.0', product: 'X' }).success).toBe(false);
    expect(SerialVersionRequest.safeParse({}).success).toBe(false);
  });
});
