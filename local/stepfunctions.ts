/**
 * A local Step Functions: runs the very ASL files CDK deploys (aws-local-stepfunctions),
 * after the same placeholder substitution, with every Task state bound to the same
 * handler code that runs in Lambda. It answers the SDK's StartExecution,
 * StartSyncExecution and DescribeExecution on an HTTP endpoint, so handlers use the
 * real @aws-sdk/client-sfn unchanged.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ExecutionError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';
import { closeEndpoint, serveEndpoint } from './endpoint.ts';

export const functionArn = (name: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
export const stateMachineArn = (name: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;

export type TaskHandler = (input: unknown) => Promise<unknown>;

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered, Map/Parallel iterations included: what AWS bills as state transitions. */
  stateTransitions: number;
  /** The names of those states, in the order entered: the path the execution took. */
  statesEntered: string[];
  done: Promise<void>;
}

interface Machine {
  name: string;
  arn: string;
  type: 'EXPRESS' | 'STANDARD';
  definition: StateMachineDefinition;
  machine: StateMachine;
  bindings: Record<string, TaskHandler>;
  retryOverrides: Record<string, number>;
}

export interface LocalStepFunctionsOptions {
  /** Lambda functions by name (the last part of their ARN). */
  functions: Record<string, TaskHandler>;
  dynamodb: DynamoDBClient;
  /** Pause between retries; AWS waits seconds to hours, locally we need not. */
  retryIntervalMs: number;
  /** How many finished executions of each state machine `describe()` and `list()` still answer (the latest); default 1,000. */
  keepFinished?: number;
  /** The stack's clock: a finished Standard execution's name stays taken for 90 days of it. */
  now?: () => Date;
  /** Where a Distributed Map's ItemReader reads and its ResultWriter writes (local/s3.ts). */
  s3?: MapRunStorage;
}

/** The S3 calls a Distributed Map makes itself (ItemReader s3:getObject, ResultWriter s3:putObject). */
export interface MapRunStorage {
  getObject(bucket: string, key: string): Promise<Buffer>;
  putObject(bucket: string, key: string, body: string, contentType?: string): Promise<void>;
}

/** How long AWS keeps a finished Standard execution, and so refuses its name again. */
const STANDARD_NAME_RETENTION_MS = 90 * 24 * 3600 * 1000;

