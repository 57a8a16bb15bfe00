/**
 * First Task of renewal-reminders: the shards of the due-date index the day's work is
 * spread over, so the state machine fans out over them without knowing the table's design.
 */
import { dueShards } from '../adapters/table-design.ts';
import { dayOf } from '../core/calendar.ts';
import { logged } from '../shared/logger.ts';

export interface ReminderRunInput {
  /** The run's scheduled time (`<aws.scheduler.scheduled-time>`) or day. */
  at: string;
}

export interface ReminderRunPlan extends ReminderRunInput {
  shards: number[];
}

export const handler = logged(
  async (input: ReminderRunInput): Promise<ReminderRunPlan> => ({
    at: input.at,
    shards: dueShards(),
  }),
  (input) => `reminders-${dayOf(input.at)}`,
);
