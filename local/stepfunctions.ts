/**
 * A local Step Functions: runs the very ASL files CDK deploys (aws-local-stepfunctions),
 * after the same placeholder substitution, with every Task state bound to the same
 * handler code that runs in Lambda. It answers the SDK's StartExecution,
 * StartSyncExecution and DescribeExecution on an HTTP endpoint, so handlers use the
 * real @aws-sdk/client-sfn unchanged.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
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
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, ExecutionRecord>();
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
    const existing = this.executions.get(executionArn);
    if (existing && machine.type === 'STANDARD') {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
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
      done: Promise.resolve(),
    };
    const counting = (async () => {
      for await (const event of run.eventLogs) if (event.type === 'StateEntered') record.stateTransitions++;
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
      });
    this.executions.set(executionArn, record);
    return record;
  }

  async startSync(arn: string, input: string, name?: string): Promise<ExecutionRecord> {
    const record = this.start(arn, input, name ?? randomUUID());
    await record.done;
    return record;
  }

  describe(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  list(stateMachine?: string): ExecutionRecord[] {
    const arn =
      stateMachine && !stateMachine.startsWith('arn:') ? stateMachineArn(stateMachine) : stateMachine;
    return [...this.executions.values()].filter((e) => !arn || e.stateMachineArn === arn);
  }

  /** Resolves once no execution is running (including ones started meanwhile). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((e) => e.done));
    }
  }

  /** Serves the Step Functions JSON protocol on 127.0.0.1. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
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
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    await this.idle().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
