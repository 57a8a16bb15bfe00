/**
 * The sparse due-date index: what a daily job or a reconciler finds due on some days,
 * every shard, never a Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadCost } from './batch-get.ts';
import { queryPages } from './items.ts';
import { type DueKind, dueShardsOf, keys, TABLE_DESIGN } from './table-design.ts';

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

/**
 * Items in the due-date index under `kind` on each of `days`, across every shard, in day then
 * shard order. The (day, shard) partitions are read at once: a week of
 * milestones is 8 queries, and reading them one after another made its run as long as the sum of their round trips.
 */
export async function dueItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  days: string[],
  kind: Exclude<DueKind, 'CLAIMED'>,
): Promise<Array<Record<string, unknown>>> {
  const partitions = days.flatMap((day) => dueShardsOf(kind).map((shard) => ({ day, shard, kind })));
  const read = await Promise.all(
    partitions.map(async (due) => {
      const found: Array<Record<string, unknown>> = [];
      for await (const items of dueInShard(db, tableName, due)) found.push(...items);
      return found;
    }),
  );
  return read.flat();
}
