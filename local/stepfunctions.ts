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
