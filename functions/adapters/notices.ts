/**
 * Notice delivery state, on whichever item owns the notice (its `notice` attribute).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { reminderSent } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import { cancellationCodes, queryPages, written } from './items.ts';
import { outboxPut } from './outbox.ts';
import { keys, PENDING_NOTICE_SHARDS, TABLE_DESIGN } from './table-design.ts';

export interface NoticeKey {
  PK: string;
  SK: string;
}

/** What a workflow needs to start a notice's delivery: deliver-notice's input, under the notice's name. */
export interface NoticeDelivery {
  executionName: string;
  noticeKey: NoticeKey;
}

/** The delivery of a notice stored on its own item (a digest, an upgrade or lifecycle notice). */
export const deliveryOf = (noticeId: string): NoticeDelivery => ({
  executionName: noticeId,
  noticeKey: keys.notice(noticeId),
});

/** The delivery of a Contact ID email, which is stored on its contact's item. */
export const contactIdDelivery = (noticeId: string, contactId: string): NoticeDelivery => ({
  executionName: noticeId,
  noticeKey: keys.contact(contactId),
});

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

  /**
   * The ledger entries a digest answers for (`PK|SK`): this digest is no longer pending
   * for them, and an entry whose every digest has gone is SENT and leaves the day's index.
   */
  async markReceipts(receipts: string[], digestId: string, at: string): Promise<void> {
    for (const receipt of receipts) {
      const [PK, SK] = receipt.split('|');
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK, SK },
          UpdateExpression: 'DELETE pendingDigests :digest',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':digest': new Set([digestId]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const rest = out.Attributes?.pendingDigests as Set<string> | undefined;
      if (rest?.size || Number(out.Attributes?.unplaced ?? 0) > 0) continue;
      // SENT, with its ReminderSent event (adapters/outbox); a repeat rewrites the same event, unpublished.
      await transactWritten(
        this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { PK, SK },
                  UpdateExpression:
                    'SET #status = :sent, sentAt = if_not_exists(sentAt, :at) REMOVE GSI2PK, GSI2SK',
                  // A line placed meanwhile keeps the entry open.
                  ConditionExpression:
                    'attribute_not_exists(pendingDigests) AND (attribute_not_exists(unplaced) OR unplaced <= :zero)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':sent': 'SENT', ':at': at, ':zero': 0 },
                },
              },
              outboxPut(this.tableName, reminderSent(ledgerEntryOf(String(PK), String(SK)), at)),
            ],
          }),
        ),
      );
    }
  }

  /** Whether the notice on an item is still owed: the re-driver asks before it restarts one. */
  async status(key: NoticeKey): Promise<Notice['status'] | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: 'notice.#status',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    return ((out.Item?.notice as { status?: Notice['status'] } | undefined)?.status ?? null) as
      | Notice['status']
      | null;
  }

  /** Takes a notice that is no longer PENDING out of the pending index (a re-add after it went). */
  async clearPending(key: NoticeKey): Promise<void> {
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE GSI3PK, GSI3SK',
          ConditionExpression: 'attribute_exists(PK) AND notice.#status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      ),
    );
  }

  /**
   * Notices PENDING since before `cutoff` (ISO time), every shard, oldest first: what a
   * crashed writer or a lost start left behind. Keys only: the item and the notice id.
   */
  async *pendingBefore(
    cutoff: string,
  ): AsyncGenerator<Array<{ key: NoticeKey; noticeId: string; since: string }>> {
    const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.pendingNotices;
    for (let shard = 0; shard < PENDING_NOTICE_SHARDS; shard++)
      for await (const items of queryPages(this.db, {
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :shard AND ${sortKey} < :cutoff`,
        ExpressionAttributeValues: { ':shard': keys.pendingNoticeShard(shard), ':cutoff': cutoff },
      }))
        yield items.map((i) => ({
          key: { PK: String(i.PK), SK: String(i.SK) },
          ...keys.pendingNoticeOf(String(i[sortKey])),
        }));
  }

  /** PENDING → SENT, once; a second marking finds it SENT and changes nothing. */
  async markSent(key: NoticeKey, messageId: string, at: string): Promise<void> {
    await this.settle(key, 'SENT', { messageId, sentAt: at });
  }

  /** PENDING → UNDELIVERABLE, with its cause and time, once: SES refused it, or its workflow gave up. */
  async markUndeliverable(key: NoticeKey, failure: string, at: string): Promise<void> {
    await this.settle(key, 'UNDELIVERABLE', { failure, failedAt: at });
  }

  /** A PENDING notice's final status and what it records; it leaves the pending index. */
  private async settle(
    key: NoticeKey,
    status: Exclude<Notice['status'], 'PENDING'>,
    recorded: Record<string, string>,
  ): Promise<void> {
    const fields = Object.keys(recorded);
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET notice.#status = :status, ${fields.map((f) => `notice.${f} = :${f}`).join(', ')} REMOVE GSI3PK, GSI3SK`,
          ConditionExpression: 'notice.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':pending': 'PENDING',
            ...Object.fromEntries(fields.map((f) => [`:${f}`, recorded[f]])),
          },
        }),
      ),
    );
  }
}

/** A reminder ledger entry's facts, from its key (keys.reminder: CERT#<n> / REMINDER#<term end>#<offset>). */
function ledgerEntryOf(
  PK: string,
  SK: string,
): { certificateNumber: string; termEnd: string; offset: number } {
  const [, termEnd, offset] = SK.split('#');
  return { certificateNumber: PK.replace(/^CERT#/, ''), termEnd: String(termEnd), offset: Number(offset) };
}

/** Whether a transaction happened: false when a condition cancelled it; any other error is thrown. */
async function transactWritten(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}
