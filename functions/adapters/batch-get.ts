/**
 * BatchGetItem over any number of keys: 100 at a time, retrying what DynamoDB leaves
 * unprocessed under throttling, with a short backoff.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../shared/backoff.ts';

/** What reading cost (DynamoDB's ConsumedCapacity, and the items returned), for the benchmarks. */
export interface ReadCost {
  readUnits: number;
  itemsRead: number;
}

export interface BatchGetOptions {
  consistentRead?: boolean;
  projection?: string;
  /** Adds what DynamoDB reports consumed and the items returned. */
  cost?: ReadCost;
}

export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: ReadonlyArray<Record<string, unknown>>,
  options: BatchGetOptions = {},
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, Record<string, unknown>> | undefined = {
      [tableName]: {
        Keys: keyList.slice(i, i + 100),
        ...(options.consistentRead ? { ConsistentRead: true } : {}),
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt, 25, 1000);
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: request as never,
          ...(options.cost ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
        }),
      );
      const items = out.Responses?.[tableName] ?? [];
      if (options.cost) {
        options.cost.readUnits += (out.ConsumedCapacity ?? []).reduce(
          (sum, c) => sum + (c.CapacityUnits ?? 0),
          0,
        );
        options.cost.itemsRead += items.length;
      }
      found.push(...items);
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
}
