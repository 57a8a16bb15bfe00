/**
 * The workflows of functions/catalog.ts: one function per Task function, one state
 * machine per ASL file. Each `${...}` of an ASL file is filled through
 * DefinitionSubstitutions from the catalog's placeholder names, and each state
 * machine's role is granted exactly what its Task states call, read from the ASL itself.
 * The ASL files know no storage: the table is read and written by Task functions, through
 * the adapters, never by a DynamoDB service integration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  functionArnPlaceholder,
  stateMachineArnPlaceholder,
  TASK_FUNCTIONS,
  type TaskFunction,
  type TaskFunctionName,
  WORKFLOWS,
  type WorkflowName,
} from '../../functions/catalog.ts';
import { REPO_ROOT, serviceName } from '../config.ts';
import type { EmailResources } from './email.ts';
import type { Imports } from './imports.ts';
import { serviceLogGroup } from './log-group.ts';
import { nagArn } from './nag.ts';
import { ServiceFunction } from './service-function.ts';

export interface WorkflowsProps {
  stage: string;
  table: ITable;
  email: EmailResources;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Set on every Task function: the stage's settings (StageConfig.settings in lib/config.ts). */
  settings: Readonly<Record<string, string>>;
  /** The imports bucket, for Task functions with `access.imports`. */
  imports?: Imports;
}

/** `${Name}` placeholders in an ASL text, in order of first appearance. */
export function placeholdersOf(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!))];
}

interface AslState {
  Type: string;
  ItemProcessor?: AslMachine & { ProcessorConfig?: { Mode?: string } };
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Arguments?: Record<string, unknown>;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
}
interface AslMachine {
  QueryLanguage?: string;
  States: Record<string, AslState>;
}

/** What a state machine's Task states call: the role it needs, nothing more. */
export interface TaskCalls {
  functions: Set<TaskFunctionName>;
  startExecution: Set<WorkflowName>;
}

const placeholder = (value: unknown): string | undefined =>
  typeof value === 'string' ? /^\$\{([^}]+)\}$/.exec(value)?.[1] : undefined;

const functionByPlaceholder = new Map(
  (Object.keys(TASK_FUNCTIONS) as TaskFunctionName[]).map((name) => [functionArnPlaceholder(name), name]),
);
const workflowByPlaceholder = new Map(
  (Object.keys(WORKFLOWS) as WorkflowName[]).map((name) => [stateMachineArnPlaceholder(name), name]),
);

/** Walks every Task state (Parallel branches and Map processors included); fails on what it cannot grant. */
export function taskCallsOf(machine: AslMachine, file: string): TaskCalls {
  const calls: TaskCalls = { functions: new Set(), startExecution: new Set() };
  const visit = (m: AslMachine) => {
    for (const [stateName, state] of Object.entries(m.States)) {
      for (const branch of state.Branches ?? []) visit(branch);
      if (state.Iterator) visit(state.Iterator);
      if (state.ItemProcessor) visit(state.ItemProcessor);
      if (state.Type !== 'Task') continue;
      const where = `${file}: state "${stateName}"`;
      const resource = state.Resource ?? '';
      const parameters = state.Parameters ?? state.Arguments ?? {};
      const direct = functionByPlaceholder.get(placeholder(resource) ?? '');
      const invoked =
        resource === 'arn:aws:states:::lambda:invoke'
          ? functionByPlaceholder.get(placeholder(parameters.FunctionName) ?? '')
          : undefined;
      const fn = direct ?? invoked;
      if (fn) {
        calls.functions.add(fn);
        continue;
      }
      if (resource.startsWith('arn:aws:states:::dynamodb:'))
        throw new Error(
          `${where}: the ASL knows no storage; read or write the table in a Task function, through an adapter`,
        );
      if (resource === 'arn:aws:states:::states:startExecution') {
        const target = workflowByPlaceholder.get(placeholder(parameters.StateMachineArn) ?? '');
        if (!target) throw new Error(`${where}: StateMachineArn must be a catalog placeholder`);
        calls.startExecution.add(target);
        continue;
      }
      throw new Error(`${where}: no grant is known for Task resource "${resource}"`);
    }
  };
  visit(machine);
  return calls;
}

/** Whether a Map state runs its items as child executions (a Distributed Map). */
export function hasDistributedMap(machine: AslMachine): boolean {
  return Object.values(machine.States).some(
    (state) =>
      state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED' ||
      (state.ItemProcessor && hasDistributedMap(state.ItemProcessor)) ||
      (state.Branches ?? []).some(hasDistributedMap),
  );
}

/** State machines that start others come after them. */
function creationOrder(calls: Record<WorkflowName, TaskCalls>): WorkflowName[] {
  const order: WorkflowName[] = [];
  const visiting = new Set<WorkflowName>();
  const visit = (name: WorkflowName) => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`workflows start each other in a cycle through ${name}`);
    visiting.add(name);
    for (const target of calls[name].startExecution) visit(target);
    order.push(name);
  };
  for (const name of Object.keys(calls) as WorkflowName[]) visit(name);
  return order;
}

export class Workflows extends Construct {
  readonly functions: Record<TaskFunctionName, ServiceFunction>;
  readonly stateMachines: Record<WorkflowName, StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const logs = { logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy };

