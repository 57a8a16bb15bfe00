import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/http/routes.ts';
import { buildService } from '../../lib/app.ts';
import { acknowledgments, type Json, type Synthesized, synthService, testApp } from './synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthService();
});

/** Every violation in the cloud assembly's validation reports, by plugin. */
function violations(
  directory: string,
): Array<{ plugin: string; rule: string; severity: string; constructs: string[] }> {
  const reports = readdirSync(directory).filter((f) => /validation-report.*\.json$/.test(f));
  expect(reports.length).toBeGreaterThan(0);
  return reports.flatMap((file) =>
    ((JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json).pluginReports as Json[]).flatMap(
      (report) =>
        ((report.violations ?? []) as Json[]).map((v) => ({
          plugin: String(report.pluginName),
          rule: String(v.ruleName),
          severity: String(v.severity),
          constructs: ((v.violatingConstructs ?? []) as Json[]).map((c) => String(c.constructPath)),
        })),
    ),
  );
}

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged error or warning', () => {
    expect(
      violations(synth.assembly.directory).filter((v) => /AwsSolutions/.test(`${v.plugin} ${v.rule}`)),
    ).toEqual([]);
    expect(violations(synth.assembly.directory)).toEqual([]);
  });

  it('is acknowledged only per finding, on the construct concerned, with a reason', () => {
    // cfn-guard's acknowledgments are checked in guard.test.ts.
    const acks = acknowledgments(synth.app).filter((a) => a.id.startsWith('AwsSolutions::'));
    expect(acks.length).toBeGreaterThan(0);
    // SQS3 ("no DLQ of its own") has no finding to name: it is acknowledged only on dead-letter queues.
    const deadLetterQueue = (a: { id: string; path: string }) =>
      a.id === 'AwsSolutions::AwsSolutions-SQS3' && /\/DeadLetters$/.test(a.path);
    // APIG4 and SMG4 name no finding either: only on the public routes (no token: their reason
    // is in functions/http/routes.ts) and on the secret that signs unsubscribe links.
    const publicRoute = (a: { id: string; path: string; reason?: string }) =>
      a.id === 'AwsSolutions::AwsSolutions-APIG4' &&
      /-Stateless\/Http\/Api\/[A-Z]+--/.test(a.path) &&
      ROUTES.some((r) => r.public === a.reason);
    const signingSecret = (a: { id: string; path: string }) =>
      a.id === 'AwsSolutions::AwsSolutions-SMG4' && /\/UnsubscribeSigning\/Secret$/.test(a.path);
    // S1 (server access logs) names no finding: only on the bucket that receives the imports bucket's access logs.
    const accessLogsBucket = (a: { id: string; path: string }) =>
      a.id === 'AwsSolutions::AwsSolutions-S1' && /\/(Imports|Console)\/AccessLogs$/.test(a.path);
    // The console's distribution (lib/constructs/console.ts): no geographic restriction (CFR1), no
    // web ACL (CFR2), CloudFront's default certificate (CFR4); these rules name no finding either.
    const consoleDistribution = (a: { id: string; path: string }) =>
      /^AwsSolutions::AwsSolutions-CFR[124]$/.test(a.id) && /-Stateless\/Console\/Distribution$/.test(a.path);
    // CDK's BucketDeployment function: its runtime is aws-cdk-lib's (L1, no finding named).
    const deploymentRuntime = (a: { id: string; path: string }) =>
      a.id === 'AwsSolutions::AwsSolutions-L1' &&
      /-Stateless\/Custom::CDKBucketDeployment[0-9A-F]+512MiB\/Resource$/.test(a.path);
    // Its role: CDK's grants on the asset bucket, the console bucket and the invalidations.
    const deploymentGrants = (a: { id: string; path: string }) =>
      /-Stateless\/Console\/DeploymentRole$/.test(a.path) &&
      /^AwsSolutions::AwsSolutions-IAM5\[(Action::s3:(GetBucket|GetObject|List|DeleteObject|Abort)\*|Resource::\*|Resource::<ConsoleBucket[0-9A-F]+\.Arn>\/\*|Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>\/\*)\]$/.test(
        a.id,
      );
    for (const ack of acks) {
      // A specific finding (RuleId[Finding]), never a whole rule, and never on a stack or the app.
      if (
        !deadLetterQueue(ack) &&
        !publicRoute(ack) &&
        !signingSecret(ack) &&
        !accessLogsBucket(ack) &&
        !consoleDistribution(ack) &&
        !deploymentRuntime(ack)
      )
        expect(ack.id, ack.path).toMatch(/^AwsSolutions::AwsSolutions-[A-Z0-9]+\[.+\]$/);
      expect(ack.path.split('/').length, ack.path).toBeGreaterThan(2);
      expect(ack.reason.length, ack.path).toBeGreaterThan(40);
    }
    // Only the wildcards AWS requires (X-Ray, Step Functions log delivery), and the
    // service's own schedule group for the functions that name schedules at run time.
    const scheduleGroup = (a: { id: string }) =>
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule\/Entitlements-test\/\*\]$/.test(
        a.id,
      );
    // And a Distributed Map's own child executions.
    const childExecutions = (a: { id: string; path: string }) =>
      /\/DistributedMapPolicy$/.test(a.path) &&
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:Entitlements-test-(UpgradeDecisions|ImportRegistrations):\*\]$/.test(
        a.id,
      );
    // And the import files (imports/<id>/…, ids made at run time) of the imports bucket.
    const importFiles = (a: { id: string }) =>
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::<ImportsBucket[0-9A-F]+\.Arn>\/imports\/\*(\/input\.csv|\/report\.csv|\/results\/\*)?\]$/.test(
        a.id,
      );
    const others = acks.filter(
      (a) =>
        !deadLetterQueue(a) &&
        !scheduleGroup(a) &&
        !childExecutions(a) &&
        !importFiles(a) &&
        !accessLogsBucket(a) &&
        !publicRoute(a) &&
        !signingSecret(a) &&
        !consoleDistribution(a) &&
        !deploymentRuntime(a) &&
        !deploymentGrants(a),
    );
    expect(acks.filter(consoleDistribution)).toHaveLength(3);
    expect(acks.filter(deploymentRuntime)).toHaveLength(1);
    expect(acks.filter(deploymentGrants)).toHaveLength(8);
    expect(acks.filter(publicRoute)).toHaveLength(ROUTES.filter((r) => r.public).length);
    expect(acks.filter(signingSecret)).toHaveLength(1);
    expect(new Set(others.map((a) => a.id))).toEqual(
      new Set(['AwsSolutions::AwsSolutions-IAM5[Resource::*]']),
    );
    for (const ack of acks.filter(
      (a) =>
        !deadLetterQueue(a) &&
        !childExecutions(a) &&
        !accessLogsBucket(a) &&
        !publicRoute(a) &&
        !signingSecret(a) &&
        !consoleDistribution(a) &&
        !deploymentRuntime(a) &&
        !deploymentGrants(a),
    ))
      expect(ack.path).toMatch(/\/Role$/);
    expect(acks.filter(scheduleGroup).map((a) => a.path)).toEqual([
      'Entitlements-test-Stateless/Http/PutLifecycle/Role',
      'Entitlements-test-Stateless/Http/PutRelease/Role',
    ]);
    expect(acks.filter(childExecutions).map((a) => a.path)).toEqual([
      'Entitlements-test-Stateless/Workflows/UpgradeDecisions/DistributedMapPolicy',
      'Entitlements-test-Stateless/Workflows/ImportRegistrations/DistributedMapPolicy',
    ]);
  });

  it('passes the user pool on its merits: MFA, a strong password policy, the Plus plan (COG1, COG2, COG8), none acknowledged', () => {
    expect(synth.stateful.identity.userPool).toBeDefined();
    const cognito = acknowledgments(synth.app).filter(
      (a) => /AwsSolutions-COG/.test(a.id) || /\/Identity\//.test(a.path),
    );
    expect(cognito).toEqual([]);
  });

  it('ran on the service’s synth, with the Control Tower checks', () => {
    const report = JSON.parse(readFileSync(join(synth.assembly.directory, 'validation-report.json'), 'utf8'));
    expect((report.pluginReports as Json[]).map((r) => r.pluginName)).toEqual(
      expect.arrayContaining(['AwsSolutions', 'cdk-validator-cfnguard']),
    );
  });

  it('is live: its rules find a non-compliant resource added to the service', () => {
    // The rules over the construct tree, without a synth; that such a finding fails the synth,
    // and is the only one, is checked once per run in test/build/validation.test.ts.
    const app = testApp();
    const { stateful } = buildService(app);
    const canary = new Bucket(stateful, 'Canary');
    // A pool with CDK's defaults: MFA off, the Essentials plan.
    const canaryPool = new UserPool(stateful, 'CanaryPool');
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.success).toBe(false);
    const onCanary = report.violations.filter((v) =>
      v.violatingResources.some(
        (r) => (r as { constructPath?: string }).constructPath === canary.node.defaultChild!.node.path,
      ),
    );
    expect(onCanary.map((v) => v.ruleName)).toContain('AwsSolutions-S1');
    const onCanaryPool = report.violations
      .filter((v) =>
        v.violatingResources.some(
          (r) => (r as { constructPath?: string }).constructPath === canaryPool.node.defaultChild!.node.path,
        ),
      )
      .map((v) => v.ruleName);
    expect(onCanaryPool).toEqual(expect.arrayContaining(['AwsSolutions-COG2', 'AwsSolutions-COG8']));
    // The service's own pool is not among the findings.
    const servicePool = stateful.identity.userPool.node.defaultChild!.node.path;
    expect(
      report.violations.filter((v) =>
        v.violatingResources.some((r) => (r as { constructPath?: string }).constructPath === servicePool),
      ),
    ).toEqual([]);
  });
});
