/**
 * The notice re-driver (a rate schedule invokes it every few minutes; locally, at start-up
 * and every day the clock crosses). A notice is recorded PENDING with the fact that owes
 * it, and its delivery is started right after; a writer that stopped in between (a crash,
 * a timeout, a lost start) leaves it PENDING. Read the pending index up to a cutoff →
 * start delivery under the notice's own name (refused if it was started before, so nothing
 * is sent twice) → a refused start of a notice no longer PENDING cleans the index; one
 * still PENDING long after its delivery must have ended is started again under the day's name.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { NoticeStore } from '../adapters/notices.ts';
import { startOnce } from '../adapters/workflows.ts';
import { dayOf } from '../core/calendar.ts';
import { REDELIVER_AFTER_MINUTES, redeliveryName, redeliveryStep } from '../core/notices.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { pool } from '../shared/pool.ts';
import { sfnClient } from '../shared/sfn.ts';

export interface RedeliverNoticesInput {
  /** The run's time (`<aws.scheduler.scheduled-time>`); defaults to now. */
  at?: string;
  /** Take notices pending for at least this long (default REDELIVER_AFTER_MINUTES; 0 locally at start-up). */
  olderThanMinutes?: number;
}

export interface RedeliverNoticesOutput {
  examined: number;
  started: number;
  restarted: number;
  running: number;
  cleared: number;
}

export function makeRedeliverNotices(notices: NoticeStore, sfn: SFNClient, deliverNoticeArn: string) {
  return async (input: RedeliverNoticesInput = {}): Promise<RedeliverNoticesOutput> => {
    const now = input.at ? new Date(input.at) : new Date();
    const olderThan = input.olderThanMinutes ?? REDELIVER_AFTER_MINUTES;
    const cutoff = new Date(now.getTime() - olderThan * 60_000).toISOString();
    const result: RedeliverNoticesOutput = { examined: 0, started: 0, restarted: 0, running: 0, cleared: 0 };
    for await (const page of notices.pendingBefore(cutoff)) {
      result.examined += page.length;
      await pool(page, 10, async ({ key, noticeId, since }) => {
        const started = await startOnce(sfn, deliverNoticeArn, noticeId, { noticeKey: key });
        const step = redeliveryStep(started, started ? 'PENDING' : await notices.status(key), since, now);
        if (step === 'START') result.started++;
        else if (step === 'CLEAR') {
          await notices.clearPending(key);
          result.cleared++;
        } else if (step === 'LEAVE_RUNNING') result.running++;
        else if (
          await startOnce(sfn, deliverNoticeArn, redeliveryName(noticeId, dayOf(now)), { noticeKey: key })
        )
          result.restarted++;
      });
    }
    if (result.started || result.restarted) logger.warn('pending notices re-driven', { ...result });
    return result;
  };
}

export const handler = logged(
  makeRedeliverNotices(
    new NoticeStore(documentClient, config.table().tableName),
    sfnClient,
    config.workflowArn('DeliverNotice'),
  ),
);