/**
 * Memory stays bounded however many executions run: a finished execution's record
 * (input, output) is kept only among the latest `keepFinished` of its state machine; beyond that `describe()`
 * answers ExecutionDoesNotExist (AWS forgets Express executions too). A finished
 * Standard execution's name stays refused, as on AWS, for 90 days of the stack's clock:
 * only its ARN and stop time are kept for that.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly running = new Map<string, ExecutionRecord>();
  /** Every running execution, Express ones started again under the same name included. */
  private readonly runningRecords = new Set<ExecutionRecord>();
  /** The latest finished executions of each state machine, in the order they finished. */
  private readonly finished = new Map<string, Map<string, ExecutionRecord>>();
  /** Names of finished Standard executions still refused: execution ARN → stop time (ms), oldest first. */
  private readonly standardNames = new Map<string, number>();
  private readonly order = new WeakMap<ExecutionRecord, number>();
  private started = 0;
  private server?: Server;

  constructor(private readonly options: LocalStepFunctionsOptions) {}

  /** Registers an ASL file after `${...}` substitution, as CDK's definitionSubstitutions do. */
  register(
    name: string,
    file: string,
    type: 'EXPRESS' | 'STANDARD',
    substitutions: Record<string, string>,
  ): string {
    const text = readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, (whole, key: string) => {
      const value = substitutions[key];
      if (value === undefined) throw new Error(`${file}: no substitution for ${whole}`);
      return value;
    });
    const definition = JSON.parse(text) as StateMachineDefinition & { QueryLanguage?: string };
    if (definition.QueryLanguage && definition.QueryLanguage !== 'JSONPath')
      throw new Error(
        `${file}: the local runner executes JSONPath only; found QueryLanguage ${definition.QueryLanguage}`,
      );
    const arn = stateMachineArn(name);
    const bindings: Record<string, TaskHandler> = {};
    const retryOverrides: Record<string, number> = {};
    for (const [stateName, state] of allStates(definition as unknown as AslDefinition)) {
      if ('Retry' in state && Array.isArray(state.Retry))
        retryOverrides[stateName] = this.options.retryIntervalMs;
      if (state.Type === 'Task')
        bindings[stateName] = this.bindTask(file, stateName, state.Resource as string);
    }
    // Map states that read S3 (ItemReader), batch (ItemBatcher) or write S3 (ResultWriter):
    // aws-local-stepfunctions ignores these fields, so such a Map runs here as a map run of
    // our own, in place of the state (the file itself is what deploys, unchanged).
    for (const [stateName, mapState, states] of mapRunStates(definition as unknown as AslDefinition)) {
      states[stateName] = mapRunTask(mapState);
      bindings[stateName] = this.bindMapRun(file, name, stateName, mapState, { bindings, retryOverrides });
    }
    const machine = new StateMachine(definition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
    this.machines.set(arn, { name, arn, type, definition, machine, bindings, retryOverrides });
    return arn;
  }

  /** Starts an execution; a Standard execution's name is unique, as on AWS. */
  start(arn: string, input: string, name: string = randomUUID()): ExecutionRecord {
    const machine = this.machines.get(arn);
    if (!machine) throw awsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${machine.type === 'EXPRESS' ? 'express' : 'execution'}:${machine.name}:${name}`;
    if (machine.type === 'STANDARD') {
      const running = this.running.get(executionArn);
      if (running?.input === input) return running;
      this.forgetExpiredNames();
      if (running || this.standardNames.has(executionArn))
        throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = new Date();
    const run = machine.machine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: machine.bindings as unknown as NonNullable<
          RunOptions['overrides']
        >['taskResourceLocalHandlers'],
        retryIntervalOverrides: machine.retryOverrides,
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: JSON.parse(input),
          StartTime: startDate.toISOString(),
        },
        StateMachine: { Id: arn, Name: machine.name },
      },
    });
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: arn,
      name,
      input,
      status: 'RUNNING',
      startDate,
      stateTransitions: 0,
      statesEntered: [],
      done: Promise.resolve(),
    };
    const counting = (async () => {
      for await (const event of run.eventLogs)
        if (event.type === 'StateEntered') {
          record.stateTransitions++;
          record.statesEntered.push(event.state.name);
        }
    })();
    record.done = run.result
      .then(
        (output) => {
          record.status = 'SUCCEEDED';
          record.output = JSON.stringify(output);
        },
        (error: unknown) => {
          record.status = 'FAILED';
          const cause = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
          record.error = cause?.name ?? 'Error';
          record.cause = cause?.message ?? String(error);
        },
      )
      .then(async () => {
        record.stopDate = new Date();
        await counting.catch(() => undefined);
        this.finish(record, machine.type);
      });
    this.order.set(record, this.started++);
    this.running.set(executionArn, record);
    this.runningRecords.add(record);
    return record;
  }

  /** Moves a record from the running to the finished ones, and forgets the oldest beyond the bound. */
  private finish(record: ExecutionRecord, type: Machine['type']): void {
    const arn = record.executionArn;
    if (this.running.get(arn) === record) this.running.delete(arn);
    this.runningRecords.delete(record);
    if (type === 'STANDARD') {
      this.standardNames.delete(arn);
      this.standardNames.set(arn, this.now());
      this.forgetExpiredNames();
    }
    const finished = this.finished.get(record.stateMachineArn) ?? new Map<string, ExecutionRecord>();
    this.finished.set(record.stateMachineArn, finished);
    const kept = finished.get(arn);
    // Express names may repeat: the ARN answers for the execution started last.
    if (kept && this.order.get(kept)! > this.order.get(record)!) return;
    finished.delete(arn);
    finished.set(arn, record);
    const keep = this.options.keepFinished ?? 1_000;
    for (const oldest of finished.keys()) {
      if (finished.size <= keep) break;
      finished.delete(oldest);
    }
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private forgetExpiredNames(): void {
    const before = this.now() - STANDARD_NAME_RETENTION_MS;
    for (const [arn, stoppedAt] of this.standardNames) {
      if (stoppedAt > before) break;
      this.standardNames.delete(arn);
    }
  }

  async startSync(arn: string, input: string, name?: string): Promise<ExecutionRecord> {
    const record = this.start(arn, input, name ?? randomUUID());
    await record.done;
    return record;
  }

  /** A running execution, or one of the latest finished (see `keepFinished`). */
  describe(executionArn: string): ExecutionRecord {
    const record =
      this.running.get(executionArn) ??
      [...this.finished.values()].find((f) => f.has(executionArn))?.get(executionArn);
    if (!record) throw awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** The running executions and the latest finished ones (see `keepFinished`), in the order they started. */
  list(stateMachine?: string): ExecutionRecord[] {
    const arn =
      stateMachine && !stateMachine.startsWith('arn:') ? stateMachineArn(stateMachine) : stateMachine;
    const finished = arn ? [this.finished.get(arn) ?? new Map()] : [...this.finished.values()];
    return [...finished.flatMap((f) => [...f.values()]), ...this.runningRecords]
      .filter((e) => !arn || e.stateMachineArn === arn)
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Resolves once no execution is running (including ones started meanwhile). */
  async idle(): Promise<void> {
    while (this.runningRecords.size > 0) await Promise.all([...this.runningRecords].map((e) => e.done));
  }

  /** Serves the Step Functions JSON protocol on 127.0.0.1. */
  async listen(port = 0): Promise<string> {
    const { server, url } = await serveEndpoint(port, async (req, body, res) => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(payload));
      };
      try {
        const params = JSON.parse(body || '{}');
        if (target === 'StartExecution') {
          const e = this.start(params.stateMachineArn, params.input ?? '{}', params.name ?? randomUUID());
          return reply(200, { executionArn: e.executionArn, startDate: e.startDate.getTime() / 1000 });
        }
        if (target === 'StartSyncExecution') {
          const e = await this.startSync(params.stateMachineArn, params.input ?? '{}', params.name);
          return reply(200, describeShape(e));
        }
        if (target === 'DescribeExecution')
          return reply(200, describeShape(this.describe(params.executionArn)));
        return reply(400, {
          __type: 'UnknownOperationException',
          message: `not emulated locally: ${target}`,
        });
      } catch (error) {
        const e = error as Error & { awsCode?: string };
        reply(400, { __type: e.awsCode ?? 'InvalidRequest', message: e.message });
      }
    });
    this.server = server;
    return url;
  }

  async close(): Promise<void> {
    await this.idle().catch(() => undefined);
    await closeEndpoint(this.server);
  }

  /**
   * A Distributed Map with ItemReader / ItemBatcher / ResultWriter, as Step Functions runs it:
   * the items from the S3 object (JSON or JSON Lines), each through ItemSelector, cut into
   * batches (`{Items, BatchInput}`) by MaxItemsPerBatch and MaxInputBytesPerBatch, one child
   * run of the ItemProcessor per batch (MaxConcurrency at a time, the same Task bindings and
   * retries), the tolerated failures checked, and the results written as ResultWriter writes
   * them (a manifest.json and the SUCCEEDED/FAILED files under `<Prefix>/<map run id>/`, shaped
   * by WriterConfig). Paths in these fields may be `$`, `$.a.b`, `$$.Map.Item.Value|Index`:
   * intrinsic functions there are refused rather than guessed. Child states are not counted in
   * the execution's `stateTransitions`.
   */
  private bindMapRun(
    file: string,
    machineName: string,
    stateName: string,
    state: MapRunState,
    run: { bindings: Record<string, TaskHandler>; retryOverrides: Record<string, number> },
  ): TaskHandler {
    const where = `${file}: state ${stateName}`;
    const s3 = () => {
      if (!this.options.s3) throw new Error(`${where}: reads or writes S3, and no local S3 is given`);
      return this.options.s3;
    };
    const processor = new StateMachine(state.ItemProcessor as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    return async (input) => {
      let items: unknown[];
      if (state.ItemReader) {
        const reader = state.ItemReader;
        if (reader.Resource !== 'arn:aws:states:::s3:getObject')
          throw new Error(`${where}: ItemReader ${reader.Resource} is not emulated locally`);
        const p = resolveTemplate(reader.Parameters ?? {}, input, {}, where) as {
          Bucket: string;
          Key: string;
        };
        const text = (await s3().getObject(p.Bucket, p.Key)).toString('utf8');
        const type = reader.ReaderConfig?.InputType ?? 'JSON';
        if (type === 'JSONL')
          items = text
            .split('\n')
            .filter((line) => line.trim())
            .map((line) => JSON.parse(line));
        else if (type === 'JSON') items = JSON.parse(text) as unknown[];
        else throw new Error(`${where}: ItemReader InputType ${type} is not emulated locally`);
        const max = reader.ReaderConfig?.MaxItems;
        if (max) items = items.slice(0, max);
      } else {
        items = (state.ItemsPath ? resolvePath(state.ItemsPath, input, {}, where) : input) as unknown[];
      }
      if (!Array.isArray(items))
        throw renamed(new Error(`${where}: the items are not an array`), 'States.Runtime');
      const selector = state.ItemSelector ?? state.Parameters;
      const selected = selector
        ? items.map((value, index) =>
            resolveTemplate(selector, input, { Map: { Item: { Index: index, Value: value } } }, where),
          )
        : items;

      let childInputs: unknown[] = selected;
      if (state.ItemBatcher) {
        const b = state.ItemBatcher;
        const maxItems = b.MaxItemsPerBatch ?? Number.POSITIVE_INFINITY;
        const maxBytes = b.MaxInputBytesPerBatch ?? 256 * 1024;
        const batchInput = b.BatchInput ? resolveTemplate(b.BatchInput, input, {}, where) : undefined;
        const base = Buffer.byteLength(
          JSON.stringify({ Items: [], ...(batchInput ? { BatchInput: batchInput } : {}) }),
        );
        childInputs = [];
        let batch: unknown[] = [];
        let bytes = base;
        for (const item of selected) {
          const size = Buffer.byteLength(JSON.stringify(item)) + 1;
          if (batch.length && (batch.length >= maxItems || bytes + size > maxBytes)) {
            childInputs.push({ Items: batch, ...(batchInput ? { BatchInput: batchInput } : {}) });
            batch = [];
            bytes = base;
          }
          batch.push(item);
          bytes += size;
        }
        if (batch.length)
          childInputs.push({ Items: batch, ...(batchInput ? { BatchInput: batchInput } : {}) });
      }

      const mapRunId = randomUUID();
      const mapRunArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:mapRun:${machineName}/${state.Label ?? stateName}:${mapRunId}`;
      type Child = { index: number; input: unknown; name: string; start: Date; stop?: Date } & (
        | { status: 'SUCCEEDED'; output: unknown }
        | { status: 'FAILED'; error: string; cause: string }
      );
      const children: Child[] = new Array(childInputs.length);
      let next = 0;
      const runChild = async (index: number) => {
        const name = randomUUID();
        const start = new Date();
        const execution = processor.run(childInputs[index] as never, {
          overrides: {
            taskResourceLocalHandlers: run.bindings as unknown as NonNullable<
              RunOptions['overrides']
            >['taskResourceLocalHandlers'],
            retryIntervalOverrides: run.retryOverrides,
          },
          context: {
            Execution: { Id: `${mapRunArn}:${name}`, Name: name, StartTime: start.toISOString() },
            StateMachine: { Id: mapRunArn, Name: `${machineName}/${state.Label ?? stateName}` },
          },
        });
        try {
          const output = await execution.result;
          children[index] = {
            index,
            input: childInputs[index],
            name,
            start,
            stop: new Date(),
            status: 'SUCCEEDED',
            output,
          };
        } catch (error) {
          const cause = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
          children[index] = {
            index,
            input: childInputs[index],
            name,
            start,
            stop: new Date(),
            status: 'FAILED',
            error: cause?.name ?? 'Error',
            cause: cause?.message ?? String(error),
          };
        }
      };
      const concurrency = Math.max(1, Math.min(state.MaxConcurrency || 1000, childInputs.length));
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < childInputs.length) await runChild(next++);
        }),
      );

      const failed = children.filter((c) => c.status === 'FAILED');
      const pct = state.ToleratedFailurePercentage;
      const count = state.ToleratedFailureCount;
      const breached =
        failed.length > 0 &&
        ((pct === undefined && count === undefined) ||
          (pct !== undefined && (failed.length * 100) / children.length > pct) ||
          (count !== undefined && failed.length > count));

      const config = state.ResultWriter?.WriterConfig;
      const transformation = config?.Transformation ?? (state.ResultWriter ? 'NONE' : 'COMPACT');
      const described = (c: Child) => ({
        ExecutionArn: `${mapRunArn}:${c.name}`,
        Input: JSON.stringify(c.input),
        InputDetails: { Included: true },
        Name: c.name,
        StartDate: c.start.toISOString(),
        StateMachineArn: mapRunArn,
        Status: c.status,
        StopDate: c.stop?.toISOString(),
        ...(c.status === 'SUCCEEDED'
          ? { Output: JSON.stringify(c.output), OutputDetails: { Included: true } }
          : { Error: c.error, Cause: c.cause }),
      });
      const shaped = (list: Child[]): unknown[] =>
        list.flatMap((c) => {
          if (c.status === 'FAILED' || transformation === 'NONE') return [described(c)];
          if (transformation === 'FLATTEN' && Array.isArray(c.output)) return c.output;
          return [c.output];
        });

      let result: unknown = shaped(children);
      if (state.ResultWriter?.Resource) {
        if (state.ResultWriter.Resource !== 'arn:aws:states:::s3:putObject')
          throw new Error(`${where}: ResultWriter ${state.ResultWriter.Resource} is not emulated locally`);
        const p = resolveTemplate(state.ResultWriter.Parameters ?? {}, input, {}, where) as {
          Bucket: string;
          Prefix?: string;
        };
        const jsonl = config?.OutputType === 'JSONL';
        const folder = `${p.Prefix ? `${p.Prefix.replace(/\/$/, '')}/` : ''}${mapRunId}`;
        const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>> = {
          FAILED: [],
          PENDING: [],
          SUCCEEDED: [],
        };
        for (const status of ['SUCCEEDED', 'FAILED'] as const) {
          const records = shaped(children.filter((c) => c.status === status));
          if (!records.length) continue;
          const body = jsonl
            ? records.map((r) => `${JSON.stringify(r)}\n`).join('')
            : JSON.stringify(records);
          const key = `${folder}/${status}_0.json`;
          await s3().putObject(p.Bucket, key, body, 'application/json');
          files[status].push({ Key: key, Size: Buffer.byteLength(body) });
        }
        const manifestKey = `${folder}/manifest.json`;
        await s3().putObject(
          p.Bucket,
          manifestKey,
          JSON.stringify({ DestinationBucket: p.Bucket, MapRunArn: mapRunArn, ResultFiles: files }),
          'application/json',
        );
        result = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: p.Bucket, Key: manifestKey } };
      }
      if (breached) {
        const first = failed[0] as Extract<Child, { status: 'FAILED' }>;
        throw renamed(
          new Error(
            `${failed.length} of ${children.length} child executions failed, above the tolerated failures; the first: ${first.error}: ${first.cause}`,
          ),
          'States.ExceedToleratedFailureThreshold',
        );
      }
      return result;
    };
  }

  /** Binds one Task state to local code, by the kind of resource it names. */
  private bindTask(file: string, stateName: string, resource: string): TaskHandler {
    const lambda = /^arn:aws:lambda:[^:]+:[^:]+:function:([^:]+)/.exec(resource);
    if (lambda) {
      const fn = this.options.functions[lambda[1]!];
      if (!fn)
        throw new Error(
          `${file}: state ${stateName} names function ${lambda[1]}, which is not bound locally`,
        );
      // JSON in and out, as across the Lambda boundary.
      return async (input) => {
        const output = await fn(structuredClone(input));
        return output === undefined ? null : JSON.parse(JSON.stringify(output));
      };
    }
    if (resource === 'arn:aws:states:::states:startExecution') {
      return async (input) => {
        const p = input as { StateMachineArn: string; Name?: string; Input?: unknown };
        try {
          const e = this.start(
            p.StateMachineArn,
            typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input ?? {}),
            p.Name ?? randomUUID(),
          );
          return { ExecutionArn: e.executionArn, StartDate: e.startDate.toISOString() };
        } catch (error) {
          throw renamed(
            error,
            `SFN.${(error as { awsCode?: string }).awsCode ?? 'SdkClientException'}Exception`.replace(
              'ExceptionException',
              'Exception',
            ),
          );
        }
      };
    }
    const dynamo = /^arn:aws:states:::dynamodb:(\w+)$/.exec(resource);
    if (dynamo) {
      const commands = {
        updateItem: UpdateItemCommand,
        putItem: PutItemCommand,
        getItem: GetItemCommand,
        deleteItem: DeleteItemCommand,
        query: QueryCommand,
      } as const;
      const Command = commands[dynamo[1] as keyof typeof commands] as unknown as new (
        input: unknown,
      ) => never;
      if (!Command)
        throw new Error(`${file}: state ${stateName}: dynamodb:${dynamo[1]} is not emulated locally`);
      return async (input) => {
        try {
          // The ASL Parameters are the API's own input, in DynamoDB JSON.
          const out = (await this.options.dynamodb.send(new Command(input))) as unknown as Record<
            string,
            unknown
          >;
          const { $metadata, ...rest } = out;
          return rest;
        } catch (error) {
          throw renamed(error, `DynamoDB.${(error as Error).name}`);
        }
      };
    }
    throw new Error(`${file}: state ${stateName}: resource ${resource} is not emulated locally`);
  }
}

