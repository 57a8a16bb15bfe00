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

  async get(key: NoticeKey): Promise<Notice | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: 'notice',
      }),
    );
    return (out.Item?.notice as Notice | undefined) ?? null;
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
