/**
 * Task of lifecycle-transition: a major's schedule was set or changed, or one of its
 * milestones came due. Load the lifecycle → move the phase forward by a conditional
 * write (a repeated, late or stale delivery changes nothing) → owe each concerned contact
 * one notice → start their deliveries. Re-running it sends nothing twice.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { WORKFLOWS } from '../catalog.ts';
import { MILESTONES, phaseRank } from '../core/lifecycle.ts';
import { type LifecycleNoticeEvent, lifecycleNotice } from '../core/lifecycle-notices.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';

export interface LifecycleEventInput {
  product: string;
  major: number;
  event: LifecycleNoticeEvent;
  /** A milestone's date as scheduled: a delivery for a date since moved is stale. */
  date?: string;
  revision?: number;
}

export function makeApplyLifecycleEvent(store: LifecycleStore, deliveries: Deliveries) {
  return async (input: LifecycleEventInput) => {
    const lifecycle = await store.get(input.product, input.major);
    if (!lifecycle) return { applied: false, reason: 'no lifecycle' };
    const at = now().toISOString();
    if (input.event === 'SCHEDULED') {
      if (input.revision !== undefined && input.revision !== lifecycle.revision)
        return {
          applied: false,
          reason: `revision ${input.revision} was superseded by ${lifecycle.revision}`,
        };
    } else {
      const milestone = MILESTONES.find((m) => m.phase === input.event)!.milestone;
      if (lifecycle[milestone] !== input.date)
        return { applied: false, reason: `${milestone} is now ${lifecycle[milestone]}, not ${input.date}` };
      const moved = await store.transition(lifecycle, input.event, input.date, at);
      // Not moved and not already there: an earlier milestone has not passed yet (cannot happen by the order rule).
      if (!moved && phaseRank(lifecycle.phase) < phaseRank(input.event))
        return { applied: false, reason: `phase is ${lifecycle.phase}` };
    }
    if (lifecycle.legacy) return { applied: true, notices: 0 };
    const impact = await store.impact(lifecycle.product, lifecycle.major);
    const owed: string[] = [];
    for (const recipient of impact.recipients) {
      const notice = lifecycleNotice(lifecycle, input.event, recipient, at);
      await store.owe(notice);
      owed.push(notice.id); // started even if owed before: a start by the same name is refused
    }
    await deliveries.start(owed);
    logger.info('lifecycle event applied', { ...input, notices: owed.length });
    return { applied: true, notices: owed.length };
  };
}

export const handler = makeApplyLifecycleEvent(
  new LifecycleStore(documentClient, requireEnv('TABLE_NAME')),
  new Deliveries(sfnClient, requireEnv(WORKFLOWS.DeliverNotice.arnVariable)),
);