interface AslDefinition {
  States: Record<string, Record<string, unknown>>;
}

function* allStates(definition: AslDefinition): Generator<[string, Record<string, unknown>]> {
  for (const [name, state] of Object.entries(definition.States)) {
    yield [name, state];
    const nested = (state.ItemProcessor ?? state.Iterator) as typeof definition | undefined;
    if (nested) yield* allStates(nested);
    for (const branch of (state.Branches as Array<typeof definition> | undefined) ?? [])
      yield* allStates(branch);
  }
}

interface MapRunState {
  Type: 'Map';
  Label?: string;
  ItemsPath?: string;
  ItemSelector?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
  ItemReader?: {
    Resource: string;
    ReaderConfig?: { InputType?: string; MaxItems?: number };
    Parameters?: Record<string, unknown>;
  };
  ItemBatcher?: {
    MaxItemsPerBatch?: number;
    MaxInputBytesPerBatch?: number;
    BatchInput?: Record<string, unknown>;
  };
  ResultWriter?: {
    Resource?: string;
    Parameters?: Record<string, unknown>;
    WriterConfig?: { OutputType?: 'JSON' | 'JSONL'; Transformation?: 'NONE' | 'COMPACT' | 'FLATTEN' };
  };
  MaxConcurrency?: number;
  ToleratedFailurePercentage?: number;
  ToleratedFailureCount?: number;
  ItemProcessor: AslDefinition;
}

