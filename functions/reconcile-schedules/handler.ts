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
import { WORKFLOWS } from '../catalog.ts';
import { addDays } from '../core/calendar.ts';
import { MILESTONES, milestoneExecutionName, phaseRank } from '../core/lifecycle.ts';
import { gaRunExecutionName } from '../core/upgrades.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { sfnClient } from '../shared/sfn.ts';

export const LOOKBACK_DAYS = 7;

export function makeReconcileSchedules(
  db: DynamoDBDocumentClient,
  tableName: string,
  sfn: SFNClient,
  arns: { transition: string; gaRun: string },
) {
  return async (input: { at: string }) => {
    const today = input.at.slice(0, 10);
    const days = Array.from({ length: LOOKBACK_DAYS + 1 }, (_, i) => addDays(today, -LOOKBACK_DAYS + i));
    const started: string[] = [];
    for (const lifecycle of await dueMilestones(db, tableName, days)) {
      const next = MILESTONES.find(({ phase }) => phaseRank(phase) > phaseRank(lifecycle.phase));
      if (!next || lifecycle[next.milestone] > today) continue;
      const date = lifecycle[next.milestone];
      // On the milestone's day, the schedule's own name; later, a run of that day's name.
      const attempt = date === today ? undefined : `r${today}`;
      const name = milestoneExecutionName(lifecycle.product, lifecycle.major, next.phase, date, attempt);
      const body = { product: lifecycle.product, major: lifecycle.major, event: next.phase, date };
      if (await startOnce(sfn, arns.transition, name, body)) started.push(name);
    }
    for (const release of await dueReleases(db, tableName, days)) {
      if (release.gaDate > today) continue;
      const body = { product: release.product, version: release.version, gaDate: release.gaDate };
      // On the GA day, the schedule's own name; on a later day, a run of that day's name.
      const attempt = release.gaDate === today ? undefined : `r${today}`;
      const name = gaRunExecutionName(release.product, release.version, release.gaDate, attempt);
      if (await startOnce(sfn, arns.gaRun, name, body)) started.push(name);
    }
    return { started };
  };
}

export const handler = makeReconcileSchedules(documentClient, requireEnv('TABLE_NAME'), sfnClient, {
  transition: requireEnv(WORKFLOWS.LifecycleTransition.arnVariable),
  gaRun: requireEnv(WORKFLOWS.UpgradeDecisions.arnVariable),
});
