/**
 * Schedule a major's end of life, partial support and end of support (PUT
 * /products/{p}/majors/{m}/lifecycle):
 * 1. read the lifecycle as stored and the product's releases (the major's GA date is its
 *    earliest release's);
 * 2. decide (core/lifecycle: 422 out of order, 409 moving a passed milestone; the same dates
 *    again change nothing);
 * 3. read who is concerned; a first schedule needs a registered serial of the major (404);
 * 4. a dry run stops here, with the impact;
 * 5. store a change (409 when another request changed it meanwhile);
 * 6. put one one-time schedule per milestone still to come, and start the run that tells
 *    customers of this revision.
 * A retry of the same schedule stores nothing again, but finishes what a failed attempt
 * left: the schedules are put again (an update), the notice run started again (refused by name).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Impact, LifecycleStore } from '../adapters/lifecycle.ts';
import type { ReleaseStore } from '../adapters/releases.ts';
import type { OneTimeSchedules } from '../adapters/scheduler.ts';
import { startOnce } from '../adapters/workflows.ts';
import type { Actor } from '../core/actors.ts';
import { dayOf } from '../core/calendar.ts';
import { Conflict } from '../core/errors.ts';
import {
  decideSchedule,
  type LifecycleRequest,
  type MajorLifecycle,
  milestoneSchedules,
  type Phase,
  requireRegisteredSerials,
  scheduledNoticeRun,
} from '../core/lifecycle.ts';
import { majorGaDates } from '../core/upgrades.ts';

export interface LifecycleCommand {
  product: string;
  major: number;
  request: LifecycleRequest;
  dryRun: boolean;
  requestId: string;
  /** Who schedules: kept in the major's history. */
  actor: Actor;
}

/** How many serials, contacts and certificates a schedule concerns. */
export interface ImpactCounts {
  serials: number;
  contacts: number;
  certificates: number;
}

export type LifecycleScheduled =
  | { dryRun: true; phase: Phase; impact: ImpactCounts }
  | { dryRun: false; lifecycle: MajorLifecycle; created: boolean; impact: ImpactCounts };

const counts = (i: Impact): ImpactCounts => ({
  serials: i.serials,
  contacts: i.contacts.length,
  certificates: i.certificates,
});

export function scheduleLifecycle(
  store: LifecycleStore,
  releases: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  transitionArn: string,
) {
  return async (command: LifecycleCommand, at: Date): Promise<LifecycleScheduled> => {
    const { product, major, request } = command;
    const [current, announced] = await Promise.all([store.get(product, major), releases.list(product)]);
    const gaDate = majorGaDates(announced).get(major);
    const lifecycle = decideSchedule(product, major, request, current, at, gaDate);
    const impact = await store.impact(product, major);
    if (!current) requireRegisteredSerials({ product, major }, impact.serials > 0);
    if (command.dryRun) return { dryRun: true, phase: lifecycle.phase, impact: counts(impact) };

    if (lifecycle !== current)
      await store
        .saveSchedule(lifecycle, {
          at: at.toISOString(),
          event: current ? 'RESCHEDULED' : 'SCHEDULED',
          requestId: command.requestId,
          actor: command.actor,
          dates: request,
        })
        .catch((error: Error) => {
          if (error.name !== 'TransactionCanceledException') throw error;
          throw new Conflict(
            `the lifecycle of ${product} ${major} changed meanwhile: read it again and retry`,
          );
        });
    for (const schedule of milestoneSchedules(lifecycle, dayOf(at)))
      await schedules.put({ ...schedule, workflow: 'LifecycleTransition' });
    const run = scheduledNoticeRun(lifecycle);
    await startOnce(sfn, transitionArn, run.name, run.input);
    return { dryRun: false, lifecycle, created: !current, impact: counts(impact) };
  };
}
