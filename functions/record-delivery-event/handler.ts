/**
 * RecordDeliveryEvent: an EventBridge rule invokes it with each bounce and complaint the
 * SES configuration set publishes (locally, the mailbox simulator's, see local/ses-events.ts).
 * Parse and decide (core/delivery-events.ts) → for each hard-bounced or complaining address,
 * put its suppression key on every roster where it is a contact (renewal reminders then
 * leave it out at no extra read), then mark the address, once. The rosters come first, so an
 * event retried after a failure half-way finishes them; a repeated or later event adds only
 * what is missing (a roster that gained the address since). A transient bounce marks nothing. An
 * event it cannot read, or a write that fails, is thrown: EventBridge retries it, then
 * parks it in the rule's dead-letter queue, whose alarm tells operators.
 */
import { AddressStore } from '../adapters/addresses.ts';
import { marksOf } from '../core/delivery-events.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';

export interface RecordDeliveryEventResult {
  /** Addresses marked by this event. */
  marked: number;
  /** Addresses it names that were already marked (this event again, or an earlier one). */
  alreadyMarked: number;
  ignored?: string;
}

export function makeRecordDeliveryEvent(
  addresses: Pick<AddressStore, 'mark' | 'suppressOnRosters'>,
  clock: () => Date = now,
) {
  return async (event: unknown): Promise<RecordDeliveryEventResult> => {
    const { marks, ignored } = marksOf(event);
    if (ignored) {
      logger.info('delivery event changes nothing', { ignored });
      return { marked: 0, alreadyMarked: 0, ignored };
    }
    let marked = 0;
    let rosters = 0;
    for (const mark of marks) {
      rosters += (await addresses.suppressOnRosters(mark.address)).length;
      if (await addresses.mark(mark, clock().toISOString())) marked++;
    }
    // Which message, never which address: logs carry no email addresses.
    logger.info('delivery event recorded', {
      state: marks[0]?.state,
      messageId: marks[0]?.messageId,
      marked,
      alreadyMarked: marks.length - marked,
      rosters,
    });
    return { marked, alreadyMarked: marks.length - marked };
  };
}

export const handler = logged(
  makeRecordDeliveryEvent(new AddressStore(documentClient, config.table().tableName)),
  (event) => (event as { id?: string }).id,
);
