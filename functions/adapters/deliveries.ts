/**
 * Starting the durable delivery of recorded notices: one deliver-notice execution per
 * notice, named after it, so a second start is refused and one email goes out.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { keys } from './table-design.ts';

export class Deliveries {
  constructor(
    private readonly sfn: SFNClient,
    private readonly deliverNoticeArn: string,
  ) {}

  async start(noticeIds: string[], concurrency = 10): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, noticeIds.length) }, async () => {
        while (next < noticeIds.length) {
          const id = noticeIds[next++]!;
          await this.sfn
            .send(
              new StartExecutionCommand({
                stateMachineArn: this.deliverNoticeArn,
                name: id,
                input: JSON.stringify({ noticeKey: keys.notice(id) }),
              }),
            )
            .catch((error: Error) => {
              if (!/ExecutionAlreadyExists/.test(error.name)) throw error;
            });
        }
      }),
    );
  }
}
