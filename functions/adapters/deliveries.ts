/**
 * Starting the durable delivery of recorded notices: one deliver-notice execution per
 * notice, named after it, so a second start is refused and one email goes out.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { pool } from '../shared/pool.ts';
import { deliveryOf } from './notices.ts';
import { startOnce } from './workflows.ts';

export class Deliveries {
  constructor(
    private readonly sfn: SFNClient,
    private readonly deliverNoticeArn: string,
  ) {}

  async start(noticeIds: string[], concurrency = 10): Promise<void> {
    await pool(noticeIds.map(deliveryOf), concurrency, ({ executionName, noticeKey }) =>
      startOnce(this.sfn, this.deliverNoticeArn, executionName, { noticeKey }),
    );
  }
}
