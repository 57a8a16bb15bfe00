/**
 * Failures are heard: every alarm notifies the stage's operations topic, and the AWS
 * Control Tower proactive controls (cfn-guard) judge the templates on every synth, with
 * each finding fixed or acknowledged on its construct with a reason.
 */

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/http/routes.ts';
import { readStageConfig } from '../../lib/config.ts';
import { ControlTowerChecks, GUARD_PLUGIN } from '../../lib/constructs/guard.ts';
import { OperationsAlerts } from '../../lib/constructs/operations-alerts.ts';
import { appContext, type Json, logicalIdOf, resourcesOf, type Synthesized, synthService } from './synth.ts';

let synth: Synthesized;
let templates: Record<string, Json>;
beforeAll(() => {
  // cfn-guard reads templates only. The validators run inside this synth.
  synth = synthService();
  templates = Object.fromEntries(synth.assembly.stacks.map((s) => [s.stackName, s.template as Json]));
});

interface GuardReport {
  conclusion: string;
  violations: Json[];
  suppressedViolations: Array<{
    ruleName: string;
    reason: string;
    acknowledgedAt: string;
    violatingConstructs: Array<{ constructPath: string; cloudFormationResource: { logicalId: string } }>;
  }>;
}

function guardReport(directory: string): GuardReport {
  const file = readdirSync(directory).find((f) => /validation-report.*\.json$/.test(f));
  expect(file).toBeDefined();
  const report = (JSON.parse(readFileSync(join(directory, file!), 'utf8')).pluginReports as Json[]).find(
    (r) => r.pluginName === GUARD_PLUGIN,
  );
  expect(report, 'the Control Tower checks ran').toBeDefined();
  return { conclusion: '', violations: [], suppressedViolations: [], ...(report as Partial<GuardReport>) };
}

/** Logical ids of a type across the stage's templates, as `<stack> <logicalId>`. */
function idsOf(type: string): string[] {
  return Object.entries(templates).flatMap(([stack, template]) =>
    Object.entries((template.Resources ?? {}) as Record<string, Json>)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => `${stack} ${id}`),
  );
}

