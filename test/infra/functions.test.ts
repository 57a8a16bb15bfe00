import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_FUNCTIONS, type TaskFunctionName } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/http/routes.ts';
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

/** Every function of the service with its entry and declared access. */
const catalog = () => [
  ...(Object.keys(TASK_FUNCTIONS) as TaskFunctionName[]).map((name) => ({
    name,
    fn: synth.stateless.workflows.functions[name],
    entry: TASK_FUNCTIONS[name].entry as string,
    access: TASK_FUNCTIONS[name].access as { table?: 'read' | 'readWrite'; sendEmail?: boolean },
  })),
  ...ROUTES.map((route) => ({
    name: route.id,
    fn: synth.stateless.httpApi.functions[route.id] as ServiceFunction,
    entry: route.entry,
    access: { table: route.access.table, sendEmail: false },
  })),
];

/** `requireEnv('X')` in a module and the local modules it imports (what runs at cold start). */
function requiredVariables(entry: string): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/requireEnv\('([A-Z0-9_]+)'\)/g)) found.add(m[1]!);
    // Value imports only: `import type` is erased by the bundler.
    for (const m of source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+\.ts)'/gms))
      visit(resolve(dirname(file), m[1]!));
  };
  visit(join(REPO_ROOT, entry));
  return found;
}

describe('every function', () => {
  it('is one of the catalog or the routes, and there is no other', () => {
    expect(Object.keys(resourcesOf(stateless, 'AWS::Lambda::Function')).sort()).toEqual(
      catalog()
        .map((c) => logicalIdOf(c.fn.function))
        .sort(),
    );
  });

  it('runs nodejs24.x on arm64 with active tracing, 512 MB and the bundled ESM handler', () => {
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
    for (const { name, fn, entry } of catalog()) {
      const variables = resourceOf(stateless, fn.function).Properties.Environment.Variables as Json;
      for (const variable of requiredVariables(entry))
        expect(variables[variable], `${name}: ${variable}`).toBeDefined();
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
          actions.filter((a) => a.startsWith('dynamodb:')),
          name,
        ).toEqual([]);
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

describe('links in the emails', () => {
  it('come from configuration (CDK context), defaulting to the vendor sites, https only', async () => {
    const { synthTemplatesOnly } = await import('./synth.ts');
    const { Template } = await import('aws-cdk-lib/assertions');
    const env = (context: Record<string, unknown>) => {
      const { stateless: stack } = synthTemplatesOnly(context);
      const fn = stack.workflows.functions.DecideUpgrades;
      return resourceOf(Template.fromStack(stack), fn.function).Properties.Environment.Variables as Json;
    };
    expect(env({})).toMatchObject({
      LICENSING_PORTAL_URL: 'https://licensing.vendor.example',
      DOWNLOADS_URL: 'https://downloads.vendor.example',
    });
    expect(env({ downloadsUrl: 'https://downloads.acme.example' }).DOWNLOADS_URL).toBe(
      'https://downloads.acme.example',
    );
    expect(() => env({ licensingPortalUrl: 'http://insecure.example' })).toThrow(/https URL/);
  });
});
