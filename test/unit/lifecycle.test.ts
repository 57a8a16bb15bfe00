import { describe, expect, it } from 'vitest';
import { Conflict, RuleViolation } from '../../functions/core/errors.ts';
import {
  decideSchedule,
  LifecycleRequest,
  type MajorLifecycle,
  milestoneExecutionName,
  milestoneScheduleName,
  phaseOn,
  publicHistory,
  slug,
  supportPhaseOn,
} from '../../functions/core/lifecycle.ts';
import { lifecycleNotice } from '../../functions/core/lifecycle-notices.ts';
import { lifecyclePicture } from '../../functions/core/lifecycle-picture.ts';

const dates = { eolDate: '2027-03-01', partialSupportDate: '2028-03-01', endOfSupportDate: '2029-03-01' };
const at = (day: string) => new Date(`${day}T09:00:00Z`);
const stored = (over: Partial<MajorLifecycle> = {}): MajorLifecycle => ({
  product: 'Backup Exec',
  major: 12,
  ...dates,
  phase: 'GA',
  revision: 1,
  legacy: false,
  updatedAt: '2026-11-26T00:00:00.000Z',
  ...over,
});

describe('phaseOn', () => {
  it.each([
    ['2027-02-28', 'GA'],
    ['2027-03-01', 'EOL'], // a milestone's day belongs to its phase
    ['2028-02-29', 'EOL'],
    ['2028-03-01', 'PARTIAL_SUPPORT'],
    ['2029-02-28', 'PARTIAL_SUPPORT'],
    ['2029-03-01', 'END_OF_SUPPORT'],
    ['2040-01-01', 'END_OF_SUPPORT'],
  ])('on %s → %s', (day, phase) => {
    expect(phaseOn(dates, day)).toBe(phase);
  });

  it('passes milestones falling on the same day together', () => {
    const sameDay = {
      eolDate: '2027-03-01',
      partialSupportDate: '2027-03-01',
      endOfSupportDate: '2027-03-01',
    };
    expect(phaseOn(sameDay, '2027-02-28')).toBe('GA');
    expect(phaseOn(sameDay, '2027-03-01')).toBe('END_OF_SUPPORT');
  });
});

