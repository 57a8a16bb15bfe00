/**
 * Task of renewal-reminders, once per index shard of the day: claim each certificate due
 * and put its line on each recipient's digest (use-cases/remind-renewals.ts) → answer the
 * counts. Delivery is the DeliverReminderDigests Task's, once every shard has claimed.
 */
import { ReminderStore } from '../adapters/reminders.ts';
import { dayOf } from '../core/calendar.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import type { UnsubscribeSigning } from '../core/unsubscribe.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { claimRenewalReminders, type RemindersClaimed } from '../use-cases/remind-renewals.ts';

export interface ClaimDueRemindersInput {
  /** The run's scheduled time (`<aws.scheduler.scheduled-time>`) or day: its UTC date is the day. */
  at: string;
  shard: number;
}

export type ClaimDueRemindersOutput = RemindersClaimed;

export function makeClaimDueReminders(
  store: ReminderStore,
  offsets: ReminderOffsets = {},
  renewUrl = '',
  unsubscribe?: UnsubscribeSigning,
) {
  return async (input: ClaimDueRemindersInput): Promise<ClaimDueRemindersOutput> => {
    const claimed = await claimRenewalReminders(store, {
      day: dayOf(input.at),
      shard: input.shard,
      offsets,
      renewUrl,
      ...(unsubscribe ? { unsubscribe } : {}),
    });
    logger.info('renewal reminders claimed', { ...claimed });
    return claimed;
  };
}

export const handler = logged(
  makeClaimDueReminders(
    new ReminderStore(documentClient, config.table().tableName),
    config.reminders().offsets,
    config.links().renewalUrl,
    config.unsubscribe(),
  ),
  (input) => `reminders-${dayOf(input.at)}`,
);
