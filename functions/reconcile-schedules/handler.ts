/**
 * The daily reconciler of one-time schedules: a lifecycle milestone or a GA date whose
 * schedule was missed (deleted, dead-lettered, never created) still passes. Reads the
 * due-date index for the last week through today and starts the transition or the GA
 * run under the same execution name its schedule uses, so one that already ran is
 * refused and nothing happens twice. One still due a day later (its run failed, or never
 * started) is started again under a name for that day: transitions, decisions and
 * notices are idempotent, so a second run changes nothing that the first did.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueMilestones } from '../adapters/lifecycle.ts';
import { dueReleases } from '../adapters/releases.ts';
import { startOnce } from '../adapters/workflows.ts';
import { addDays, dayOf } from '../core/calendar.ts';
import { milestoneRun, nextMilestone } from '../core/lifecycle.ts';
import { gaRun } from '../core/upgrades.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';

export const LOOKBACK_DAYS = 7;

export function makeReconcileSchedules(
  db: DynamoDBDocumentClient,
  tableName: string,
  sfn: SFNClient,
  arns: { transition: string; gaRun: string },
) {
  return async (input: { at: string }) => {
    const today = dayOf(input.at);
    const days = Array.from({ length: LOOKBACK_DAYS + 1 }, (_, i) => addDays(today, -LOOKBACK_DAYS + i));
    const started: string[] = [];
    const [milestones, releases] = await Promise.all([
      dueMilestones(db, tableName, days),
      dueReleases(db, tableName, days),
    ]);
    for (const lifecycle of milestones) {
      const next = nextMilestone(lifecycle.phase);
      if (!next || lifecycle[next.milestone] > today) continue;
      const date = lifecycle[next.milestone];
      // On the milestone's day, the schedule's own name; later, a run of that day's name.
      const attempt = date === today ? undefined : `r${today}`;
      const run = milestoneRun(lifecycle.product, lifecycle.major, next.phase, date, attempt);
      if (await startOnce(sfn, arns.transition, run.name, run.input)) started.push(run.name);
    }
    for (const release of releases) {
      if (release.gaDate > today) continue;
      // On the GA day, the schedule's own name; on a later day, a run of that day's name.
      const run = gaRun(release, release.gaDate === today ? undefined : `r${today}`);
      if (await startOnce(sfn, arns.gaRun, run.name, run.input)) started.push(run.name);
    }
    return { started };
  };
}

export const handler = logged(
  makeReconcileSchedules(documentClient, config.table().tableName, sfnClient, {
    transition: config.workflowArn('LifecycleTransition'),
    gaRun: config.workflowArn('UpgradeDecisions'),
  }),
);