/** Map states whose ItemReader, ItemBatcher or ResultWriter the library would ignore, with the States object holding each. */
function mapRunStates(definition: AslDefinition): Array<[string, MapRunState, AslDefinition['States']]> {
  const found: Array<[string, MapRunState, AslDefinition['States']]> = [];
  const visit = (d: AslDefinition) => {
    for (const [name, state] of Object.entries(d.States)) {
      if (state.Type === 'Map' && (state.ItemReader || state.ItemBatcher || state.ResultWriter))
        found.push([name, state as unknown as MapRunState, d.States]);
      const nested = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
      if (nested) visit(nested);
      for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) visit(branch);
    }
  };
  visit(definition);
  return found;
}

/** The Task that stands in for such a Map: the same input, output, retry and catch fields around the local map run. */
function mapRunTask(state: MapRunState): Record<string, unknown> {
  const kept = [
    'Comment',
    'InputPath',
    'OutputPath',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'Catch',
    'Next',
    'End',
  ];
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::local:map-run',
    // A map run takes as long as its items do (a Map has no timeout of its own): 23 days, the most a timer takes.
    TimeoutSeconds: 2_000_000,
    ...Object.fromEntries(
      kept.filter((k) => k in state).map((k) => [k, (state as unknown as Record<string, unknown>)[k]]),
    ),
  };
}

