/**
 * The local stack's clock: wall time plus an offset that only grows. Moving it
 * forward runs, before answering, every job that became due — one daily run for each
 * day crossed — as EventBridge Scheduler would have on AWS.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addDays, dayOf } from '../functions/core/calendar.ts';
import { Conflict } from '../functions/core/errors.ts';

export type DailyJob = { name: string; run: (day: string, at: Date) => Promise<unknown> };

export class LocalClock {
  private offsetMs = 0;
  private readonly jobs: DailyJob[] = [];
  private lastDay: string;
  private moving: Promise<unknown> = Promise.resolve();

  constructor(private readonly statePath: string | null) {
    if (statePath && existsSync(statePath)) {
      const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { offsetMs: number; lastDay: string };
      this.offsetMs = saved.offsetMs;
      this.lastDay = saved.lastDay;
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
    if (target.getTime() < current.getTime())
      throw new Conflict(`the clock reads ${current.toISOString()}; it only moves forward`);
    this.offsetMs = target.getTime() - Date.now();
    const ran: Array<{ job: string; day: string; result: unknown }> = [];
    const targetDay = dayOf(target);
    for (let day = addDays(this.lastDay, 1); day <= targetDay; day = addDays(day, 1)) {
      for (const job of this.jobs) ran.push({ job: job.name, day, result: await job.run(day, target) });
      this.lastDay = day;
      this.save();
    }
    this.save();
    return { now: this.now().toISOString(), ran };
  }

  private save(): void {
    if (this.statePath)
      writeFileSync(this.statePath, JSON.stringify({ offsetMs: this.offsetMs, lastDay: this.lastDay }));
  }
}
