/**
 * Synthesizes the service the way `npx cdk synth` does (cdk.json context, a stage,
 * cdk-nag and the Control Tower checks registered and run, failing the synth on a
 * finding), with two differences that cost seconds and that no assertion here needs:
 * - functions are not bundled (esbuild, ~25 bundles): no assertion here reads a bundle;
 * - CDK's built-in CloudFormation validation (a WASM engine, seconds to warm up in each
 *   process, whose findings are warnings) is off.
 * test/build/synth.test.ts makes the one synth with both, and checks the bundles and that
 * no validation, the built-in one included, reports anything.
 *
 * One synth per context per worker: the infra project runs its files without isolation
 * (vitest.config.ts), so every file of a worker shares the synths made here. Callers
 * read what they get and add nothing to it (a test that adds constructs builds its own App).
 * Offers small readers over the templates.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildService, type ServiceStacks } from '../../lib/app.ts';
import { REPO_ROOT } from '../../lib/config.ts';

export const TEST_STAGE = 'test';
export const TEST_SENDER = 'support-licensing@example.com';

/**
 * A stand-in for `vite build`'s output (context `consoleDist`): the console's deployment needs
 * a built app at synth, the tests only its place, so no test needs `npm run console:build`.
 */
export const CONSOLE_STUB = (() => {
  const directory = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(
    join(directory, 'index.html'),
    '<!doctype html><title>Entitlements</title><div id="root"></div>',
  );
  writeFileSync(join(directory, 'assets', 'index-stub.js'), 'export {};');
  return directory;
})();

/** Bundle no stack's assets: functions keep their asset, staged unbundled. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * A production stage with every optional setting given: one synth for the tests of
 * production (retention, protection, Control Tower) and of the optional settings, all in
 * test/infra/stages.test.ts so that one worker makes it.
 */
export const PRODUCTION = {
  stage: 'prod',
  createSenderIdentity: 'true',
  downloadsUrl: 'https://downloads.acme.example',
  reminderOffsets: { BASIC: [60, 30, 0] },
  upgradePageSize: '250',
  consoleUrl: 'https://console.acme.example/,https://console.acme.example/signed-out',
  cognitoDomainPrefix: 'acme-entitlements-prod',
} as const;

/** A test App: cdk.json's context plus `extra`, without bundling or the built-in CloudFormation validation. */
export const testApp = (extra: Record<string, unknown> = {}): App =>
  new App({ builtinCloudFormationValidation: false, context: appContext({ ...NO_BUNDLING, ...extra }) });

export interface Synthesized extends ServiceStacks {
  app: App;
  assembly: CloudAssembly;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/** The context of cdk.json, as the CLI would pass it, plus `extra`. */
export function appContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return {
    ...cdkJson.context,
    stage: TEST_STAGE,
    senderAddress: TEST_SENDER,
    consoleDist: CONSOLE_STUB,
    ...extra,
  };
}

const synths = new Map<string, Synthesized>();

/**
 * The service synthesized under cdk.json's context plus `extra`, without bundling, once per
 * worker for each `extra`. Policy validation (cdk-nag, cfn-guard) runs in it: with a
 * violation it throws, and the report is in `assembly.directory`.
 */
export function synthService(extra: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(extra);
  const cached = synths.get(key);
  if (cached) return cached;
  const app = testApp(extra);
  const stacks = buildService(app);
  const assembly = app.synth();
  const synthesized: Synthesized = {
    ...stacks,
    app,
    assembly,
    statefulTemplate: Template.fromJSON(assembly.getStackArtifact(stacks.stateful.artifactId).template),
    statelessTemplate: Template.fromJSON(assembly.getStackArtifact(stacks.stateless.artifactId).template),
  };
  synths.set(key, synthesized);
  return synthesized;
}

export type Json = Record<string, any>;

export const resourcesOf = (template: Template, type: string): Record<string, Json> =>
  template.findResources(type) as Record<string, Json>;

/**
 * What a `Fn::ImportValue` of the stateless stack imports: the value the stateful stack
 * exports under that name (e.g. `{ Ref: <user pool> }`).
 */
export function importedValue(synth: Synthesized, imported: unknown): unknown {
  const name = (imported as Json)['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error(`not an import: ${JSON.stringify(imported)}`);
  const output = Object.values((synth.statefulTemplate.toJSON().Outputs ?? {}) as Record<string, Json>).find(
    (o) => o.Export?.Name === name,
  );
  if (!output) throw new Error(`the stateful stack exports no ${name}`);
  return output.Value;
}

/** Every IAM statement attached (inline, through AWS::IAM::Policy) to the role with that logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Json[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as Json[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Whether some Allow statement grants `action` on exactly `resource` (an ARN or an intrinsic). */
export function allows(statements: Json[], action: string, resource: unknown): boolean {
  const wanted = JSON.stringify(resource);
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      asArray(s.Action).includes(action) &&
      asArray(s.Resource).some((r) => JSON.stringify(r) === wanted),
  );
}

/** `roleLogicalId` from `{ "Fn::GetAtt": [roleLogicalId, "Arn"] }`. */
export function roleIdOf(roleArn: unknown): string {
  const getAtt = (roleArn as Json)['Fn::GetAtt'];
  if (!Array.isArray(getAtt) || getAtt[1] !== 'Arn')
    throw new Error(`not a role ARN: ${JSON.stringify(roleArn)}`);
  return getAtt[0] as string;
}

/** The synthesized resource (type, properties) behind an L2 construct. */
export function resourceOf(template: Template, construct: IConstruct): Json {
  const stack = Stack.of(construct);
  const child = construct.node.defaultChild as CfnElement | undefined;
  if (!child) throw new Error(`${construct.node.path} has no default child`);
  const resource = template.toJSON().Resources[stack.getLogicalId(child)] as Json | undefined;
  if (!resource) throw new Error(`${construct.node.path} is not in this template`);
  return resource;
}

export const logicalIdOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/** The plugin reports of the cloud assembly's validation report, by plugin name. */
export function pluginReports(directory: string): Record<string, Json> {
  const file = readdirSync(directory).find((f) => /validation-report.*\.json$/.test(f));
  if (!file) throw new Error(`no validation report in ${directory}`);
  const reports = (JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json).pluginReports as Json[];
  return Object.fromEntries(reports.map((r) => [String(r.pluginName), r]));
}

/** Every rule acknowledged (`Validations.acknowledge`) on `root` and below, where, and why. */
export function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
        })),
      ),
  );
}