/** A JSONPath payload template: `"x.$": "<path>"` fields resolved, others kept. */
function resolveTemplate(
  template: unknown,
  input: unknown,
  context: Record<string, unknown>,
  where: string,
): unknown {
  if (Array.isArray(template)) return template.map((t) => resolveTemplate(t, input, context, where));
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith('.$')
        ? [key.slice(0, -2), resolvePath(String(value), input, context, where)]
        : [key, resolveTemplate(value, input, context, where)],
    ),
  );
}

/** `$`, `$.a.b[0]` on the input, `$$.…` on the context; anything else is not emulated here. */
function resolvePath(path: string, input: unknown, context: Record<string, unknown>, where: string): unknown {
  const match = /^(\$\$?)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)$/.exec(path);
  if (!match)
    throw new Error(
      `${where}: the path ${path} is not emulated locally in a Map's reader, batcher or writer`,
    );
  let at: unknown = match[1] === '$$' ? context : input;
  for (const [, field, index] of match[2]!.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    at =
      field !== undefined
        ? (at as Record<string, unknown> | undefined)?.[field]
        : (at as unknown[] | undefined)?.[Number(index)];
    if (at === undefined)
      throw renamed(new Error(`${where}: ${path} matches nothing in the input`), 'States.Runtime');
  }
  return at;
}

function describeShape(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate.getTime() / 1000,
    ...(e.stopDate ? { stopDate: e.stopDate.getTime() / 1000 } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error ? { error: e.error, cause: e.cause } : {}),
  };
}

function awsError(code: string, message: string): Error & { awsCode: string } {
  return Object.assign(new Error(message), { awsCode: code, name: code });
}

function renamed(error: unknown, name: string): Error {
  const e = new Error((error as Error).message, { cause: error });
  e.name = name;
  return e;
}
