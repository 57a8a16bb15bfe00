/**
 * What every repository does the same way with the single table: a record read without
 * its storage attributes, every page of a Query (the SDK's `paginateQuery`), what reads
 * cost, and what a conditional write or a cancelled transaction means.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type QueryCommandInput,
  type QueryCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ReadCost } from './batch-get.ts';
import { type ItemKey, TABLE_DESIGN } from './table-design.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The item's keys, its index entries and its type: storage, not the record. */
const STORAGE_ATTRIBUTES = [
  TABLE_DESIGN.partitionKey,
  TABLE_DESIGN.sortKey,
  ...Object.values(TABLE_DESIGN.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
  'type',
];

/** A record as the core knows it: the item without its storage attributes. */
export function strip<T = Record<string, unknown>>(item: Record<string, unknown>): T {
  const record = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete record[attribute];
  return record as T;
}

/** The record at `key`, read strongly consistent, or null. */
export async function getRecord<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, unknown>,
  toRecord: (item: Record<string, unknown>) => T = strip,
): Promise<T | null> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return out.Item ? toRecord(out.Item) : null;
}

/** Adds what a Query page consumed and read to `cost`. */
export function addQueryCost(cost: ReadCost | undefined, out: QueryCommandOutput): void {
  if (!cost) return;
  cost.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  cost.itemsRead += out.ScannedCount ?? out.Items?.length ?? 0;
}

/** The items of every page of a Query, page by page; with `cost`, what each page consumed is added to it. */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  cost?: ReadCost,
): AsyncGenerator<Array<Record<string, unknown>>> {
  const query: QueryCommandInput = { ...input, ...(cost ? { ReturnConsumedCapacity: 'TOTAL' } : {}) };
  for await (const page of paginateQuery({ client: db }, query)) {
    addQueryCost(cost, page);
    yield page.Items ?? [];
  }
}

/** Every item of a Query. */
export async function queryAll<T = Record<string, unknown>>(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<T[]> {
  const found: T[] = [];
  for await (const items of queryPages(db, input)) found.push(...(items as T[]));
  return found;
}

/** Every item of a partition whose sort key starts with the prefix's (`keys.releases(product)`, …). */
export const queryPrefix = (db: DynamoDBDocumentClient, tableName: string, prefix: ItemKey) =>
  queryAll(db, {
    TableName: tableName,
    KeyConditionExpression: `${TABLE_DESIGN.partitionKey} = :pk AND begins_with(${TABLE_DESIGN.sortKey}, :prefix)`,
    ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SK },
  });

/** Whether a conditional write happened: false when its condition failed; any other error is thrown. */
export async function written(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The per-item codes of a cancelled transaction, or null when the error is something else. */
export function cancellationCodes(error: unknown): string[] | null {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name !== 'TransactionCanceledException') return null;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}
