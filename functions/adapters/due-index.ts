/**
 * Reading the table's indexes page by page, and the sparse due-date index: what a daily
 * job or a reconciler finds due on some days, every shard, never a Scan.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { DUE_SHARDS, TABLE_DESIGN } from './table-design.ts';

/** Every page of a Query, following LastEvaluatedKey. */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncGenerator<QueryCommandOutput> {
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const out: QueryCommandOutput = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield out;
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Items in the due-date index under `kind` on each of `days`, across every shard. */
export async function dueItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  days: string[],
  kind: 'REMINDER' | 'MILESTONE' | 'RELEASE' | 'UPGRADE',
): Promise<Array<Record<string, unknown>>> {
  const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.dueByDate;
  const found: Array<Record<string, unknown>> = [];
  for (const day of days)
    for (let shard = 0; shard < DUE_SHARDS; shard++)
      for await (const page of queryPages(db, {
        TableName: tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :due AND begins_with(${sortKey}, :kind)`,
        ExpressionAttributeValues: { ':due': `DUE#${day}#${shard}`, ':kind': `${kind}#` },
      }))
        found.push(...(page.Items ?? []));
  return found;
}
