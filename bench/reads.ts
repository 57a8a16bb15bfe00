/**
 * What the handlers' DynamoDB client reads and writes during a benchmark: read units as
 * DynamoDB reports them consumed, items returned, Scans issued, write requests.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WORKFLOWS, type WorkflowName } from '../functions/catalog.ts';
import { stateMachineArn } from '../local/stepfunctions.ts';

/** Express runs are billed per request, not per transition. */
const EXPRESS_ARNS = new Set(
  (Object.keys(WORKFLOWS) as WorkflowName[])
    .filter((name) => WORKFLOWS[name].type === 'EXPRESS')
    .map((name) => stateMachineArn(name)),
);

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

interface CapacityEntry {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** Units the client consumes, as DynamoDB reports them on each call (ReturnConsumedCapacity INDEXES). */
export interface Consumed {
  tableWrite: number;
  indexWrite: number;
  read: number;
}

export function countConsumed(client: DynamoDBDocumentClient): Consumed {
  const consumed: Consumed = { tableWrite: 0, indexWrite: 0, read: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const isWrite = /Put|Update|Delete|TransactWrite|BatchWrite/.test(context.commandName ?? '');
      const list = ([] as CapacityEntry[]).concat(
        (result.output as { ConsumedCapacity?: CapacityEntry[] }).ConsumedCapacity ?? [],
      );
      for (const c of list) {
        const table = c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0;
        const indexes = Object.values(c.GlobalSecondaryIndexes ?? {}).reduce(
          (sum, i) => sum + (i.CapacityUnits ?? 0),
          0,
        );
        if (isWrite) {
          consumed.tableWrite += table;
          consumed.indexWrite += indexes;
        } else consumed.read += table + indexes;
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return consumed;
}

/** What AWS bills by the request during a stretch of a benchmark: Lambda invocations, Standard transitions, Express executions. */
export function billedSince(
  executions: ReadonlyArray<{ stateMachineArn: string; stateTransitions: number }>,
  invocationsBefore: ReadonlyMap<string, number>,
  invocationsNow: ReadonlyMap<string, number>,
) {
  let lambda = 0;
  for (const [name, count] of invocationsNow) lambda += count - (invocationsBefore.get(name) ?? 0);
  const standard = executions.filter((e) => !EXPRESS_ARNS.has(e.stateMachineArn));
  return {
    lambda,
    standardTransitions: standard.reduce((sum, e) => sum + e.stateTransitions, 0),
    expressExecutions: executions.length - standard.length,
  };
}
