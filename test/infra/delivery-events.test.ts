/** CDK assertions for bounces and complaints: SES → default bus → rule → RecordDeliveryEvent, retries, dead letters, alarms. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allows,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  type Synthesized,
  statementsOfRole,
  synthService,
} from './synth.ts';

let stateless: Template;
let synth: Synthesized;
let recorder: string;
let queue: string;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
  recorder = logicalIdOf(synth.stateless.workflows.functions.RecordDeliveryEvent.function);
  queue = logicalIdOf(synth.stateless.deliveryEvents.deadLetters);
});

describe('bounces and complaints', () => {
  it('the configuration set publishes bounces and complaints, and nothing else, to the default event bus', () => {
    const destinations = Object.values(resourcesOf(stateless, 'AWS::SES::ConfigurationSetEventDestination'));
    expect(destinations).toHaveLength(1);
    const { Properties: p } = destinations[0]!;
    expect(JSON.stringify(p.ConfigurationSetName)).toContain('ConfigurationSet');
    expect(p.EventDestination.Enabled).toBe(true);
    expect([...p.EventDestination.MatchingEventTypes].sort()).toEqual(['BOUNCE', 'COMPLAINT']);
    expect(JSON.stringify(p.EventDestination.EventBridgeDestination.EventBusArn)).toContain(
      ':event-bus/default',
    );
  });

  it('a rule on the default bus sends this configuration set’s bounces and complaints to RecordDeliveryEvent, retrying into a dead-letter queue', () => {
    const rules = Object.values(resourcesOf(stateless, 'AWS::Events::Rule')).filter((r: Json) =>
      (r.Properties.Targets ?? []).some(
        (t: Json) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [recorder, 'Arn'] }),
      ),
    );
    expect(rules).toHaveLength(1);
    const { Properties: p } = rules[0]!;
    expect(p.EventBusName ?? 'default').toBe('default');
    expect(p.EventPattern.source).toEqual(['aws.ses']);
    expect([...p.EventPattern['detail-type']].sort()).toEqual(['Email Bounced', 'Email Complaint Received']);
    expect(JSON.stringify(p.EventPattern.detail.mail.tags['ses:configuration-set'])).toContain(
      'ConfigurationSet',
    );
    const target = p.Targets[0];
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 });
    expect(target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    expect(resourcesOf(stateless, 'AWS::SQS::Queue')[queue]!.Properties.SqsManagedSseEnabled).toBe(true);
    // EventBridge may invoke it: the function's resource policy names this rule.
    const permissions = Object.values(resourcesOf(stateless, 'AWS::Lambda::Permission')).filter(
      (perm: Json) => JSON.stringify(perm.Properties.FunctionName).includes(recorder),
    );
    expect(permissions.map((perm: Json) => perm.Properties.Principal)).toEqual(['events.amazonaws.com']);
    // Only this rule may invoke it (which is why cfn-guard's public-access check passes it).
    expect(permissions[0]!.Properties.SourceArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(synth.stateless.deliveryEvents.rule), 'Arn'],
    });
  });

  it('a failing invocation is retried by Lambda and then parked in the same queue', () => {
    const configs = Object.values(resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig')).filter(
      (c: Json) => JSON.stringify(c.Properties.FunctionName).includes(recorder),
    );
    expect(configs).toHaveLength(1);
    const { Properties: p } = configs[0]!;
    expect(p.MaximumRetryAttempts).toBe(2);
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    const role = logicalIdOf(synth.stateless.workflows.functions.RecordDeliveryEvent.role);
    expect(
      allows(statementsOfRole(stateless, role), 'sqs:SendMessage', { 'Fn::GetAtt': [queue, 'Arn'] }),
    ).toBe(true);
  });

  it('alarms on a dead letter and on a failed invocation, through the operations topic', () => {
    const alarms = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map(
      (a: Json) => a.Properties,
    );
    const onQueue = alarms.find(
      (a) =>
        a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Dimensions).includes(`"${queue}"`),
    );
    const onErrors = alarms.find(
      (a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(`"${recorder}"`),
    );
    for (const alarm of [onQueue, onErrors]) {
      expect(alarm).toBeDefined();
      expect(alarm.Threshold).toBe(1);
      // The stateful stack's operations topic, imported (test/infra/guard.test.ts checks every alarm names it).
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(alarm.AlarmActions[0]['Fn::ImportValue']).toMatch(/OperationsAlertsTopic/);
    }
  });

  it('RecordDeliveryEvent reads and writes the table, and sends no email', () => {
    const fn = synth.stateless.workflows.functions.RecordDeliveryEvent;
    const actions = statementsOfRole(stateless, logicalIdOf(fn.role)).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
    expect(actions).not.toContain('ses:SendEmail');
    expect(resourceOf(stateless, fn.function).Properties.Environment.Variables.TABLE_NAME).toBeDefined();
  });
});
