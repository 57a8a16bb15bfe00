/**
 * Who is told, and with which notice: one rule for every notice (core/recipients.ts), and the
 * rules that left the handlers (lifecycle, release and upgrade-entitlement use cases).
 */
import { describe, expect, it } from 'vitest';
import type { CoverageTerm } from '../../functions/core/coverage.ts';
import { NotFound } from '../../functions/core/errors.ts';
import {
  type MajorLifecycle,
  milestoneExecutionName,
  milestoneRun,
  milestoneScheduleName,
  milestoneSchedules,
  requireRegisteredSerials,
  scheduledNoticeRun,
  scheduledNoticeRunName,
  staleLifecycleEvent,
} from '../../functions/core/lifecycle.ts';
import { lifecycleNotice, lifecycleNotices } from '../../functions/core/lifecycle-notices.ts';
import { addressHash } from '../../functions/core/notices.ts';
import {
  addressKey,
  contactsOfSerials,
  recipientsOf,
  remindable,
  suppressionKey,
} from '../../functions/core/recipients.ts';
import type { Roster } from '../../functions/core/registration.ts';
import { reminderDigestId, reminderDigestLines } from '../../functions/core/reminders.ts';
import {
  decideUpgrade,
  gaRun,
  gaRunExecutionName,
  gaRunKey,
  gaRunSchedule,
  gaScheduleName,
  type UpgradeDecision,
  upgradeEntitlement,
} from '../../functions/core/upgrades.ts';

describe('recipientsOf', () => {
  it('tells each address once, compared whatever its case, in the words of the first met', () => {
    const told = recipientsOf([
      { to: 'Marie@Acme.example', name: 'Marie Curie', language: 'fr' },
      { to: 'pierre@acme.example', name: 'Pierre Curie', language: 'en' },
      { to: 'marie@acme.EXAMPLE', name: 'M. Curie', language: 'ru' },
      { to: 'PIERRE@ACME.EXAMPLE', name: 'P. Curie' },
    ]);
    expect(told).toEqual([
      { to: 'Marie@Acme.example', name: 'Marie Curie', language: 'fr' },
      { to: 'pierre@acme.example', name: 'Pierre Curie', language: 'en' },
    ]);
  });

  it('keeps the order contacts come in', () => {
    const addresses = ['c@x.example', 'A@x.example', 'b@x.example', 'a@X.example', 'C@x.example'];
    expect(recipientsOf(addresses.map((to) => ({ to, name: to }))).map((r) => r.to)).toEqual([
      'c@x.example',
      'A@x.example',
      'b@x.example',
    ]);
  });

  it('cannot tell a contact without an address or a name; English when no language is known', () => {
    expect(
      recipientsOf([
        { name: 'Nobody' },
        { to: 'nameless@x.example' },
        { to: 'eve@x.example', name: 'Eve' },
        // Not reachable above, so this one is the first met for the address.
        { to: 'NAMELESS@x.example', name: 'Named later', language: 'fr' },
      ]),
    ).toEqual([
      { to: 'eve@x.example', name: 'Eve', language: 'en' },
      { to: 'NAMELESS@x.example', name: 'Named later', language: 'fr' },
    ]);
  });

  it('an address key is the lower-cased address', () => {
    expect(addressKey('Marie@Acme.Example')).toBe('marie@acme.example');
  });
});

