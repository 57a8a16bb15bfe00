/**
 * The local stack's clock (local/clock.ts): bounded jumps, valid instants only, and a
 * state that a failed or interrupted move never leaves beyond what a restart can use.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { Conflict, InvalidInput, RuleViolation } from '../../functions/core/errors.ts';
import {
  DailyJobFailed,
  LATEST_INSTANT,
  LocalClock,
  MAX_JUMP_YEARS,
  parseInstant,
} from '../../local/clock.ts';

let dir: string;
let statePath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clock-'));
  statePath = join(dir, 'clock.json');
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const saved = () => JSON.parse(readFileSync(statePath, 'utf8')) as { offsetMs: number; lastDay: string };
const savedNow = () => Date.now() + saved().offsetMs;
const noon = (day: string) => new Date(`${day}T12:00:00Z`);
const inYears = (from: Date, years: number, days = 0) => {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return d;
};

describe('a move', () => {
  it(`of more than ${MAX_JUMP_YEARS} years is refused (422), and the clock still moves afterwards`, async () => {
    const clock = new LocalClock(statePath);
    const days: string[] = [];
    clock.daily({ name: 'count', run: async (day) => days.push(day) });
    const start = clock.now();
    await expect(clock.moveTo(inYears(start, MAX_JUMP_YEARS, 1))).rejects.toThrow(RuleViolation);
    await expect(clock.moveTo(new Date('9999-12-31T00:00:00Z'))).rejects.toThrow(RuleViolation);
    expect(days).toEqual([]);
    expect(clock.now().getTime() - start.getTime()).toBeLessThan(60_000);

    const tomorrow = noon(addDays(dayOf(start), 1));
    const moved = await clock.moveTo(tomorrow);
    expect(Date.parse(moved.now)).toBeGreaterThanOrEqual(tomorrow.getTime());
    expect(days).toEqual([dayOf(tomorrow)]);
  });

  it('says how far it may go', async () => {
    const clock = new LocalClock(null);
    const error = await clock.moveTo(inYears(clock.now(), 25)).then(
      () => null,
      (e: RuleViolation) => e,
    );
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error?.status).toBe(422);
    expect(error?.message).toMatch(/at most 20 years at once.*move it in steps/);
  });

  it(`never goes past ${LATEST_INSTANT.toISOString()}, never back, never to an invalid date`, async () => {
    const clock = new LocalClock(null);
    await expect(clock.moveTo(new Date('2101-01-01T00:00:00Z'))).rejects.toThrow(RuleViolation);
    await expect(clock.moveTo(new Date('2020-01-01T00:00:00Z'))).rejects.toThrow(Conflict);
    await expect(clock.moveTo(new Date(Number.NaN))).rejects.toThrow(InvalidInput);
  });

  it('saves the clock at each completed day, so a stop mid-move restarts at the last completed day', async () => {
    const clock = new LocalClock(statePath);
    const start = dayOf(clock.now());
    const seen: Array<{ day: string; saved: { offsetMs: number; lastDay: string }; savedNow: number }> = [];
    clock.daily({
      name: 'peek',
      run: async (day) => {
        seen.push({ day, saved: saved(), savedNow: savedNow() });
      },
    });
    const target = noon(addDays(start, 4));
    await clock.moveTo(target);
    // While day N runs, the file says day N-1 is the last completed one, and the clock reads no later.
    for (const { day, saved: state, savedNow: at } of seen.slice(1)) {
      expect(state.lastDay).toBe(addDays(day, -1));
      expect(at).toBeLessThanOrEqual(Date.parse(`${day}T00:00:00Z`) + 1000);
    }
    expect(saved().lastDay).toBe(dayOf(target));
    expect(savedNow()).toBeGreaterThanOrEqual(target.getTime());
  });
});

describe('a daily job that throws', () => {
  it('leaves the clock at the last completed day, reports the failure, and a new move retries it', async () => {
    const clock = new LocalClock(statePath);
    const start = dayOf(clock.now());
    const failOn = addDays(start, 3);
    let failing = true;
    const runs: string[] = [];
    clock.daily({
      name: 'renewal-reminders',
      run: async (day) => {
        runs.push(day);
        if (day === failOn && failing) throw new Error('DynamoDB is down');
      },
    });
    const target = noon(addDays(start, 6));
    const error = await clock.moveTo(target).then(
      () => null,
      (e: DailyJobFailed) => e,
    );
    expect(error).toBeInstanceOf(DailyJobFailed);
    expect(error?.status).toBe(500);
    expect(error?.message).toContain(`the renewal-reminders run of ${failOn} failed (DynamoDB is down)`);

    const lastGood = addDays(failOn, -1);
    expect(dayOf(clock.now())).toBe(lastGood);
    expect(saved().lastDay).toBe(lastGood);
    expect(dayOf(new Date(savedNow()))).toBe(lastGood);
    // A restart reads the same.
    expect(dayOf(new LocalClock(statePath).now())).toBe(lastGood);

    // The clock was not left serialised behind the failed move: the next one runs at once.
    failing = false;
    runs.length = 0;
    await clock.moveTo(target);
    expect(runs).toEqual([failOn, addDays(failOn, 1), addDays(failOn, 2), addDays(failOn, 3)]);
    expect(dayOf(clock.now())).toBe(dayOf(target));
  });
});

describe('a saved clock', () => {
  it('left far ahead of its completed days (an older version, mid-jump to 9999) goes back to the last one', () => {
    const lastDay = dayOf(new Date());
    writeFileSync(
      statePath,
      JSON.stringify({ offsetMs: Date.parse('9999-12-31T00:00:00Z') - Date.now(), lastDay }),
    );
    const clock = new LocalClock(statePath);
    expect(dayOf(clock.now())).toBe(lastDay);
    expect(saved().lastDay).toBe(lastDay);
  });

  it.each([
    ['not JSON', '{"offsetMs":'],
    ['JSON null', 'null'],
    ['a missing day', '{"offsetMs":0}'],
    ['a day that is not a date', '{"offsetMs":0,"lastDay":"yesterday"}'],
    ['a day out of bounds', '{"offsetMs":0,"lastDay":"0100-01-01"}'],
    ['an offset that is not a number', '{"offsetMs":"1e999","lastDay":"2026-01-01"}'],
  ])('that is %s starts from the wall clock instead of failing the stack', (_name, text) => {
    writeFileSync(statePath, text);
    const clock = new LocalClock(statePath);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('that is sound is kept', async () => {
    const first = new LocalClock(statePath);
    const target = noon(addDays(dayOf(first.now()), 10));
    await first.moveTo(target);
    const restarted = new LocalClock(statePath);
    expect(restarted.now().getTime()).toBeGreaterThanOrEqual(target.getTime());
    expect(restarted.now().getTime() - target.getTime()).toBeLessThan(60_000);
  });
});

describe('a clock started on a given day (npm start -- --today)', () => {
  it('reads that day when fresh, in the past or the future, and runs nothing for the days before it', async () => {
    const ran: string[] = [];
    const clock = new LocalClock(statePath, new Date('2026-11-27T09:00:00Z'));
    clock.daily({ name: 'job', run: async (day) => void ran.push(day) });
    expect(clock.resumed).toBe(false);
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-11-27T09:00:00Z'))).toBeLessThan(1000);
    await clock.moveTo(new Date('2026-11-29T09:00:00Z'));
    expect(ran).toEqual(['2026-11-28', '2026-11-29']);
  });

  it('keeps a saved clock where it was (the stack decides whether to move it forward or refuse)', async () => {
    const first = new LocalClock(statePath, new Date('2030-01-01T00:00:00Z'));
    await first.moveTo(new Date('2030-01-02T00:00:00Z'));
    const again = new LocalClock(statePath, new Date('2026-11-27T00:00:00Z'));
    expect(again.resumed).toBe(true);
    expect(dayOf(again.now())).toBe('2030-01-02');
  });
});

describe('parseInstant', () => {
  it.each([
    ['2027-01-31T09:00:00Z', '2027-01-31T09:00:00.000Z'],
    ['2027-01-31T09:00Z', '2027-01-31T09:00:00.000Z'],
    ['2027-01-31T09:00:00.123Z', '2027-01-31T09:00:00.123Z'],
    ['2027-01-31T10:00:00+01:00', '2027-01-31T09:00:00.000Z'],
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect(parseInstant(value).toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-29',
    '2026-12-01T24:00:00Z',
    '2026-12-01T12:60:00Z',
    '2026-12-01T12:00:60Z',
    '2026-12-01T12:00:00+24:00',
    '2026-12-01T12:00:00',
    '+099999-01-01T00:00:00Z',
    '1',
    '99999',
    'now',
    '',
    ' 2026-12-01T12:00:00Z',
    1_800_000_000_000,
    null,
    undefined,
    {},
  ])('refuses %j with a 400', (value) => {
    expect(() => parseInstant(value)).toThrow(InvalidInput);
  });
});
