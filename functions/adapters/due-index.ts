/**
 * The sparse due-date index: what a daily job or a reconciler finds due on some days,
 * every shard, never a Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadCost } from './batch-get.ts';
import { queryPages } from './items.ts';
import { type DueKind, dueShards, keys, TABLE_DESIGN } from './table-design.ts';

/**
 * The entries due on `day` in one shard, of one kind (and, with `idPrefix`, whose id starts
 * with it), page by page: the items themselves, or their keys where the index projects only those.
 */
export function dueInShard(
  db: DynamoDBDocumentClient,
  tableName: string,
  due: { day: string; shard: number; kind: DueKind; idPrefix?: string },
  cost?: ReadCost,
): AsyncGenerator<Array<Record<string, unknown>>> {
  const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.dueByDate;
  return queryPages(
    db,
    {
      TableName: tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :due AND begins_with(${sortKey}, :kind)`,
      ExpressionAttributeValues: {
        ':due': keys.dueShard(due.day, due.shard),
        ':kind': keys.dueSortKey(due.kind, due.idPrefix),
      },
    },
    cost,
  );
}

/** Items in the due-date index under `kind` on each of `days`, across every shard. */
export async function dueItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  days: string[],
  kind: Exclude<DueKind, 'CLAIMED'>,
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  for (const day of days)
    for (const shard of dueShards())
      for await (const items of dueInShard(db, tableName, { day, shard, kind })) found.push(...items);
  return found;
}