describe('operations alerts', () => {
  it('every alarm of every stack notifies the operations topic', () => {
    const topicId = logicalIdOf(synth.stateful.alerts.topic);
    // In the stateless stack the topic is an import of the stateful stack's export of it.
    const exported = Object.values(
      (templates[synth.stateful.stackName]!.Outputs ?? {}) as Record<string, Json>,
    )
      .filter((o) => o.Value?.Ref === topicId && o.Export)
      .map((o) => o.Export.Name as string);
    const isTopic = (action: Json) => action.Ref === topicId || exported.includes(action['Fn::ImportValue']);

    let alarms = 0;
    for (const [stack, template] of Object.entries(templates))
      for (const [id, alarm] of Object.entries((template.Resources ?? {}) as Record<string, Json>)) {
        if (alarm.Type !== 'AWS::CloudWatch::Alarm') continue;
        alarms++;
        const actions = (alarm.Properties.AlarmActions ?? []) as Json[];
        expect(actions.some(isTopic), `${stack} ${id}: ${JSON.stringify(actions)}`).toBe(true);
        expect(alarm.Properties.ActionsEnabled, `${stack} ${id}`).not.toBe(false);
      }
    // Renewal reminders: dead letters and failed runs; schedules: dead letters.
    expect(alarms).toBeGreaterThanOrEqual(3);
  });

  it('creates alarms only through OperationsAlerts.alarm, which adds the action', () => {
    const files = (readdirSync(new URL('../../lib', import.meta.url), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => readFileSync(new URL(`../../lib/${f}`, import.meta.url), 'utf8').includes('new Alarm('));
    expect(files.map((f) => f.replaceAll('\\', '/'))).toEqual(['constructs/operations-alerts.ts']);
  });

  it('is one topic per stage, encrypted with a rotating key of its own, SSL only, published to by CloudWatch alarms of the account', () => {
    const stateful = Template.fromJSON(templates[synth.stateful.stackName]!);
    const topics = resourcesOf(stateful, 'AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    expect(idsOf('AWS::SNS::Topic')).toHaveLength(1);
    const topic = Object.values(topics)[0]!.Properties;
    expect(topic.TopicName).toBe('Entitlements-test-operations');
    const keyId = topic.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = resourcesOf(stateful, 'AWS::KMS::Key')[keyId]!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    // The AWS-managed SNS key would not do: CloudWatch must be able to use the key.
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );

    const statements = Object.values(resourcesOf(stateful, 'AWS::SNS::TopicPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Json[],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const publish = statements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publish).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(publish!.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(publish!.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
  });

  it('has no subscription unless an operations address is configured, then one email subscription', () => {
    expect(idsOf('AWS::SNS::Subscription')).toEqual([]);

    // Without CDK's built-in CloudFormation validation: seconds of warm-up, for a template read here.
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Alerts');
    const alerts = new OperationsAlerts(stack, 'OperationsAlerts', {
      stage: 'prod',
      email: 'ops@example.com',
    });
    alerts.alarm(stack, 'Example', {
      metric: new Metric({ namespace: 'Example', metricName: 'Failures' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalIdOf(alerts.topic) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: logicalIdOf(alerts.topic) }],
    });
  });

  it('reads the operations address from context, and refuses a malformed one', () => {
    const config = (extra: Record<string, unknown>) =>
      readStageConfig(new App({ context: appContext(extra) }));
    expect(config({}).operationsEmail).toBeUndefined();
    expect(config({ operationsEmail: 'ops@example.com' }).operationsEmail).toBe('ops@example.com');
    expect(() => config({ operationsEmail: 'ops' })).toThrow(/operationsEmail/);
  });
});

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  it('run on synth and leave no unacknowledged finding', () => {
    const report = guardReport(synth.assembly.directory);
    expect(report.violations).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it('are acknowledged rule by rule, on the construct concerned, with its reason', () => {
    const { suppressedViolations: suppressed } = guardReport(synth.assembly.directory);
    const by = (rule: string) =>
      suppressed
        .filter((s) => s.ruleName === rule)
        .flatMap((s) => s.violatingConstructs.map((c) => c.cloudFormationResource.logicalId))
        .sort();
    const logicalIds = (type: string) =>
      idsOf(type)
        .map((id) => id.split(' ')[1]!)
        .sort();

    expect(new Set(suppressed.map((s) => s.ruleName))).toEqual(
      new Set([
        'cloudwatch_log_group_encrypted_check',
        'cloudwatch_log_group_retention_period_check',
        'lambda_function_public_access_prohibited_check',
        'lambda_inside_vpc_check',
        'sqs_dlq_check',
        // The public routes only, open without a token (functions/http/routes.ts says why).
        'api_gw_v2_authorization_type_configured_check',
        // The imports bucket (no Object Lock: uploads hold personal data and expire) and its access-log bucket (lib/constructs/imports.ts).
        's3_bucket_object_lock_enabled_check',
        's3_bucket_default_encryption_kms_check',
        's3_bucket_logging_enabled_check',
        's3_event_notifications_enabled_check',
        // The console's distribution on CloudFront's default domain and certificate, one origin of each kind.
        'cloudfront_custom_ssl_certificate_check',
        'cloudfront_default_root_object_configured_check',
        'cloudfront_origin_failover_enabled_check',
        'cloudfront_security_policy_check',
        'cloudfront_sni_enabled_check',
      ]),
    );
    for (const rule of [
      'cloudfront_custom_ssl_certificate_check',
      'cloudfront_default_root_object_configured_check',
      'cloudfront_origin_failover_enabled_check',
      'cloudfront_security_policy_check',
      'cloudfront_sni_enabled_check',
    ])
      expect(by(rule), rule).toEqual([logicalIdOf(synth.stateless.console.distribution)]);
    expect(by('api_gw_v2_authorization_type_configured_check')).toHaveLength(
      ROUTES.filter((r) => r.public).length,
    );
    for (const s of suppressed) {
      expect(s.reason.length, s.acknowledgedAt).toBeGreaterThan(40);
      // On a resource's own construct (or its parent), never a stack or the app.
      expect(s.acknowledgedAt.split('/').length, s.acknowledgedAt).toBeGreaterThan(2);
      for (const c of s.violatingConstructs)
        expect(
          c.constructPath === s.acknowledgedAt || c.constructPath.startsWith(`${s.acknowledgedAt}/`),
          c.constructPath,
        ).toBe(true);
    }

    // No function needs a VPC: each is acknowledged, every function of the stage included.
    expect(by('lambda_inside_vpc_check')).toEqual(logicalIds('AWS::Lambda::Function'));
    // Log groups: the service-managed encryption, and a test stage's shorter retention.
    expect(by('cloudwatch_log_group_encrypted_check')).toEqual(logicalIds('AWS::Logs::LogGroup'));
    expect(by('cloudwatch_log_group_retention_period_check')).toEqual(logicalIds('AWS::Logs::LogGroup'));
    // Only dead-letter queues lack a dead-letter queue; any other queue has one.
    const stateless = templates[synth.stateless.stackName]!.Resources as Record<string, Json>;
    const queues = logicalIds('AWS::SQS::Queue');
    expect(by('sqs_dlq_check')).toEqual(queues.filter((id) => !stateless[id]?.Properties.RedrivePolicy));
    for (const id of by('sqs_dlq_check')) expect(id).toMatch(/DeadLetters[0-9A-F]{8}$/);
  });

  it('accept the invoke permissions only because each names this API route as its SourceArn', () => {
    const { suppressedViolations: suppressed } = guardReport(synth.assembly.directory);
    const acknowledged = suppressed
      .filter((s) => s.ruleName === 'lambda_function_public_access_prohibited_check')
      .flatMap((s) => s.violatingConstructs.map((c) => c.cloudFormationResource.logicalId));
    const resources = templates[synth.stateless.stackName]!.Resources as Record<string, Json>;
    const apiId = logicalIdOf(synth.stateless.httpApi.api);
    expect(acknowledged.length).toBe(Object.keys(synth.stateless.httpApi.functions).length);
    for (const id of acknowledged) {
      const permission = resources[id]!.Properties;
      expect(permission.Principal).toBe('apigateway.amazonaws.com');
      const [, parts] = permission.SourceArn['Fn::Join'] as [string, unknown[]];
      expect(parts, id).toContainEqual({ Ref: apiId });
      expect(parts, id).toContainEqual({ Ref: 'AWS::AccountId' });
      expect(
        parts.some((p) => typeof p === 'string' && p.startsWith(':execute-api:')),
        id,
      ).toBe(true);
    }
    // Every Lambda permission in the stage is one of them, but EventBridge's for its bounce and
    // complaint rule, which passes the check (test/infra/delivery-events.test.ts).
    expect(acknowledged.sort()).toEqual(
      idsOf('AWS::Lambda::Permission')
        .map((id) => id.split(' ')[1]!)
        .filter((id) => resources[id]?.Properties.Principal !== 'events.amazonaws.com')
        .sort(),
    );
  });

  it('are live: cfn-guard runs on this machine and reports a resource that breaks a control', () => {
    const directory = mkdtempSync(join(tmpdir(), 'guard-'));
    const templatePath = join(directory, 'Canary.template.json');
    writeFileSync(
      templatePath,
      JSON.stringify({
        Resources: {
          Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
          Alarm: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              ComparisonOperator: 'GreaterThanThreshold',
              EvaluationPeriods: 1,
              MetricName: 'Failures',
              Namespace: 'Example',
              Period: 60,
              Statistic: 'Sum',
              Threshold: 1,
            },
          },
        },
      }),
    );
    const checks = new ControlTowerChecks();
    // Rules about other types are left out; those about queues and alarms are kept.
    const skipped = checks.rulesNotApplicable([templatePath]);
    expect(skipped).toContain('ct-s3-pr-1');
    expect(skipped).not.toContain('ct-sqs-pr-1');
    expect(skipped).not.toContain('ct-cloudwatch-pr-1');
    const report = checks.validate({
      templatePaths: [templatePath],
      stackTemplates: [],
      appConstruct: new App(),
    });
    expect(report.success).toBe(false);
    const found = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId}`),
    );
    expect(found).toContain('sqs_dlq_check Queue');
    expect(found).toContain('cloudwatch_alarm_action_check Alarm');
  });
});
