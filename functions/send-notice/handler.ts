/**
 * Task of deliver-notice: send one recorded notice by SES, once.
 * Read the notice → already sent? done → send → mark sent. A failure that will pass
 * (throttling, SES down) is thrown as NoticeDeliveryDeferred, which the state machine
 * retries with backoff for hours; a rejected address is recorded and not retried. An address
 * SES reported as hard-bounced or complaining (record-delivery-event) is not attempted: the
 * notice is recorded UNDELIVERABLE with that reason, for licensing ops to correct the address
 * (renewal reminders excepted: their claim already left such addresses out).
 */

import { AddressStore } from '../adapters/addresses.ts';
import { Mailer, PermanentMailFailure, TransientMailFailure } from '../adapters/mailer.ts';
import { type NoticeKey, NoticeStore } from '../adapters/notices.ts';
import { suppressionReason } from '../core/delivery-events.ts';
import { listUnsubscribeHeaders } from '../core/unsubscribe.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { sesClient } from '../shared/ses.ts';

export class NoticeDeliveryDeferred extends Error {
  override readonly name = 'NoticeDeliveryDeferred';
}

export interface SendNoticeInput {
  noticeKey: NoticeKey;
  /** Set when the workflow gave up on the notice: record it UNDELIVERABLE instead of sending. */
  gaveUp?: { Error?: string; Cause?: string };
}
export interface SendNoticeResult {
  status: 'SENT' | 'ALREADY_SENT' | 'UNDELIVERABLE' | 'MISSING';
  messageId?: string;
}

export function makeSendNotice(
  notices: NoticeStore,
  mailer: Mailer,
  addresses: Pick<AddressStore, 'get'>,
  clock: () => Date = now,
) {
  return async (input: SendNoticeInput): Promise<SendNoticeResult> => {
    if (input.gaveUp) {
      const failure = input.gaveUp.Cause || input.gaveUp.Error || 'delivery failed';
      await notices.markUndeliverable(input.noticeKey, failure, clock().toISOString());
      logger.warn('notice undeliverable', { noticeKey: input.noticeKey, error: failure });
      return { status: 'UNDELIVERABLE' };
    }
    const notice = await notices.get(input.noticeKey);
    if (!notice) {
      logger.error('notice not found', { noticeKey: input.noticeKey });
      return { status: 'MISSING' };
    }
    if (notice.status !== 'PENDING') {
      // A re-driven or repeated delivery: finish what the first one may not have (receipts, index).
      await notices.clearPending(input.noticeKey);
      if (notice.status === 'UNDELIVERABLE') return { status: 'UNDELIVERABLE' };
      if (notice.receipts?.length)
        await notices.markReceipts(notice.receipts, notice.id, clock().toISOString());
      return { status: 'ALREADY_SENT', ...(notice.messageId ? { messageId: notice.messageId } : {}) };
    }
    // Never write again to an address that bounced hard or complained: SES would count it against the account.
    // A renewal reminder digest is not checked here (half a read unit per reminder): its claim left out
    // addresses suppressed on the roster (record-delivery-event puts them there). That leaves a window:
    // a bounce recorded between the claim and this send gets one more attempt, which SES's
    // account-level suppression list also stops on AWS. Every other notice is checked as it is sent.
    const suppressed = notice.kind === 'RENEWAL_REMINDER' ? null : await addresses.get(notice.to);
    if (suppressed) {
      const failure = suppressionReason(suppressed);
      await notices.markUndeliverable(input.noticeKey, failure, clock().toISOString());
      logger.warn('notice not attempted', { noticeId: notice.id, error: failure });
      return { status: 'UNDELIVERABLE' };
    }
    try {
      const { messageId } = await mailer.send({
        to: notice.to,
        template: notice.template,
        language: notice.language,
        data: notice.data,
        tags: { notice: notice.kind },
        // A renewal reminder can be left with one click (RFC 8058): its link, as headers too.
        ...(notice.kind === 'RENEWAL_REMINDER'
          ? { headers: listUnsubscribeHeaders(notice.data.unsubscribeUrl) }
          : {}),
      });
      await notices.markSent(input.noticeKey, messageId, clock().toISOString());
      if (notice.receipts?.length)
        await notices.markReceipts(notice.receipts, notice.id, clock().toISOString());
      logger.info('notice sent', { noticeId: notice.id, kind: notice.kind, messageId });
      return { status: 'SENT', messageId };
    } catch (error) {
      if (error instanceof PermanentMailFailure) {
        await notices.markUndeliverable(input.noticeKey, error.message, clock().toISOString());
        logger.warn('notice undeliverable', { noticeId: notice.id, error: error.message });
        return { status: 'UNDELIVERABLE' };
      }
      if (error instanceof TransientMailFailure) {
        logger.warn('notice delivery deferred', { noticeId: notice.id, error: error.message });
        throw new NoticeDeliveryDeferred(error.message);
      }
      throw error;
    }
  };
}

export const handler = logged(
  makeSendNotice(
    new NoticeStore(documentClient, config.table().tableName),
    new Mailer(sesClient, config.mailer()),
    new AddressStore(documentClient, config.table().tableName),
  ),
  (input) => input.noticeKey.PK,
);
