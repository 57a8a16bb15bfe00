import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import aslValidator from 'asl-validator';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TASK_FUNCTIONS,
  type TaskFunctionName,
  WORKFLOWS,
  type WorkflowName,
} from '../../functions/catalog.ts';
import { REPO_ROOT } from '../../lib/config.ts';
import { taskCallsOf } from '../../lib/constructs/workflows.ts';
import {
  allows,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  roleIdOf,
  type Synthesized,
  statementsOfRole,
  synthService,
} from './synth.ts';

let synth: Synthesized;
let stateless: Template;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
});

const workflowNames = Object.keys(WORKFLOWS) as WorkflowName[];
const machine = (name: WorkflowName) => resourceOf(stateless, synth.stateless.workflows.stateMachines[name]);

/** A stand-in value for a CloudFormation intrinsic, as it would be once deployed. */
function standIn(value: unknown, resources: Json): string {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (v['Fn::GetAtt']) {
    const [id, attribute] = v['Fn::GetAtt'] as [string, string];
    if (resources[id]?.Type === 'AWS::Lambda::Function' && attribute === 'Arn')
      return `arn:aws:lambda:eu-west-1:123456789012:function:${id}`;
  }
  if (v.Ref && resources[v.Ref]?.Type === 'AWS::StepFunctions::StateMachine')
    return `arn:aws:states:eu-west-1:123456789012:stateMachine:${v.Ref}`;
  if (v['Fn::ImportValue']) return `imported-${String(v['Fn::ImportValue']).replace(/\W/g, '')}`;
  throw new Error(`no stand-in for ${JSON.stringify(value)}`);
}

/** The definition as it is deployed: the ASL file with CDK's substitutions, intrinsics stood in for. */
function deployedDefinition(name: WorkflowName): Json {
  const resources = stateless.toJSON().Resources as Json;
  const { DefinitionString, DefinitionSubstitutions } = machine(name).Properties;
  const substitutions = (DefinitionSubstitutions ?? {}) as Json;
  const resolved = (DefinitionString as string).replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    expect(substitutions[key], `${name}: \${${key}}`).toBeDefined();
    return standIn(substitutions[key], resources);
  });
  expect(resolved, name).not.toMatch(/\$\{/);
  return JSON.parse(resolved) as Json;
}

/** Every state, nested ones (Map item processors, Parallel branches) included, by path. */
function* statesOf(definition: Json, prefix = ''): Generator<[string, Json]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, Json>)) {
    yield [`${prefix}${name}`, state];
    for (const nested of [state.ItemProcessor, state.Iterator, ...((state.Branches as Json[]) ?? [])])
      if (nested) yield* statesOf(nested as Json, `${prefix}${name}/`);
  }
}

/** Every string in a JSON value, keys included. */
function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsOf(v);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* stringsOf(v);
    }
}

