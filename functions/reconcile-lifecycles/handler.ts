/**
 * The daily lifecycle reconciler: a milestone whose one-time schedule was missed (deleted,
 * dead-lettered, never created) still passes. Reads the due-date index for the last week
 * through today and starts the transition under the same execution name the schedule
 * uses, so one that already ran is refused and nothing happens twice.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dueMilestones } from '../adapters/lifecycle.ts';
import { WORKFLOWS } from '../catalog.ts';
import { addDays } from '../core/calendar.ts';
import { MILESTONES, milestoneExecutionName, phaseRank } from '../core/lifecycle.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { sfnClient } from '../shared/sfn.ts';

export const LOOKBACK_DAYS = 7;

export function makeReconcileLifecycles(tableName: string, sfn: SFNClient, transitionArn: string) {
  return async (input: { at: string }) => {
    const today = input.at.slice(0, 10);
    const days = Array.from({ length: LOOKBACK_DAYS + 1 }, (_, i) => addDays(today, -LOOKBACK_DAYS + i));
    const started: string[] = [];
    for (const lifecycle of await dueMilestones(documentClient, tableName, days)) {
      const next = MILESTONES.find(({ phase }) => phaseRank(phase) > phaseRank(lifecycle.phase));
      if (!next || lifecycle[next.milestone] > today) continue;
      const name = milestoneExecutionName(
        lifecycle.product,
        lifecycle.major,
        next.phase,
        lifecycle[next.milestone],
      );
      await sfn
        .send(
          new StartExecutionCommand({
            stateMachineArn: transitionArn,
            name,
            input: JSON.stringify({
              product: lifecycle.product,
              major: lifecycle.major,
              event: next.phase,
              date: lifecycle[next.milestone],
            }),
          }),
        )
        .then(() => started.push(name))
        .catch((error: Error) => {
          if (!/ExecutionAlreadyExists/.test(error.name)) throw error;
        });
    }
    return { started };
  };
}

export const handler = makeReconcileLifecycles(
  requireEnv('TABLE_NAME'),
  sfnClient,
  requireEnv(WORKFLOWS.LifecycleTransition.arnVariable),
);
