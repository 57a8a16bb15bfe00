/**
 * Notice delivery state, on whichever item owns the notice (its `notice` attribute).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Notice } from '../core/notices.ts';

export interface NoticeKey {
  PK: string;
  SK: string;
}

export class NoticeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The notice, ready to render. A digest (renewal reminders) gathers its lines beside the
   * notice as the run finds them; they become the template's `certificates` here.
   */
  async get(key: NoticeKey): Promise<(Notice & { receipts?: string[] }) | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: 'notice, #lines, receipts',
        ExpressionAttributeNames: { '#lines': 'lines' },
      }),
    );
    const notice = out.Item?.notice as Notice | undefined;
    if (!notice) return null;
    const lines = out.Item?.lines as Set<string> | undefined;
    const receipts = out.Item?.receipts as Set<string> | undefined;
    if (!lines) return notice;
    // Lines gathered from several writes (a digest's certificates, an upgrade's serials), in a stable order.
    const listName = typeof notice.data.listName === 'string' ? notice.data.listName : 'certificates';
    const list = [...lines].sort().map((l) => JSON.parse(l) as Record<string, unknown>);
    return {
      ...notice,
      data: { ...notice.data, [listName]: list, count: list.length },
      ...(receipts ? { receipts: [...receipts].sort() } : {}),
    };
  }

  /** The ledger entries a digest answers for (`PK|SK`), marked sent once it has gone. */
  async markReceipts(receipts: string[], at: string): Promise<void> {
    for (const receipt of receipts) {
      const [PK, SK] = receipt.split('|');
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK, SK },
          UpdateExpression: 'SET #status = :sent, sentAt = if_not_exists(sentAt, :at)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':at': at },
        }),
      );
    }
  }

  /** PENDING → SENT, once; a second marking finds it SENT and changes nothing. */
  async markSent(key: NoticeKey, messageId: string, at: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET notice.#status = :sent, notice.messageId = :id, notice.sentAt = :at',
          ConditionExpression: 'notice.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':id': messageId, ':at': at },
        }),
      )
      .catch(ignoreConditionFailure);
  }

  async markUndeliverable(key: NoticeKey, failure: string, at: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET notice.#status = :undeliverable, notice.failure = :failure, notice.failedAt = :at',
          ConditionExpression: 'notice.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':undeliverable': 'UNDELIVERABLE',
            ':pending': 'PENDING',
            ':failure': failure,
            ':at': at,
          },
        }),
      )
      .catch(ignoreConditionFailure);
  }
}

function ignoreConditionFailure(error: unknown): void {
  if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
}