describe('ASL files', () => {
  const files = readdirSync(join(REPO_ROOT, 'statemachines')).filter((f) => f.endsWith('.asl.json'));

  it('are exactly the workflows of the catalog', () => {
    expect(files.map((f) => `statemachines/${f}`).sort()).toEqual(
      Object.values(WORKFLOWS)
        .map((w) => w.file)
        .sort(),
    );
  });

  it('each have a workflow test that runs it on the local stack', () => {
    for (const file of files) {
      const test = join(REPO_ROOT, 'test/workflows', file.replace(/\.asl\.json$/, '.test.ts'));
      expect(existsSync(test), `${file}: test/workflows/${basename(test)}`).toBe(true);
    }
  });

  it('know no storage: no table integration, key format or shard list of the table design', () => {
    for (const file of files) {
      const text = readFileSync(join(REPO_ROOT, 'statemachines', file), 'utf8');
      expect(text, file).not.toContain('arn:aws:states:::dynamodb:');
      expect(text, file).not.toMatch(/[A-Z]+#/);
      expect(text, file).not.toMatch(/"shards":\s*\[/);
    }
    const storing = { States: { Mark: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem' } } };
    expect(() => taskCallsOf(storing, 'x.asl.json')).toThrow(/knows no storage/);
  });

  it('each declare JSONPath, which the local stack and the grants read', () => {
    for (const file of files) {
      const asl = JSON.parse(readFileSync(join(REPO_ROOT, 'statemachines', file), 'utf8'));
      expect(asl.QueryLanguage, file).toBe('JSONPath');
      expect(JSON.stringify(asl), file).not.toContain('"QueryLanguage":"JSONata"');
    }
  });

  it('hold no JSONata: no state switches to it, no {% %} expression, no JSONata-only field', () => {
    for (const file of files) {
      const asl = JSON.parse(readFileSync(join(REPO_ROOT, 'statemachines', file), 'utf8')) as Json;
      for (const [path, state] of statesOf(asl)) {
        expect(state.QueryLanguage ?? 'JSONPath', `${file} ${path}`).toBe('JSONPath');
        // Arguments and Output exist in JSONata only (JSONPath has Parameters, ResultSelector, OutputPath).
        expect(
          Object.keys(state).filter((key) => key === 'Arguments' || key === 'Output'),
          `${file} ${path}`,
        ).toEqual([]);
      }
      for (const text of stringsOf(asl)) expect(text, file).not.toMatch(/\{%|%\}/);
    }
    // The checks see what they look for.
    const jsonata = {
      StartAt: 'P',
      States: { P: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } },
    };
    expect([...statesOf(jsonata)][0]![1].QueryLanguage).toBe('JSONata');
    expect([...stringsOf(jsonata)]).toContain('{% 1 %}');
  });
});

describe('state machines', () => {
  it('one per workflow, of the type the catalog says', () => {
    expect(Object.keys(resourcesOf(stateless, 'AWS::StepFunctions::StateMachine'))).toHaveLength(
      workflowNames.length,
    );
    expect(machine('DeliverNotice').Properties.StateMachineType).toBe('STANDARD');
    expect(machine('RegisterCertificate').Properties.StateMachineType).toBe('EXPRESS');
    for (const name of workflowNames)
      expect(machine(name).Properties.StateMachineType).toBe(WORKFLOWS[name].type);
  });

  it('carry their ASL file inline, with every placeholder filled by a substitution', () => {
    for (const name of workflowNames) {
      const { DefinitionString, DefinitionSubstitutions, DefinitionS3Location } = machine(name).Properties;
      expect(DefinitionS3Location, name).toBeUndefined();
      expect(typeof DefinitionString, name).toBe('string');
      expect(JSON.parse(DefinitionString)).toEqual(
        JSON.parse(readFileSync(join(REPO_ROOT, WORKFLOWS[name].file), 'utf8')),
      );
      expect(DefinitionString, name).not.toContain('"QueryLanguage": "JSONata"');
      const asl = deployedDefinition(name);
      expect(asl.QueryLanguage, name).toBe('JSONPath');
      // No substitution is unused: each one fills a placeholder of the file.
      for (const key of Object.keys(DefinitionSubstitutions as Json))
        expect(DefinitionString, name).toContain(`\${${key}}`);
    }
  });

  it('are valid Amazon States Language (asl-validator), once their substitutions are filled in', () => {
    for (const name of workflowNames) {
      const { isValid, errorsText } = aslValidator(deployedDefinition(name), {
        checkPaths: true,
        checkArn: true,
      });
      expect(isValid, `${WORKFLOWS[name].file}: ${errorsText('; ')}`).toBe(true);
    }
    // The validator is live: a Choice without Choices, a Next to nowhere, a malformed path.
    const broken = {
      StartAt: 'A',
      States: {
        A: { Type: 'Choice', Default: 'B' },
        B: { Type: 'Pass', InputPath: '$$..[', Next: 'Nowhere' },
      },
    };
    const { isValid, errors } = aslValidator(broken);
    expect(isValid).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fill Task functions with their functions, the table with its name, and delivery with its machine', () => {
    const subs = (name: WorkflowName) => machine(name).Properties.DefinitionSubstitutions as Json;
    const fnArn = (name: TaskFunctionName) => ({
      'Fn::GetAtt': [logicalIdOf(synth.stateless.workflows.functions[name].function), 'Arn'],
    });
    expect(subs('RegisterCertificate').RecordRegistrationFunctionArn).toEqual(fnArn('RecordRegistration'));
    expect(subs('RegisterCertificate').DeliverNoticeStateMachineArn).toEqual({
      Ref: logicalIdOf(synth.stateless.workflows.stateMachines.DeliverNotice),
    });
    expect(subs('DeliverNotice').SendNoticeFunctionArn).toEqual(fnArn('SendNotice'));
    // RecordUndeliverable is the send-notice function too: one behaviour, no table access in the ASL.
    expect(subs('DeliverNotice').TableName).toBeUndefined();
  });

  it('log ALL with execution data to a vended-logs group, and trace with X-Ray', () => {
    for (const name of workflowNames) {
      const { LoggingConfiguration, TracingConfiguration } = machine(name).Properties;
      expect(LoggingConfiguration.Level, name).toBe('ALL');
      expect(LoggingConfiguration.IncludeExecutionData, name).toBe(true);
      const [logGroupId] =
        LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
      const logGroup = (stateless.toJSON().Resources as Json)[logGroupId];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
      expect(TracingConfiguration, name).toEqual({ Enabled: true });
    }
  });
});

describe('state machine roles', () => {
  const statements = (name: WorkflowName) =>
    statementsOfRole(stateless, roleIdOf(machine(name).Properties.RoleArn));

  it('may invoke every Lambda function their definition names, and no other', () => {
    const resources = stateless.toJSON().Resources as Json;
    for (const name of workflowNames) {
      const substitutions = machine(name).Properties.DefinitionSubstitutions as Json;
      const functionArns = Object.values(substitutions).filter(
        (v) => resources[(v as Json)['Fn::GetAtt']?.[0]]?.Type === 'AWS::Lambda::Function',
      );
      expect(functionArns.length, name).toBeGreaterThan(0);
      for (const arn of functionArns)
        expect(allows(statements(name), 'lambda:InvokeFunction', arn), name).toBe(true);
      const invocable = statements(name)
        .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'))
        .flatMap((s) => [s.Resource].flat());
      expect(invocable.map((r) => JSON.stringify(r)).sort(), name).toEqual(
        functionArns.map((r) => JSON.stringify(r)).sort(),
      );
    }
  });

  it('RegisterCertificate may start DeliverNotice executions', () => {
    const deliver = { Ref: logicalIdOf(synth.stateless.workflows.stateMachines.DeliverNotice) };
    expect(allows(statements('RegisterCertificate'), 'states:StartExecution', deliver)).toBe(true);
  });

  it('touch no table themselves: their Task functions do, through the adapters', () => {
    for (const name of workflowNames) {
      const table = statements(name).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
      );
      expect(table, name).toEqual([]);
    }
  });

  it('Task functions exist for every catalog entry, with the timeout the catalog gives', () => {
    for (const name of Object.keys(TASK_FUNCTIONS) as TaskFunctionName[]) {
      const fn = resourceOf(stateless, synth.stateless.workflows.functions[name].function);
      expect(fn.Properties.Timeout, name).toBe(TASK_FUNCTIONS[name].timeoutSeconds);
    }
  });
});
