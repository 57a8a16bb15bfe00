import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../lib/app.ts';
import { appContext, type Json, type Synthesized, synthService } from './synth.ts';

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

function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
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
    for (const ack of acks) {
      // A specific finding (RuleId[Finding]), never a whole rule, and never on a stack or the app.
      if (!deadLetterQueue(ack))
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
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:Entitlements-test-UpgradeDecisions:\*\]$/.test(
        a.id,
      );
    const others = acks.filter((a) => !deadLetterQueue(a) && !scheduleGroup(a) && !childExecutions(a));
    expect(new Set(others.map((a) => a.id))).toEqual(
      new Set(['AwsSolutions::AwsSolutions-IAM5[Resource::*]']),
    );
    for (const ack of acks.filter((a) => !deadLetterQueue(a) && !childExecutions(a)))
      expect(ack.path).toMatch(/\/Role$/);
    expect(acks.filter(scheduleGroup).map((a) => a.path)).toEqual([
      'Entitlements-test-Stateless/Http/PutLifecycle/Role',
      'Entitlements-test-Stateless/Http/PutRelease/Role',
    ]);
    expect(acks.filter(childExecutions).map((a) => a.path)).toEqual([
      'Entitlements-test-Stateless/Workflows/UpgradeDecisions/DistributedMapPolicy',
    ]);
  });

  it('is live: a non-compliant resource added to the service fails synthesis', () => {
    // Bundling skipped: this synth only needs the templates.
    const app = new App({ context: appContext({ 'aws:cdk:bundling-stacks': [] }) });
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
    // Only the canary is reported: the rest of the service stays clean.
    for (const v of found)
      expect(
        v.constructs.every((path) => path.includes('/Canary/')),
        v.rule,
      ).toBe(true);
  });
});
