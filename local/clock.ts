/**
 * The local stack's clock: wall time plus an offset that only grows. Moving it
 * forward runs, before answering, every job that became due — one daily run for each
 * day crossed — as EventBridge Scheduler would have on AWS.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addDays, dayOf } from '../functions/core/calendar.ts';
import { Conflict, DomainError, InvalidInput, RuleViolation } from '../functions/core/errors.ts';
import { EARLIEST_DATE, isCalendarDate, LATEST_DATE } from '../functions/core/identifiers.ts';

export type DailyJob = { name: string; run: (day: string, at: Date) => Promise<unknown> };

/**
 * Longest move at once. Each day crossed runs every daily job, so a jump to 9999 would
 * grind for days; 20 years (~7,300 days) is already more than any scenario needs.
 */
export const MAX_JUMP_YEARS = 20;
/** The clock never reads later than the last date the service accepts (identifiers.ts). */
export const LATEST_INSTANT = new Date(`${LATEST_DATE}T23:59:59.999Z`);

/** A daily job threw: the clock stays at the last day whose jobs all completed. */
export class DailyJobFailed extends DomainError {
  override readonly name = 'DailyJobFailed';
  readonly status = 500;
  readonly title = 'A daily job failed while the clock moved';
}

const endOfDay = (day: string) => Date.parse(`${day}T23:59:59.999Z`);

function addYears(instant: Date, years: number): Date {
  const d = new Date(instant);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

const INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * `{"now": …}` as an instant: an ISO 8601 date-time with a zone (`2027-01-31T09:00:00Z`,
 * `…+01:00`) or a date (midnight UTC). Refuses what Date would guess at (`"1"` is 2001)
 * or roll over (`2026-02-30` is 2 March), as a 400.
 */
export function parseInstant(value: unknown): Date {
  const refuse = (message: string) =>
    new InvalidInput('send {"now": "<ISO 8601 instant>"}, like {"now": "2027-01-31T09:00:00Z"}', [
      { path: 'now', message },
    ]);
  if (typeof value !== 'string') throw refuse('required: an ISO 8601 instant as a string');
  const m = INSTANT.exec(value);
  if (!m) throw refuse('not an ISO 8601 instant, like 2027-01-31T09:00:00Z');
  const [, date, hh = '0', mm = '0', ss = '0', , zh = '0', zm = '0'] = m;
  if (!isCalendarDate(date!) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)
    throw refuse('not a date and time that exists');
  if (Number(zh) > 23 || Number(zm) > 59) throw refuse('not a valid time zone offset');
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) throw refuse('not an ISO 8601 instant');
  return instant;
}

interface SavedClock {
  offsetMs: number;
  lastDay: string;
}

export class LocalClock {
  private offsetMs = 0;
  private readonly jobs: DailyJob[] = [];
  private lastDay: string;
  private moving: Promise<unknown> = Promise.resolve();

  /** Whether the clock was read from its saved state (not started afresh). */
  readonly resumed: boolean;

  /**
   * @param startAt where a fresh clock starts (default: the wall clock), so a walkthrough or a
   * demo can begin on the day its dates assume; a saved clock resumes where it was.
   */
  constructor(
    private readonly statePath: string | null,
    startAt?: Date,
  ) {
    const saved = statePath && existsSync(statePath) ? readSaved(statePath) : null;
    this.resumed = saved !== null;
    if (!saved && startAt) this.offsetMs = startAt.getTime() - Date.now();
    if (saved) {
      this.lastDay = saved.lastDay;
      this.offsetMs = saved.offsetMs;
      // A clock saved mid-jump by an older version (ahead of the days its jobs completed
      // by more than any move may take, or past the latest date) goes back to the last
      // completed day: otherwise it could never move again (never back, never past 2100).
      const limit = Math.min(
        addYears(new Date(endOfDay(this.lastDay)), MAX_JUMP_YEARS).getTime(),
        LATEST_INSTANT.getTime(),
      );
      if (!(this.now().getTime() <= limit)) {
        this.offsetMs = Date.parse(`${this.lastDay}T12:00:00Z`) - Date.now();
        console.warn(`local clock: ${statePath} was left mid-move; back to ${this.now().toISOString()}`);
        this.save(this.now().getTime());
      }
    } else this.lastDay = dayOf(this.now());
  }