    const functions = {} as Record<TaskFunctionName, ServiceFunction>;
    for (const [name, spec] of Object.entries(TASK_FUNCTIONS) as Array<
      [TaskFunctionName, (typeof TASK_FUNCTIONS)[TaskFunctionName]]
    >) {
      const fn = new ServiceFunction(this, name, {
        entry: spec.entry,
        description: `${name} task of the ${props.stage} workflows`,
        timeout: Duration.seconds(spec.timeoutSeconds),
        environment: { ...props.settings },
        ...logs,
      });
      const access: TaskFunction['access'] = spec.access;
      if (access.table) fn.bindTable(props.table, access.table);
      if (access.sendEmail) fn.bindMailer(props.email);
      if (access.imports) {
        if (!props.imports) throw new Error(`${name} uses the imports bucket: pass the imports`);
        props.imports.bindTask(fn, access.imports);
      }
      functions[name] = fn;
    }
    this.functions = functions;

    const definitions = {} as Record<WorkflowName, { text: string; calls: TaskCalls; distributed: boolean }>;
    for (const [name, spec] of Object.entries(WORKFLOWS) as Array<[WorkflowName, { file: string }]>) {
      const text = readFileSync(join(REPO_ROOT, spec.file), 'utf8');
      const machine = JSON.parse(text) as AslMachine;
      // Grants are read from JSONPath `Parameters`, and the local stack runs the same files as JSONPath.
      if (machine.QueryLanguage !== 'JSONPath')
        throw new Error(`${spec.file}: declare "QueryLanguage": "JSONPath"`);
      definitions[name] = {
        text,
        calls: taskCallsOf(machine, spec.file),
        distributed: hasDistributedMap(machine),
      };
    }

    const stateMachines = {} as Record<WorkflowName, StateMachine>;
    for (const name of creationOrder(
      Object.fromEntries(Object.entries(definitions).map(([n, d]) => [n, d.calls])) as Record<
        WorkflowName,
        TaskCalls
      >,
    )) {
      const spec = WORKFLOWS[name];
      const { text, calls, distributed } = definitions[name];

      const known: Record<string, string> = {};
      for (const [fnName, fn] of Object.entries(functions))
        known[functionArnPlaceholder(fnName as TaskFunctionName)] = fn.functionArn;
      for (const [smName, sm] of Object.entries(stateMachines))
        known[stateMachineArnPlaceholder(smName as WorkflowName)] = sm.stateMachineArn;
      const definitionSubstitutions: Record<string, string> = {};
      for (const key of placeholdersOf(text)) {
        const value = known[key];
        if (value === undefined) throw new Error(`${spec.file}: nothing fills \${${key}}`);
        definitionSubstitutions[key] = value;
      }

      const logGroup = serviceLogGroup(this, `${name}Logs`, {
        // The vended-logs prefix keeps Step Functions from growing the account's log resource policy.
        logGroupName: `/aws/vendedlogs/states/${serviceName(props.stage)}-${name}`,
        retention: props.logRetention,
        removalPolicy: props.logRemovalPolicy,
      });
      // Named, so that the grant on its own executions needs no reference to itself.
      const stateMachineName = `${serviceName(props.stage)}-${name}`;
      const stateMachine = new StateMachine(this, name, {
        ...(distributed ? { stateMachineName } : {}),
        definitionBody: DefinitionBody.fromString(text),
        definitionSubstitutions,
        stateMachineType: StateMachineType[spec.type],
        logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
      });

      for (const fnName of calls.functions)
        stateMachine.addToRolePolicy(
          // The ASL names unqualified function ARNs: no version or alias wildcard is needed.
          new PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: [functions[fnName].functionArn],
          }),
        );
      for (const target of calls.startExecution) stateMachines[target].grantStartExecution(stateMachine);

      if (distributed) {
        // A Distributed Map starts its items as child executions of this state machine. As CDK's
        // DistributedMap does, the grant is a separate policy, so the role does not depend on
        // the state machine it belongs to.
        const policy = new Policy(stateMachine, 'DistributedMapPolicy');
        stateMachine.role.attachInlinePolicy(policy);
        stateMachine.grantStartExecution(policy);
        const executions = Stack.of(this).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        policy.addStatements(
          new PolicyStatement({
            actions: ['states:DescribeExecution', 'states:StopExecution'],
            resources: [executions],
          }),
        );
        Validations.of(policy).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArn(this, executions)}]`,
          reason:
            "A Distributed Map names its child executions at run time; the grant covers this state machine's own executions and no other's.",
        });
      }

      Validations.of(stateMachine.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions logging (logs:CreateLogDelivery and related) and X-Ray tracing (xray:PutTraceSegments and related) support no resource-level permissions; AWS documents Resource "*" for both.',
      });
      stateMachines[name] = stateMachine;
    }
    this.stateMachines = stateMachines;

    // Functions that start workflows themselves (e.g. one delivery per notice they owe).
    for (const [name, spec] of Object.entries(TASK_FUNCTIONS) as Array<[TaskFunctionName, TaskFunction]>)
      for (const workflow of spec.access.start ?? [])
        functions[name].bindWorkflow(stateMachines[workflow], workflow);
  }
}
