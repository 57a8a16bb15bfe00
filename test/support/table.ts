/**
 * A table of a test file's own in the run's DynamoDB Local (test/support/global-setup.ts),
 * created from the table design as the local stack creates it: handler tests run the real
 * adapters on the real engine, so what they prove about conditions, updates and indexes
 * is DynamoDB's answer, not a stand-in's.
 *
 * The handlers' own document client (functions/shared/dynamodb.ts) finds DynamoDB Local
 * through the SDK's environment, set by `localTableEnvironment` before they are imported:
 *
 *   const env = await vi.hoisted(async () => {
 *     const { localTableEnvironment } = await import('../support/table.ts');
 *     return Object.assign(process.env, localTableEnvironment());
 *   });
 *
 * The table's own client (`item`, `put`, `items`, `clear`) is another one, so what the
 * test reads and writes is never among the calls it records on the handlers' client.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { inject, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/aws.ts';
import { ensureTable } from '../../local/dynamodb.ts';

type Item = Record<string, any>;
type Key = { PK: string; SK: string };

export interface LocalTableEnvironment {
  TABLE_NAME: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_ENDPOINT_URL_DYNAMODB: string;
}

/** What Lambda's environment would say about DynamoDB, pointing at the run's DynamoDB Local. */
export function localTableEnvironment(tableName = `handlers-${randomUUID()}`): LocalTableEnvironment {
  return {
    TABLE_NAME: tableName,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
  };
}

export class LocalTable {
  private readonly client: DynamoDBDocumentClient;

  private constructor(
    readonly tableName: string,
    endpoint: string,
  ) {
    this.client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  }

  /** Creates the table (keys and indexes from TABLE_DESIGN) unless it exists. */
  static async create(tableName: string, endpoint = inject('dynamodbEndpoint')): Promise<LocalTable> {
    await ensureTable(endpoint, tableName);
    return new LocalTable(tableName, endpoint);
  }

  async item(key: Key): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK }, ConsistentRead: true }),
    );
    return out.Item;
  }

  async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Every item (tests only: the service itself never scans). */
  async items(): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, any> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey, ConsistentRead: true }),
      );
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Empties the table, so that each test starts from nothing. */
  async clear(): Promise<void> {
    const keys = (await this.items()).map((i) => ({ PK: i.PK as string, SK: i.SK as string }));
    for (let i = 0; i < keys.length; i += 25) {
      const out = await this.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
          },
        }),
      );
      if (Object.keys(out.UnprocessedItems ?? {}).length) throw new Error('clear: unprocessed deletes');
    }
  }
}

type Command = { input: any };
type CommandType<C extends Command> = abstract new (...args: any[]) => C;

/**
 * Every command a client sends, passed on to the real service unless a test makes that
 * kind fail (`fail`). Spies on `send` of that client instance only; made in `beforeEach`
 * (vitest's `restoreMocks` removes it after each test).
 */
export class Sends {
  private readonly commands: Command[] = [];
  private readonly faults: Array<{ type: CommandType<Command>; error: Error; times: number }> = [];
  private readonly gates: Array<{ type: CommandType<Command>; waiting: Array<() => void>; count: number }> =
    [];

  constructor(client: { send: (...args: any[]) => Promise<unknown> }) {
    const send = client.send;
    vi.spyOn(client, 'send').mockImplementation(((command: Command, ...rest: unknown[]) => {
      this.commands.push(command);
      const fault = this.faults.find((f) => command instanceof f.type && f.times > 0);
      if (fault) {
        fault.times--;
        return Promise.reject(fault.error);
      }
      const gate = this.gates.find((g) => command instanceof g.type && g.count > 0);
      if (gate) {
        gate.count--;
        const passed = new Promise<void>((resolve) => gate.waiting.push(resolve));
        if (gate.count === 0) for (const release of gate.waiting) release();
        return passed.then(() => send.call(client, command, ...rest));
      }
      return send.call(client, command, ...rest);
    }) as never);
  }

  /**
   * The next `count` commands of this kind wait for one another, then all go to the service
   * at once: a race decided by the service, whatever the order the callers got there in.
   */
  together<C extends Command>(type: CommandType<C>, count: number): this {
    this.gates.push({ type: type as unknown as CommandType<Command>, waiting: [], count });
    return this;
  }

  /** The inputs of the commands of one kind, in the order they were sent. */
  of<C extends Command>(type: CommandType<C>): Array<C['input']> {
    return this.commands.filter((c): c is C => c instanceof type).map((c) => c.input);
  }

  /** How many commands were sent, of any kind. */
  get count(): number {
    return this.commands.length;
  }

  /** Forget the commands sent so far. */
  reset(): void {
    this.commands.length = 0;
  }

  /** The next `times` commands of this kind fail with `error` without reaching the service. */
  fail<C extends Command>(type: CommandType<C>, error: Error, times = Number.POSITIVE_INFINITY): this {
    this.faults.push({ type: type as unknown as CommandType<Command>, error, times });
    return this;
  }
}
