/**
 * Synthesizes the service the way `npx cdk synth` does (cdk.json context, a stage,
 * cdk-nag and the Control Tower checks registered, functions bundled by esbuild) and offers small readers over the
 * templates. One synth per test file: call it from `beforeAll`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildService, type ServiceStacks } from '../../lib/app.ts';
import { REPO_ROOT } from '../../lib/config.ts';

export const TEST_STAGE = 'test';
export const TEST_SENDER = 'support-licensing@example.com';

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
  return { ...cdkJson.context, stage: TEST_STAGE, senderAddress: TEST_SENDER, ...extra };
}

export function synthService(extra: Record<string, unknown> = {}): Synthesized {
  const app = new App({ context: appContext(extra) });
  const stacks = buildService(app);
  // Policy validation (cdk-nag, cfn-guard) runs here; with violations, an in-memory synth throws.
  const assembly = app.synth();
  return {
    ...stacks,
    app,
    assembly,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

/** A synth without bundling (faster), for tests that only read templates under other context. */
export function synthTemplatesOnly(
  extra: Record<string, unknown> = {},
): ServiceStacks & { app: App; assembly: CloudAssembly } {
  const app = new App({ context: appContext({ 'aws:cdk:bundling-stacks': [], ...extra }) });
  const stacks = buildService(app);
  const assembly = app.synth();
  return { ...stacks, app, assembly };
}

export type Json = Record<string, any>;

export const resourcesOf = (template: Template, type: string): Record<string, Json> =>
  template.findResources(type) as Record<string, Json>;

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