  now = (): Date => new Date(Date.now() + this.offsetMs);

  /** Jobs that run once for each day the clock crosses, in order. */
  daily(job: DailyJob): void {
    this.jobs.push(job);
  }

  /** Moves to `target` (never back) and runs what became due. Serialised: one move at a time. */
  async moveTo(
    target: Date,
  ): Promise<{ now: string; ran: Array<{ job: string; day: string; result: unknown }> }> {
    const step = this.moving.then(() => this.move(target));
    this.moving = step.catch(() => undefined);
    return step;
  }

  private async move(target: Date) {
    const current = this.now();
    if (Number.isNaN(target.getTime()))
      throw new InvalidInput('the clock moves to an instant', [
        { path: 'now', message: 'not a valid instant' },
      ]);
    if (target.getTime() < current.getTime())
      throw new Conflict(`the clock reads ${current.toISOString()}; it only moves forward`);
    if (target.getTime() > LATEST_INSTANT.getTime())
      throw new RuleViolation(`the clock moves no later than ${LATEST_INSTANT.toISOString()}`, [
        { path: 'now', message: `must be at most ${LATEST_INSTANT.toISOString()}` },
      ]);
    // Counted from the last day whose jobs ran, if earlier: those are the days the move crosses.
    const from = new Date(Math.min(current.getTime(), endOfDay(this.lastDay)));
    const farthest = addYears(from, MAX_JUMP_YEARS);
    if (target.getTime() > farthest.getTime())
      throw new RuleViolation(
        `the clock moves at most ${MAX_JUMP_YEARS} years at once, up to ${farthest.toISOString()}: every day crossed runs the daily jobs; move it in steps`,
        [{ path: 'now', message: `must be at most ${MAX_JUMP_YEARS} years after ${from.toISOString()}` }],
      );
    // While the jobs run, the stack reads the target time (as it would on the target day).
    this.offsetMs = target.getTime() - Date.now();
    const ran: Array<{ job: string; day: string; result: unknown }> = [];
    const targetDay = dayOf(target);
    // Saved as each day completes: a stack stopped mid-move restarts at the last completed day.
    // At `day`, the clock reads the target's time of day (never earlier than it read before).
    const timeOfDay = target.getTime() - Date.parse(`${targetDay}T00:00:00Z`);
    const reached = (day: string) =>
      Math.max(current.getTime(), Math.min(target.getTime(), Date.parse(`${day}T00:00:00Z`) + timeOfDay));
    this.save(current.getTime());
    for (let day = addDays(this.lastDay, 1); day <= targetDay; day = addDays(day, 1)) {
      for (const job of this.jobs) {
        let result: unknown;
        try {
          result = await job.run(day, target);
        } catch (error) {
          // The clock stays at the last day whose jobs all ran; moving it again retries this one.
          const at = reached(this.lastDay);
          this.offsetMs = at - Date.now();
          this.save(at);
          throw new DailyJobFailed(
            `the ${job.name} run of ${day} failed (${(error as Error)?.message ?? String(error)}); the clock stays at ${new Date(at).toISOString()}, the last day whose jobs completed: move it again to retry`,
          );
        }
        ran.push({ job: job.name, day, result });
      }
      this.lastDay = day;
      this.save(reached(day));
    }
    this.save(target.getTime());
    return { now: this.now().toISOString(), ran };
  }

  /** Persists the clock as reading `at` now, with the last day whose jobs completed. */
  private save(at: number): void {
    if (this.statePath)
      writeFileSync(
        this.statePath,
        JSON.stringify({ offsetMs: at - Date.now(), lastDay: this.lastDay } satisfies SavedClock),
      );
  }
}

/** The saved clock, or null (with a warning) when it is missing fields or not JSON at all. */
function readSaved(path: string): SavedClock | null {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedClock> | null;
    if (
      typeof saved?.offsetMs === 'number' &&
      Number.isFinite(saved.offsetMs) &&
      typeof saved.lastDay === 'string' &&
      isCalendarDate(saved.lastDay) &&
      saved.lastDay >= EARLIEST_DATE &&
      saved.lastDay <= LATEST_DATE
    )
      return { offsetMs: saved.offsetMs, lastDay: saved.lastDay };
  } catch {}
  console.warn(`local clock: ${path} is unreadable; starting from the wall clock`);
  return null;
}
