import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TASK_FUNCTIONS,
  type TaskFunctionName,
  WORKFLOWS,
  type WorkflowName,
} from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { config, type SectionName, sectionVariables } from '../../functions/shared/config.ts';
import { REPO_ROOT } from '../../lib/config.ts';
import type { ServiceFunction } from '../../lib/constructs/service-function.ts';
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

interface Access {
  table?: 'read' | 'readWrite';
  sendEmail?: boolean;
  start?: readonly WorkflowName[];
  startSync?: readonly WorkflowName[];
  tableStream?: boolean;
}

/** What reading the table's stream takes (DynamoEventSource): no item read or write. */
const STREAM_READ = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

/** Every function of the service with its entry and declared access. */
const catalog = () => [
  ...(Object.keys(TASK_FUNCTIONS) as TaskFunctionName[]).map((name) => ({
    name,
    fn: synth.stateless.workflows.functions[name],
    entry: TASK_FUNCTIONS[name].entry as string,
    access: TASK_FUNCTIONS[name].access as Access,
  })),
  ...ROUTES.map((route) => ({
    name: route.id,
    fn: synth.stateless.httpApi.functions[route.id] as ServiceFunction,
    entry: route.entry,
    access: { ...(route.access as Access), sendEmail: false },
  })),
];

/**
 * The environment variables a handler reads, at cold start or later, found in its module and
 * the local modules it imports (value imports: what the bundle holds). Every variable is
 * read through the configuration (functions/shared/config.ts), which names it once:
 * - a section, `config.table()`, needs the section's required variables (no fallback);
 * - a workflow's ARN, `config.workflowArn('X')`, the variable the catalog names for it
 *   (`WORKFLOWS.X.arnVariable`);
 * - a workflow named at run time, `config.workflowArn(workflow)`, is `dynamicWorkflow`: the
 *   function then needs the ARN of each workflow its access names.
 * Any other read of the environment (`process.env.X` outside config.ts, but for the SDK's own
 * optional `AWS_*`) is an error here, so a variable cannot slip past this check.
 */
function requiredVariables(entry: string): { names: Set<string>; dynamicWorkflow: boolean } {
  const names = new Set<string>();
  let dynamicWorkflow = false;
  const seen = new Set<string>();
  const configModule = join(REPO_ROOT, 'functions/shared/config.ts');
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Code only: comments may name variables (`config.workflowArn('X')` in a doc comment).
    const source = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
    for (const [call, argument] of source.matchAll(/\bconfig\.workflowArn\(\s*([^)]*?)\s*\)/g)) {
      const named = /^'(\w+)'$/.exec(argument!)?.[1];
      if (named === undefined) {
        if (!/^[A-Za-z_$][\w$.]*$/.test(argument!))
          throw new Error(`${file}: ${call} is not a form this check knows`);
        dynamicWorkflow = true;
        continue;
      }
      const workflow = WORKFLOWS[named as WorkflowName];
      if (!workflow) throw new Error(`${file}: ${named} is not a workflow of the catalog`);
      names.add(workflow.arnVariable);
    }
    for (const m of source.matchAll(/\bconfig\.(\w+)\(\s*\)/g)) {
      const section = m[1]!;
      if (!(section in config) || section === 'workflowArn')
        throw new Error(`${file}: config.${section}() is not a section of the configuration`);
      for (const variable of sectionVariables(section as SectionName))
        if (variable.required) names.add(variable.name);
    }
    if (file !== configModule)
      for (const [read] of source.matchAll(/process\.env(?:\.\w+|\[[^\]]*\])?/g))
        if (!/^process\.env\.AWS_\w+$/.test(read))
          throw new Error(`${file}: ${read} reads the environment outside functions/shared/config.ts`);
    // Value imports and re-exports only: `import type` is erased by the bundler.
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+\.ts)'/gms))
      visit(resolve(dirname(file), m[1]!));
  };
  visit(join(REPO_ROOT, entry));
  return { names, dynamicWorkflow };
}

