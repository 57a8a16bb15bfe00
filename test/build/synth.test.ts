/**
 * The synth `npx cdk synth` makes, once per run: every function bundled by esbuild, and
 * every validation on (cdk-nag, the Control Tower checks, and CDK's built-in CloudFormation
 * validation). The infra suite synthesizes without bundling or the built-in validation
 * (test/infra/synth.ts); this file checks that nothing it leaves out changes the answer:
 * the bundles are what Lambda runs, no validation reports anything, and the templates are
 * the infra suite's but for the code assets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildService, type ServiceStacks } from '../../lib/app.ts';
import { appContext, type Json, synthService } from '../infra/synth.ts';

let assembly: CloudAssembly;
let stacks: ServiceStacks;
beforeAll(() => {
  const app = new App({ context: appContext() });
  stacks = buildService(app);
  assembly = app.synth();
}, 600_000);

const templateOf = (stackName: string): Json => assembly.getStackByName(stackName).template as Json;

const functionsOf = (template: Json): Array<[string, Json]> =>
  Object.entries(template.Resources as Record<string, Json>).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function',
  );

describe('the bundled synth', () => {
  it('bundles every function into one minified ESM file with its source map, the AWS SDK left to the runtime', () => {
    // All but CDK's own, which copies the built console to its bucket (Python, with the AWS CLI).
    const copier = stacks.stateless.getLogicalId(
      stacks.stateless.console.deploymentFunction.node.defaultChild as CfnElement,
    );
    const functions = functionsOf(templateOf(stacks.stateless.stackName)).filter(([id]) => id !== copier);
    expect(functions.length).toBeGreaterThan(20);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Handler, id).toBe('index.handler');
      const hash = /^([0-9a-f]{64})\.zip$/.exec(fn.Properties.Code.S3Key)?.[1];
      expect(hash, id).toBeDefined();
      const directory = join(assembly.directory, `asset.${hash}`);
      expect(existsSync(join(directory, 'index.mjs.map')), id).toBe(true);
      const bundle = readFileSync(join(directory, 'index.mjs'), 'utf8');
      // ESM that exports the handler Lambda calls.
      expect(bundle, id).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      // The SDK is imported (Node 24's runtime has it), never inlined.
      const sdkMentions = bundle.match(/["']@aws-sdk\/[^"']+["']/g) ?? [];
      const sdkImports = bundle.match(/(?:from|import)\s*\(?\s*["']@aws-sdk\/[^"']+["']/g) ?? [];
      expect(sdkImports.length, id).toBe(sdkMentions.length);
      expect(bundle, id).not.toContain('@smithy/');
      // Minified: no indented source lines (a multi-line string, as in an iCalendar writer, may break lines).
      const indented = bundle.split('\n').filter((line) => /^ {2,}[\w$.(){}]/.test(line));
      expect(indented.length, `${id}: minified`).toBeLessThan(5);
    }
  });

  it('leaves nothing in any validation report: cdk-nag, the Control Tower checks, CloudFormation validation', () => {
    const report = JSON.parse(
      readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as Json;
    const plugins = (report.pluginReports as Json[]).map((r) => String(r.pluginName));
    expect(plugins).toEqual(expect.arrayContaining(['AwsSolutions', 'cdk-validator-cfnguard']));
    const violations = (report.pluginReports as Json[]).flatMap((r) =>
      ((r.violations ?? []) as Json[]).map((v) => `${r.pluginName} ${v.ruleName} (${v.severity})`),
    );
    expect(violations).toEqual([]);
  });

  it('has the templates the infra suite reads, but for the functions’ code assets', () => {
    const unbundled = synthService();
    const withoutCode = (template: Json): Json => {
      const copy = structuredClone(template);
      for (const [, fn] of functionsOf(copy)) fn.Properties.Code = 'ASSET';
      return copy;
    };
    for (const [stack, template] of [
      [stacks.stateful, unbundled.statefulTemplate],
      [stacks.stateless, unbundled.statelessTemplate],
    ] as const)
      expect(withoutCode(templateOf(stack.stackName)), stack.stackName).toEqual(
        withoutCode(template.toJSON()),
      );
  });
});
