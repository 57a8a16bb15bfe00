/**
 * Task of renewal-reminders, once per index shard of the day, after every shard has
 * claimed: the day's claims not yet sent (this run's and any an interrupted attempt left) →
 * lines still to place → each digest's delivery started under its own name
 * (use-cases/remind-renewals.ts). Digest ids stay in the table, not in the run's state.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { ReminderStore } from '../adapters/reminders.ts';
import { dayOf } from '../core/calendar.ts';
import type { UnsubscribeSigning } from '../core/unsubscribe.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';
import { deliverRenewalReminders, type RemindersDelivered } from '../use-cases/remind-renewals.ts';

export interface DeliverReminderDigestsInput {
  /** The run's scheduled time or day: its UTC date is the day. */
  at: string;
  shard: number;
}

export function makeDeliverReminderDigests(
  store: ReminderStore,
  deliveries: Deliveries,
  renewUrl = '',
  unsubscribe?: UnsubscribeSigning,
) {
  return async (input: DeliverReminderDigestsInput): Promise<RemindersDelivered> => {
    const delivered = await deliverRenewalReminders(store, deliveries, {
      day: dayOf(input.at),
      shard: input.shard,
      renewUrl,
      ...(unsubscribe ? { unsubscribe } : {}),
    });
    logger.info('renewal reminder digests handed to delivery', { ...delivered });
    return delivered;
  };
}

export const handler = logged(
  makeDeliverReminderDigests(
    new ReminderStore(documentClient, config.table().tableName),
    new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
    config.links().renewalUrl,
    config.unsubscribe(),
  ),
  (input) => `reminders-${dayOf(input.at)}`,
);