describe('remindable: suppressed addresses (hard bounce, complaint)', () => {
  const contacts = [
    { to: 'Marie@Acme.example', name: 'Marie Curie', language: 'fr' as const, suppressed: true },
    { to: 'pierre@acme.example', name: 'Pierre Curie', language: 'en' as const },
    // The same address on another contact, not flagged there: the suppression is the address's.
    { to: 'marie@acme.example', name: 'M. Curie', language: 'en' as const },
  ];

  it('leaves out every contact of a suppressed address, and only them, from renewal reminders', () => {
    expect(recipientsOf(remindable(contacts)).map((r) => r.to)).toEqual(['pierre@acme.example']);
    // Other notices are decided at send time (SendNotice reads the mark).
    expect(recipientsOf(contacts).map((r) => r.to)).toEqual(['Marie@Acme.example', 'pierre@acme.example']);
  });

  it('keys a suppression like the address mark: case-insensitive, a hash', () => {
    expect(suppressionKey('Marie@Acme.example')).toBe(suppressionKey('marie@acme.example'));
    expect(suppressionKey('marie@acme.example')).toBe(addressHash('marie@acme.example', 32));
    expect(suppressionKey('marie@acme.example')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('contactsOfSerials', () => {
  const roster: Roster = {
    '1111111111': { role: 'PRIMARY', serialNumbers: ['M1', 'M2'], email: 'a@x.example' },
    '2222222222': { role: 'DESIGNATED', serialNumbers: ['M3'], email: 'b@x.example' },
    '3333333333': { role: 'DESIGNATED', serialNumbers: ['M2', 'M3'], email: 'c@x.example' },
  };
  it('the roster entries who may call about any of the serials', () => {
    expect(contactsOfSerials(roster, new Set(['M2'])).map((e) => e.email)).toEqual([
      'a@x.example',
      'c@x.example',
    ]);
    expect(contactsOfSerials(roster, new Set(['M9']))).toEqual([]);
  });
});

const lifecycle = (over: Partial<MajorLifecycle> = {}): MajorLifecycle => ({
  product: 'Backup Exec',
  major: 12,
  eolDate: '2030-06-30',
  partialSupportDate: '2031-06-30',
  endOfSupportDate: '2032-06-30',
  legacy: false,
  phase: 'GA',
  revision: 2,
  updatedAt: '2030-01-01T00:00:00Z',
  ...over,
});
const AT = '2030-01-02T10:00:00.000Z';

describe('lifecycleNotices', () => {
  const contacts = [
    { to: 'Marie@acme.example', name: 'Marie', language: 'fr' as const },
    { to: 'marie@ACME.example', name: 'Marie again' },
    { to: 'pierre@acme.example', name: 'Pierre' },
    { name: 'An older roster entry, no address' },
  ];

  it('one notice per address among the contacts concerned', () => {
    const notices = lifecycleNotices(lifecycle(), 'EOL', contacts, AT);
    expect(notices).toEqual([
      lifecycleNotice(lifecycle(), 'EOL', { to: 'Marie@acme.example', name: 'Marie', language: 'fr' }, AT),
      lifecycleNotice(lifecycle(), 'EOL', { to: 'pierre@acme.example', name: 'Pierre', language: 'en' }, AT),
    ]);
  });

  it('a legacy major (end of life before the policy) tells nobody', () => {
    expect(lifecycleNotices(lifecycle({ legacy: true }), 'SCHEDULED', contacts, AT)).toEqual([]);
  });
});

describe('lifecycle runs and schedules', () => {
  it('one schedule per milestone still to come, each starting its milestone run by name', () => {
    const l = lifecycle();
    const schedules = milestoneSchedules(l, '2030-06-30'); // EOL is today: passed, in the phase stored
    expect(schedules).toEqual([
      {
        name: milestoneScheduleName('Backup Exec', 12, 'PARTIAL_SUPPORT'),
        at: new Date('2031-06-30T00:00:00Z'),
        executionName: milestoneExecutionName('Backup Exec', 12, 'PARTIAL_SUPPORT', '2031-06-30'),
        input: { product: 'Backup Exec', major: 12, event: 'PARTIAL_SUPPORT', date: '2031-06-30' },
      },
      {
        name: milestoneScheduleName('Backup Exec', 12, 'END_OF_SUPPORT'),
        at: new Date('2032-06-30T00:00:00Z'),
        executionName: milestoneExecutionName('Backup Exec', 12, 'END_OF_SUPPORT', '2032-06-30'),
        input: { product: 'Backup Exec', major: 12, event: 'END_OF_SUPPORT', date: '2032-06-30' },
      },
    ]);
    expect(milestoneSchedules(l, '2032-06-30')).toEqual([]);
  });

  it('the reconciler retries a milestone under that day’s name, with the same input', () => {
    const run = milestoneRun('Backup Exec', 12, 'EOL', '2030-06-30', 'r2030-07-02');
    expect(run.name).toBe(milestoneExecutionName('Backup Exec', 12, 'EOL', '2030-06-30', 'r2030-07-02'));
    expect(run.input).toEqual({ product: 'Backup Exec', major: 12, event: 'EOL', date: '2030-06-30' });
  });

  it('the notice run of a schedule is named after its revision', () => {
    expect(scheduledNoticeRun(lifecycle())).toEqual({
      name: scheduledNoticeRunName('Backup Exec', 12, 2),
      input: { product: 'Backup Exec', major: 12, event: 'SCHEDULED', revision: 2 },
    });
  });

  it('a run for a superseded revision or a moved milestone is stale', () => {
    const l = lifecycle();
    const base = { product: 'Backup Exec', major: 12 };
    expect(staleLifecycleEvent(l, { ...base, event: 'SCHEDULED', revision: 2 })).toBeNull();
    expect(staleLifecycleEvent(l, { ...base, event: 'SCHEDULED' })).toBeNull();
    expect(staleLifecycleEvent(l, { ...base, event: 'SCHEDULED', revision: 1 })).toBe(
      'revision 1 was superseded by 2',
    );
    expect(staleLifecycleEvent(l, { ...base, event: 'EOL', date: '2030-06-30' })).toBeNull();
    expect(staleLifecycleEvent(l, { ...base, event: 'EOL', date: '2030-05-31' })).toBe(
      'eolDate is now 2030-06-30, not 2030-05-31',
    );
  });
});

describe('requireRegisteredSerials', () => {
  it('refuses with 404 what nobody has registered: nobody to tell', () => {
    expect(() => requireRegisteredSerials({ product: 'Backup Exec', major: 12 }, true)).not.toThrow();
    expect(() => requireRegisteredSerials({ product: 'Backup Exec', major: 12 }, false)).toThrow(
      new NotFound('no serial of Backup Exec 12 is registered: nobody to tell, nothing to schedule'),
    );
    expect(() => requireRegisteredSerials({ product: 'Nothing' }, false)).toThrow(
      new NotFound('no serial of Nothing is registered: an unknown product'),
    );
  });
});

describe('GA runs', () => {
  const release = { product: 'Backup Exec', version: '12.5', versionKey: '0012.0005', gaDate: '2027-06-15' };
  it('the schedule on the GA date and the reconciler start the same run by name', () => {
    expect(gaRunSchedule(release)).toEqual({
      name: gaScheduleName('Backup Exec', '12.5'),
      at: new Date('2027-06-15T00:00:00Z'),
      executionName: gaRunExecutionName('Backup Exec', '12.5', '2027-06-15'),
      input: { product: 'Backup Exec', version: '12.5', gaDate: '2027-06-15' },
    });
    expect(gaRun(release, 'r2027-06-16').name).toBe(
      gaRunExecutionName('Backup Exec', '12.5', '2027-06-15', 'r2027-06-16'),
    );
    expect(gaRunKey(release)).toBe('Backup Exec#0012.0005');
  });
});

describe('reminderDigestLines', () => {
  const certificate = {
    certificateNumber: '12345678-1234567',
    products: [{ product: 'Backup Exec', version: '12.0', serialNumber: 'M1' }],
    term: { end: '2027-01-30' },
  };
  const due = { offset: 30, on: '2026-12-31' };
  it('one line per address among the contacts, on that address’s digest of the day', () => {
    const lines = reminderDigestLines(
      certificate,
      due,
      [
        { to: 'Marie@acme.example', name: 'Marie', language: 'fr' },
        { to: 'marie@acme.example', name: 'Marie again', language: 'en' },
        { to: 'pierre@acme.example', name: 'Pierre' },
      ],
      '2026-12-31',
      'https://renew.example',
      new Date(AT),
    );
    expect(lines.map((l) => l.recipient)).toEqual(['marie@acme.example', 'pierre@acme.example']);
    const [marie] = lines;
    expect(marie!.digestId(1)).toBe(reminderDigestId('2026-12-31', 'marie@acme.example'));
    expect(marie!.digestId(2)).toBe(reminderDigestId('2026-12-31', 'marie@acme.example', 2));
    expect(marie!.notice(2)).toMatchObject({
      id: reminderDigestId('2026-12-31', 'marie@acme.example', 2),
      kind: 'RENEWAL_REMINDER',
      to: 'Marie@acme.example',
      language: 'fr',
      data: { contactName: 'Marie', day: '2026-12-31', renewUrl: 'https://renew.example' },
      createdAt: AT,
    });
    expect(marie!.line).toMatchObject({ certificateNumber: '12345678-1234567', offset: 30 });
    expect(marie!.line.when).toMatch(/^se termine dans 30 jours/);
  });
});

describe('upgradeEntitlement', () => {
  const release = { product: 'Backup Exec', version: '12.5', gaDate: '2027-06-15' };
  const term = { start: '2026-07-01', end: '2027-06-30', tier: 'ESSENTIAL', certificateNumber: '1' };
  const serial = {
    serialNumber: 'M1',
    product: 'Backup Exec',
    version: '12.0',
    terms: [term as CoverageTerm],
  };

  it('answers the decision recorded', () => {
    const recorded: UpgradeDecision = decideUpgrade(serial, release, '2027-06-15T00:00:05.000Z');
    expect(upgradeEntitlement(serial, release, recorded, '2027-08-01T00:00:00.000Z')).toEqual({
      serialNumber: 'M1',
      product: 'Backup Exec',
      version: '12.5',
      gaDate: '2027-06-15',
      entitled: true,
      reasons: recorded.reasons,
      rule: 'CURRENT_ON_GA',
      decidedOn: '2027-06-15T00:00:05.000Z',
      fromVersion: '12.0',
      termsConsidered: serial.terms,
    });
  });

  it('before the GA date: not decided yet, with what today’s records would give', () => {
    const answer = upgradeEntitlement(serial, release, null, '2027-06-14T23:59:59.000Z', '12.50');
    expect(answer).toMatchObject({ version: '12.50', entitled: false, decided: false });
    expect(answer.reasons[0]).toBe(
      'Not decided yet: Backup Exec 12.50 becomes generally available on 2027-06-15, and serials are decided on that date.',
    );
    expect(answer.reasons[1]).toMatch(/^On today's records it would be: Serial M1 .* is entitled/);
  });

  it('after it, one not recorded is decided on request by the same rule, and says so', () => {
    const answer = upgradeEntitlement(serial, release, null, '2027-08-01T00:00:00.000Z');
    expect(answer).toMatchObject({
      entitled: true,
      rule: 'CURRENT_ON_GA',
      decidedOn: '2027-08-01T00:00:00.000Z',
    });
    expect(answer.reasons.at(-1)).toMatch(/^Decided on request: serial M1 was not among those decided/);
  });
});