describe('every function', () => {
  it('is one of the catalog or the routes, and there is no other', () => {
    // But CDK's own, which copies the built console to its bucket (test/infra/console.test.ts).
    expect(Object.keys(resourcesOf(stateless, 'AWS::Lambda::Function')).sort()).toEqual(
      [
        ...catalog().map((c) => logicalIdOf(c.fn.function)),
        logicalIdOf(synth.stateless.console.deploymentFunction),
      ].sort(),
    );
  });

  it('runs nodejs24.x on arm64 with active tracing, 512 MB and index.handler (the bundle: test/build)', () => {
    for (const { name, fn } of catalog()) {
      const { Properties } = resourceOf(stateless, fn.function);
      expect(Properties.Runtime, name).toBe('nodejs24.x');
      expect(Properties.Architectures, name).toEqual(['arm64']);
      expect(Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(Properties.MemorySize, name).toBe(512);
      expect(Properties.Handler, name).toBe('index.handler');
      expect(Properties.Environment.Variables.NODE_OPTIONS, name).toBe('--enable-source-maps');
    }
  });

  it('logs to its own log group, which has a retention', () => {
    for (const { name, fn } of catalog()) {
      const { Properties } = resourceOf(stateless, fn.function);
      expect(Properties.LoggingConfig.LogGroup, name).toEqual({ Ref: logicalIdOf(fn.logGroup) });
      expect(resourceOf(stateless, fn.logGroup).Properties.RetentionInDays, name).toBeGreaterThan(0);
    }
  });

  it('gets every environment variable its handler requires', () => {
    for (const { name, fn, entry, access } of catalog()) {
      const variables = resourceOf(stateless, fn.function).Properties.Environment.Variables as Json;
      const { names, dynamicWorkflow } = requiredVariables(entry);
      // The check sees what the handler reads: a function with table access reads the table's name.
      if (access.table) expect([...names], name).toContain('TABLE_NAME');
      for (const variable of names) expect(variables[variable], `${name}: ${variable}`).toBeDefined();
      if (dynamicWorkflow) {
        // Which workflow is decided at run time: every one the function may start.
        const workflows = [...(access.start ?? []), ...(access.startSync ?? [])];
        expect(workflows.length, `${name} names a workflow at run time but may start none`).toBeGreaterThan(
          0,
        );
        for (const workflow of workflows)
          expect(variables[WORKFLOWS[workflow].arnVariable], `${name}: ${workflow}`).toBeDefined();
      }
    }
  });

  it('reads the ARN of each workflow it may start through the catalog, where the check above finds it', () => {
    // Handlers that start a workflow name its ARN variable through the catalog, never as a string.
    const starters = catalog().filter(
      (c) => (c.access.start ?? []).length + (c.access.startSync ?? []).length > 0,
    );
    expect(starters.length).toBeGreaterThan(0);
    for (const { name, entry, access } of starters) {
      const { names, dynamicWorkflow } = requiredVariables(entry);
      for (const workflow of [...(access.start ?? []), ...(access.startSync ?? [])])
        expect(names.has(WORKFLOWS[workflow].arnVariable) || dynamicWorkflow, `${name}: ${workflow}`).toBe(
          true,
        );
    }
  });

  it('has a role with no managed policy that may write only to its own log group', () => {
    for (const { name, fn } of catalog()) {
      const role = resourceOf(stateless, fn.role);
      expect(role.Properties.ManagedPolicyArns, name).toBeUndefined();
      const statements = statementsOfRole(stateless, logicalIdOf(fn.role));
      const logGroupArn = { 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] };
      expect(allows(statements, 'logs:PutLogEvents', logGroupArn), name).toBe(true);
      expect(allows(statements, 'logs:CreateLogStream', logGroupArn), name).toBe(true);
      const logResources = statements
        .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('logs:')))
        .flatMap((s) => [s.Resource].flat());
      expect(logResources, name).toEqual([logGroupArn]);
      expect(roleIdOf(resourceOf(stateless, fn.function).Properties.Role), name).toBe(logicalIdOf(fn.role));
    }
  });

  it('is granted table, SES and workflow actions only as its declared access says', () => {
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    for (const { name, fn, access } of catalog()) {
      const actions = statementsOfRole(stateless, logicalIdOf(fn.role)).flatMap(
        (s) => [s.Action].flat() as string[],
      );
      const variables = resourceOf(stateless, fn.function).Properties.Environment.Variables as Json;
      if (!access.table)
        expect(
          actions.filter(
            (a) => a.startsWith('dynamodb:') && !(access.tableStream && STREAM_READ.includes(a)),
          ),
          name,
        ).toEqual([]);
      if (access.tableStream) expect(actions, name).toEqual(expect.arrayContaining(STREAM_READ));
      if (access.table) {
        expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
        expect(variables.TABLE_NAME, name).toBeDefined();
      }
      if (access.table === 'read') for (const write of writes) expect(actions, name).not.toContain(write);
      if (access.table === 'readWrite') expect(actions, name).toEqual(expect.arrayContaining(writes));
      expect(actions.includes('ses:SendEmail'), name).toBe(Boolean(access.sendEmail));
      expect(
        actions.some((a) => a.includes('*')),
        name,
      ).toBe(false);
    }
  });

  it('sends email only from the sender identity, through the configuration set, with the service templates', () => {
    const fn = synth.stateless.workflows.functions.SendNotice;
    const ses = statementsOfRole(stateless, logicalIdOf(fn.role)).filter((s) =>
      [s.Action].flat().includes('ses:SendEmail'),
    );
    expect(ses).toHaveLength(1);
    const arns = [ses[0]!.Resource].flat().map((r) => JSON.stringify(r));
    expect(arns.some((a) => a.includes(':identity/example.com'))).toBe(true);
    expect(arns.some((a) => a.includes(':configuration-set/'))).toBe(true);
    expect(arns.filter((a) => a.includes(':template/Entitlements-test-'))).toHaveLength(
      synth.stateful.email.templateNames.length,
    );
    expect(arns.every((a) => !a.includes('*'))).toBe(true);
  });
});
