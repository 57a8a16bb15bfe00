/**
 * Renewal reminders in the table: what is due on a day (the sparse DueByDate index,
 * never a Scan), the ledger that makes each (certificate, term end, offset) go once,
 * and the per-recipient digest notices that the deliver-notice workflow sends.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Notice } from '../core/notices.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import type { DueReminder, ReminderLine } from '../core/reminders.ts';
import type { ReadCost } from './batch-get.ts';
import { RegistrationStore, type TransactItem } from './registrations.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** DynamoDB allows 100 actions in a transaction; the ledger and the certificate take two. */
const MAX_DIGESTS_PER_TRANSACTION = 98;

export type { ReadCost };

export interface DigestEntry {
  digestId: string;
  notice: Notice;
  line: ReminderLine;
}

export class ReminderStore {
  readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  /** Certificates whose next reminder falls on `day`, in one shard of the index, page by page. */
  async *dueOn(day: string, shard: number, cost: ReadCost): AsyncGenerator<RegisteredCertificate[]> {
    const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.dueByDate;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: `${partitionKey} = :due AND begins_with(${sortKey}, :kind)`,
          ExpressionAttributeValues: { ':due': `DUE#${day}#${shard}`, ':kind': 'REMINDER#' },
          ReturnConsumedCapacity: 'TOTAL',
          ExclusiveStartKey,
        }),
      );
      cost.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      cost.itemsRead += out.ScannedCount ?? 0;
      ExclusiveStartKey = out.LastEvaluatedKey;
      yield (out.Items ?? []) as RegisteredCertificate[];
    } while (ExclusiveStartKey);
  }

  /**
   * Claim the ledger entry, move the certificate to its next reminder and add its line to
   * each recipient's digest — all or nothing. False when the entry was claimed before
   * (a re-run) or the certificate no longer waits for this reminder (renewed meanwhile).
   */
  async claim(
    certificate: RegisteredCertificate,
    due: DueReminder,
    next: DueReminder | null,
    digests: DigestEntry[],
    at: string,
  ): Promise<boolean> {
    const ledgerKey = keys.reminder(certificate.certificateNumber, certificate.term.end, due.offset);
    const receipt = `${ledgerKey.PK}|${ledgerKey.SK}`;
    const [first, ...rest] = chunk(digests, MAX_DIGESTS_PER_TRANSACTION);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...ledgerKey,
            type: 'ReminderLedger',
            certificateNumber: certificate.certificateNumber,
            termEnd: certificate.term.end,
            offset: due.offset,
            day: due.on,
            status: digests.length ? 'CLAIMED' : 'UNREACHABLE',
            digestIds: digests.map((d) => d.digestId),
            claimedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      this.advance(certificate.certificateNumber, due, next),
      ...(first ?? []).map((d) => this.addToDigest(d, receipt)),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if ((error as Error).name === 'TransactionCanceledException') return false;
      throw error;
    }
    // A certificate with more recipients than one transaction holds (unlimited BCS tiers).
    for (const group of rest)
      await this.db.send(
        new TransactWriteCommand({ TransactItems: group.map((d) => this.addToDigest(d, receipt)) }),
      );
    return true;
  }

  private advance(certificateNumber: string, due: DueReminder, next: DueReminder | null): TransactItem {
    const nextIndex = next ? keys.dueIndex(next.on, 'REMINDER', `${certificateNumber}#${next.offset}`) : null;
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.certificate(certificateNumber),
        UpdateExpression: nextIndex
          ? 'SET nextReminder = :next, GSI2PK = :pk, GSI2SK = :sk'
          : 'SET nextReminder = :next REMOVE GSI2PK, GSI2SK',
        ConditionExpression: 'nextReminder.#offset = :offset AND nextReminder.#on = :on',
        ExpressionAttributeNames: { '#offset': 'offset', '#on': 'on' },
        ExpressionAttributeValues: {
          ':next': next,
          ':offset': due.offset,
          ':on': due.on,
          ...(nextIndex ? { ':pk': nextIndex.GSI2PK, ':sk': nextIndex.GSI2SK } : {}),
        },
      },
    };
  }

  /** Lines gather on the digest as shards find them; the notice is rendered from them when sent. */
  private addToDigest(entry: DigestEntry, receipt: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.notice(entry.digestId),
        UpdateExpression:
          'SET notice = if_not_exists(notice, :notice), #type = :type ADD #lines :line, receipts :receipt',
        ConditionExpression: 'attribute_not_exists(notice) OR notice.#status = :pending',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#lines': 'lines' },
        ExpressionAttributeValues: {
          ':notice': entry.notice,
          ':type': 'Notice',
          ':line': new Set([JSON.stringify(entry.line)]),
          ':receipt': new Set([receipt]),
          ':pending': 'PENDING',
        },
      },
    };
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
