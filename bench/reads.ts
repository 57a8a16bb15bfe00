/**
 * What the handlers' DynamoDB client reads and writes during a benchmark: read units as
 * DynamoDB reports them consumed, items returned, Scans issued, write requests.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Io {
  units: number;
  items: number;
  scans: number;
  writes: number;
}

export function countIo(client: DynamoDBDocumentClient): Io {
  const io: Io = { units: 0, items: 0, scans: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      if (/Scan/.test(name)) io.scans++;
      if (/Put|Update|Delete|Write/.test(name)) io.writes++;
      const isRead = /Get|Query|Scan/.test(name);
      if (isRead) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (isRead) {
        const out = result.output as {
          ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
          Item?: unknown;
          Items?: unknown[];
          Responses?: Record<string, unknown[]>;
        };
        for (const c of [out.ConsumedCapacity ?? []].flat()) io.units += c.CapacityUnits ?? 0;
        io.items += out.Item ? 1 : (out.Items?.length ?? Object.values(out.Responses ?? {}).flat().length);
      }
      return result;
    },
    { step: 'initialize', name: 'benchReads' },
  );
  return io;
}

/**
 * DynamoDB Local and an in-memory local stack of their own, and the handlers' DynamoDB
 * client, imported after the stack set the environment (as a cold start would).
 */
export async function startBenchStack(name: string) {
  process.env.LOG_LEVEL = 'ERROR';
  const { randomUUID } = await import('node:crypto');
  const { startDynamoDbLocal } = await import('../local/dynamodb.ts');
  const { startLocalStack } = await import('../local/stack.ts');
  const dynamodb = await startDynamoDbLocal({ port: 0, dbPath: null });
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    dynamodb: { endpoint: dynamodb.endpoint },
    inMemory: true,
    tableName: `bench-${name}-${randomUUID()}`,
  });
  const { documentClient } = await import('../functions/shared/dynamodb.ts');
  return {
    dynamodb,
    stack,
    documentClient,
    stop: async () => {
      await stack.stop();
      await dynamodb.stop();
    },
  };
}
