/**
 * The validation on every synth is live: a non-compliant resource added to the service fails
 * the synth, cdk-nag and the Control Tower checks both report it, and nothing else. A synth of
 * the whole service with both validators (seconds), so once per run here; the infra suite
 * checks the rules themselves on the construct tree (test/infra/nag.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildService } from '../../lib/app.ts';
import { type Json, testApp } from '../infra/synth.ts';

/** Every violation in the cloud assembly's validation reports, by plugin. */
function violations(directory: string) {
  const reports = readdirSync(directory).filter((f) => /validation-report.*\.json$/.test(f));
  expect(reports.length).toBeGreaterThan(0);
  return reports.flatMap((file) =>
    ((JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json).pluginReports as Json[]).flatMap(
      (report) =>
        ((report.violations ?? []) as Json[]).map((v) => ({
          plugin: String(report.pluginName),
          rule: String(v.ruleName),
          constructs: ((v.violatingConstructs ?? []) as Json[]).map((c) => String(c.constructPath)),
        })),
    ),
  );
}

describe('validation on synth', () => {
  it('is live: a non-compliant resource added to the service fails synthesis, and only it is reported', () => {
    // Bundling skipped: this synth only needs the templates.
    const app = testApp();
    const { stateful } = buildService(app);
    new Bucket(stateful, 'Canary');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    const report = /found in: (\S+validation-report\.json)/.exec(message)?.[1];
    expect(report, message).toBeDefined();
    const found = violations(join(report!, '..'));
    expect(found.map((v) => `${v.plugin} ${v.rule}`)).toContain('AwsSolutions AwsSolutions-S1');
    expect(found.map((v) => v.plugin)).toContain('cdk-validator-cfnguard');
    // Only the canary is reported: the rest of the service stays clean.
    for (const v of found)
      expect(
        v.constructs.every((path) => path.includes('/Canary/')),
        v.rule,
      ).toBe(true);
  });
});
