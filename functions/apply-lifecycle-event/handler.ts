/**
 * Task of lifecycle-transition: a major's schedule was set or changed, or one of its
 * milestones came due. Load the lifecycle → a stale run (a revision superseded, a milestone
 * moved) changes nothing → move the phase forward by a conditional write (a repeated or late
 * delivery changes nothing) → owe each concerned address one notice (core/lifecycle-notices:
 * none for a legacy major) → start their deliveries. Re-running it sends nothing twice.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { LifecycleStore } from '../adapters/lifecycle.ts';
import { SERVICE_ACTOR } from '../core/actors.ts';
import { type LifecycleEventInput, phaseRank, staleLifecycleEvent } from '../core/lifecycle.ts';
import { lifecycleNotices, sendsLifecycleNotices } from '../core/lifecycle-notices.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';

export function makeApplyLifecycleEvent(
  store: LifecycleStore,
  deliveries: Deliveries,
  /** The stage's links, read once at cold start. */
  links: NoticeLinks = DEFAULT_LINKS,
) {
  return async (input: LifecycleEventInput) => {
    // A milestone passes on its date: the service acts, not a person.
    logger.appendKeys({ actor: SERVICE_ACTOR });
    const lifecycle = await store.get(input.product, input.major);
    if (!lifecycle) return { applied: false, reason: 'no lifecycle' };
    const stale = staleLifecycleEvent(lifecycle, input);
    if (stale) return { applied: false, reason: stale };
    const at = now().toISOString();
    if (input.event !== 'SCHEDULED') {
      const moved = await store.transition(lifecycle, input.event, input.date!, at, SERVICE_ACTOR);
      // Not moved and not already there: an earlier milestone has not passed yet (cannot happen by the order rule).
      if (!moved && phaseRank(lifecycle.phase) < phaseRank(input.event))
        return { applied: false, reason: `phase is ${lifecycle.phase}` };
    }
    // Nobody to tell: no need to read who is concerned.
    if (!sendsLifecycleNotices(lifecycle)) return { applied: true, notices: 0 };
    const { contacts } = await store.impact(lifecycle.product, lifecycle.major);
    const notices = lifecycleNotices(lifecycle, input.event, contacts, at, links);
    for (const notice of notices) await store.owe(notice);
    // Started even if owed before: a start by the same name is refused.
    await deliveries.start(notices.map((n) => n.id));
    logger.info('lifecycle event applied', { ...input, notices: notices.length });
    return { applied: true, notices: notices.length };
  };
}

export const handler = logged(
  makeApplyLifecycleEvent(
    new LifecycleStore(documentClient, config.table().tableName),
    new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
    config.links(),
  ),
  (input) => `${input.product}#${input.major}#${input.event}@${input.date ?? `revision ${input.revision}`}`,
);