describe('decideSchedule', () => {
  it('a first schedule: revision 1, phase by the dates, not legacy', () => {
    const l = decideSchedule('Backup Exec', 12, dates, null, at('2026-11-26'));
    expect(l).toMatchObject({
      product: 'Backup Exec',
      major: 12,
      ...dates,
      phase: 'GA',
      revision: 1,
      legacy: false,
    });
  });

  it.each([
    [{ ...dates, partialSupportDate: '2027-02-28' }, ['partialSupportDate']],
    [{ ...dates, endOfSupportDate: '2028-02-29' }, ['endOfSupportDate']],
    [
      { eolDate: '2029-01-01', partialSupportDate: '2028-01-01', endOfSupportDate: '2027-01-01' },
      ['partialSupportDate', 'endOfSupportDate'],
    ],
  ])('out of order → 422 naming the field (%o)', (request, fields) => {
    try {
      decideSchedule('P', 1, request, null, at('2026-11-26'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolation);
      expect((error as RuleViolation).status).toBe(422);
      expect((error as RuleViolation).errors.map((e) => e.path)).toEqual(fields);
    }
  });

  it('end of life before the major’s general availability → 422 on eolDate', () => {
    try {
      decideSchedule('P', 12, dates, null, at('2026-11-26'), '2027-03-02');
      expect.unreachable();
    } catch (error) {
      expect((error as RuleViolation).status).toBe(422);
      expect((error as RuleViolation).errors.map((e) => e.path)).toEqual(['eolDate']);
    }
    expect(decideSchedule('P', 12, dates, null, at('2026-11-26'), '2027-03-01').eolDate).toBe('2027-03-01');
  });

  it('equal dates are in order', () => {
    const same = { eolDate: '2027-01-01', partialSupportDate: '2027-01-01', endOfSupportDate: '2027-01-01' };
    expect(decideSchedule('P', 1, same, null, at('2026-11-26')).revision).toBe(1);
  });

  it('moving a milestone that has passed → 409; keeping it is fine', () => {
    const current = stored({ phase: 'EOL' });
    const on = at('2027-06-01'); // EOL passed, partial support not
    expect(() => decideSchedule('Backup Exec', 12, { ...dates, eolDate: '2027-04-01' }, current, on)).toThrow(
      Conflict,
    );
    const moved = decideSchedule(
      'Backup Exec',
      12,
      { ...dates, partialSupportDate: '2028-06-01' },
      current,
      on,
    );
    expect(moved).toMatchObject({ phase: 'EOL', revision: 2, partialSupportDate: '2028-06-01' });
  });

  it('a milestone passes on its day: moving it that day → 409', () => {
    expect(() =>
      decideSchedule('Backup Exec', 12, { ...dates, eolDate: '2027-03-02' }, stored(), at('2027-03-01')),
    ).toThrow(/has passed/);
  });

  it('moving a future milestone into the past or today → 409', () => {
    expect(() =>
      decideSchedule('Backup Exec', 12, { ...dates, eolDate: '2026-11-26' }, stored(), at('2026-11-26')),
    ).toThrow(/into the past/);
  });

  it('the same dates again (a retried request) decide nothing new, even after a milestone passed', () => {
    const current = stored({ phase: 'EOL', revision: 4 });
    expect(decideSchedule('Backup Exec', 12, { ...dates }, current, at('2027-06-01'))).toBe(current);
  });

  it('never moves a phase back', () => {
    const ahead = stored({ phase: 'PARTIAL_SUPPORT' });
    expect(decideSchedule('Backup Exec', 12, dates, ahead, at('2027-06-01')).phase).toBe('PARTIAL_SUPPORT');
  });

  it('a version entering end of life before 6 November 2006 is legacy', () => {
    const old = { eolDate: '2006-11-05', partialSupportDate: '2007-01-01', endOfSupportDate: '2008-01-01' };
    expect(decideSchedule('P', 9, old, null, at('2026-11-26')).legacy).toBe(true);
    expect(decideSchedule('P', 9, { ...old, eolDate: '2006-11-06' }, null, at('2026-11-26')).legacy).toBe(
      false,
    );
  });
});

describe('LifecycleRequest', () => {
  it.each([
    [dates, true],
    [{ ...dates, eolDate: '2027-02-30' }, false],
    [{ ...dates, eolDate: '01/03/2027' }, false],
    [{ eolDate: dates.eolDate, partialSupportDate: dates.partialSupportDate }, false],
    [{ ...dates, extra: 1 }, false],
  ])('%o valid: %s', (body, valid) => {
    expect(LifecycleRequest.safeParse(body).success).toBe(valid);
  });
});

describe('supportPhaseOn', () => {
  it.each([
    ['2026-12-01', 'STANDARD', /end of life is scheduled for 2027-03-01/],
    ['2027-03-01', 'STANDARD', /reached end of life on 2027-03-01 .*standard support continues/],
    ['2028-03-01', 'PARTIAL', /partial support since 2028-03-01 .*no new code/],
    ['2029-03-01', 'NONE', /end of support life on 2029-03-01/],
  ])('on %s → %s', (day, phase, reason) => {
    const answer = supportPhaseOn(stored(), 'Backup Exec', '12.5', day);
    expect(answer.supportPhase).toBe(phase);
    expect(answer.reason).toMatch(reason);
    expect(answer.reason).toContain('Backup Exec 12.5');
  });

  it('no lifecycle: standard support', () => {
    expect(supportPhaseOn(null, 'P', '3.0', '2030-01-01').supportPhase).toBe('STANDARD');
  });

  it('legacy: the policy does not apply, whatever the day; the contract’s terms do (PER_CONTRACT)', () => {
    const legacy = stored({
      eolDate: '2005-01-01',
      partialSupportDate: '2005-06-01',
      endOfSupportDate: '2006-01-01',
      legacy: true,
    });
    for (const day of ['2005-03-01', '2026-11-26', '2040-01-01']) {
      const answer = supportPhaseOn(legacy, 'P', '12.0', day);
      expect(answer.supportPhase).toBe('PER_CONTRACT');
      expect(answer.reason).toMatch(/before 2006-11-06; the end-of-life policy does not apply/);
      expect(answer.reason).toContain('the terms of your support contract continue to apply');
    }
  });
});

describe('names of schedules, executions and notices', () => {
  it('are deterministic, within the services’ limits, and keep similar products apart', () => {
    const long = 'Enterprise Vault Discovery Accelerator for Microsoft Exchange (Ünicode)';
    for (const product of ['Backup Exec', long, 'Backup-Exec', 'backup exec']) {
      const schedule = milestoneScheduleName(product, 9999, 'PARTIAL_SUPPORT');
      const execution = milestoneExecutionName(product, 9999, 'PARTIAL_SUPPORT', '2030-12-31', 'r2031-01-07');
      expect(schedule).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
      expect(execution).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
      expect(milestoneScheduleName(product, 9999, 'PARTIAL_SUPPORT')).toBe(schedule);
    }
    expect(new Set(['Backup Exec', 'Backup-Exec', 'backup exec'].map(slug)).size).toBe(3);
  });

  it('says each milestone as reached once its date has come, and to come before, in the reader’s words', () => {
    const recipient = { to: 'anna@acme.example', name: 'Anna', language: 'de' as const };
    const milestones = (day: string) =>
      (
        lifecycleNotice(stored(), 'SCHEDULED', recipient, `${day}T08:00:00Z`).data.milestones as Array<{
          sentence: string;
        }>
      ).map((m) => m.sentence);
    expect(milestones('2026-11-26')).toEqual([
      'Backup Exec 12 erreicht am 1. März 2027 die Phase „Vertriebsende“',
      'Backup Exec 12 erreicht am 1. März 2028 die Phase „Eingeschränkter Support“',
      'Backup Exec 12 erreicht am 1. März 2029 die Phase „Supportende“',
    ]);
    // A schedule set late, or the milestone's own notice: its day has come.
    expect(milestones('2028-03-01').slice(0, 2)).toEqual([
      'Backup Exec 12 hat am 1. März 2027 die Phase „Vertriebsende“ erreicht',
      'Backup Exec 12 hat am 1. März 2028 die Phase „Eingeschränkter Support“ erreicht',
    ]);
    const en = lifecycleNotice(stored(), 'EOL', { ...recipient, language: 'en' }, '2027-03-01T08:00:00Z');
    expect((en.data.milestones as Array<{ sentence: string }>)[0]!.sentence).toBe(
      'Backup Exec 12 has reached end of life on 1 March 2027',
    );
    expect(en.data.licensingPortalUrl).toMatch(/^https:/);
  });

  it('a notice per contact, major and milestone; a schedule notice per revision', () => {
    const recipient = { to: 'Marie <marie@acme.example>', name: 'Marie', language: 'fr' as const };
    const at = '2026-11-26T00:00:00Z';
    const a = lifecycleNotice(stored(), 'EOL', recipient, at);
    expect(lifecycleNotice(stored({ revision: 3 }), 'EOL', recipient, at).id).toBe(a.id);
    expect(lifecycleNotice(stored(), 'PARTIAL_SUPPORT', recipient, at).id).not.toBe(a.id);
    expect(lifecycleNotice(stored(), 'EOL', { ...recipient, to: 'x@acme.example' }, at).id).not.toBe(a.id);
    const r1 = lifecycleNotice(stored(), 'SCHEDULED', recipient, at).id;
    expect(lifecycleNotice(stored({ revision: 2 }), 'SCHEDULED', recipient, at).id).not.toBe(r1);
    expect(a).toMatchObject({
      kind: 'LIFECYCLE',
      template: 'LifecycleEol',
      language: 'fr',
      status: 'PENDING',
    });
    expect(a.id).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
  });
});

describe('lifecyclePicture', () => {
  it('draws a bar per major, newest first, with its phases and today marked', () => {
    const svg = lifecyclePicture(
      'Backup <Exec>',
      [
        stored({ major: 11 }),
        stored({
          major: 12,
          eolDate: '2028-01-01',
          partialSupportDate: '2029-01-01',
          endOfSupportDate: '2030-01-01',
        }),
      ],
      '2027-06-01',
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toContain('<Exec>'); // escaped
    expect(svg.indexOf('Backup &#60;Exec&#62; 12')).toBeLessThan(svg.indexOf('Backup &#60;Exec&#62; 11'));
    expect(svg).toContain('today 2027-06-01');
    expect(svg).toContain('partial support from 2028-03-01');
    expect(svg).toContain('end of life, still supported'); // 11 today
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(8);
  });

  it('starts a major’s bar at its general availability when a release announced it', () => {
    const svg = lifecyclePicture('P', [stored()], '2027-06-01', new Map([[12, '2025-05-01']]));
    expect(svg).toContain('general availability 2025-05-01, standard support until 2027-03-01');
    // The timeline starts at GA: the green bar begins at the left edge.
    expect(svg).toMatch(/<rect x="200\.0" [^>]*fill="#2e7d32"><title>general availability/);
  });

  it('says so when nothing is scheduled', () => {
    expect(lifecyclePicture('P', [], '2027-01-01')).toContain('No end of life is scheduled');
  });
});

describe('publicHistory', () => {
  it('keeps what happened and when, never who did it', () => {
    const history = [
      {
        at: '2026-11-26T09:00:00.000Z',
        event: 'SCHEDULED',
        requestId: 'r1',
        dates,
        actor: { subject: 'paula', role: 'product-manager' },
      },
      {
        at: '2027-03-01T00:00:00.000Z',
        event: 'EOL',
        actor: { subject: 'entitlements-service', role: 'service' },
      },
    ];
    const shown = publicHistory(history);
    expect(shown).toEqual([
      { at: '2026-11-26T09:00:00.000Z', event: 'SCHEDULED', requestId: 'r1', dates },
      { at: '2027-03-01T00:00:00.000Z', event: 'EOL' },
    ]);
    expect(JSON.stringify(shown)).not.toContain('paula');
    expect(history[0]).toHaveProperty('actor'); // the stored events are left as they are
  });
});
