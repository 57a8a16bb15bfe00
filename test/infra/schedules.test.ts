/** CDK assertions for the daily renewal-reminder schedule: target, retries, dead letters, alarms, grants. */
import type { Template } from 'aws-cdk-lib/assertions';
import { Template as CdkTemplate } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allows,
  type Json,
  logicalIdOf,
  resourcesOf,
  roleIdOf,
  statementsOfRole,
  synthTemplatesOnly,
} from './synth.ts';

let stateless: Template;
let reminders: string;
beforeAll(() => {
  const { stateless: stack } = synthTemplatesOnly();
  stateless = CdkTemplate.fromStack(stack);
  reminders = logicalIdOf((stack as any).workflows.stateMachines.RenewalReminders);
});

describe('the daily renewal-reminder schedule', () => {
  it('starts the renewal-reminders state machine every day with the scheduled time, retrying into a dead-letter queue', () => {
    const schedules = Object.values(resourcesOf(stateless, 'AWS::Scheduler::Schedule'));
    const daily = schedules.find((s: Json) => s.Properties.Target.Arn?.Ref === reminders);
    expect(daily).toBeDefined();
    const { Properties: p } = daily as Json;
    expect(p.ScheduleExpression).toBe('cron(0 6 * * ? *)');
    expect(p.State).not.toBe('DISABLED');
    expect(JSON.parse(p.Target.Input)).toEqual({ at: '<aws.scheduler.scheduled-time>' });
    expect(p.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 43200 });
    const dlq = p.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    const queue = resourcesOf(stateless, 'AWS::SQS::Queue')[dlq]!;
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);

    // The schedule's role may start this state machine and park dead letters, nothing else.
    const statements = statementsOfRole(stateless, roleIdOf(p.Target.RoleArn));
    expect(allows(statements, 'states:StartExecution', { Ref: reminders })).toBe(true);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'sqs:SendMessage',
      'states:StartExecution',
    ]);
    expect(allows(statements, 'sqs:SendMessage', { 'Fn::GetAtt': [dlq, 'Arn'] })).toBe(true);
  });

  it('alarms on dead letters and on a failed run', () => {
    const alarms = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map(
      (a: Json) => a.Properties,
    );
    expect(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    expect(
      alarms.some((a) => a.MetricName === 'ExecutionsFailed' && a.Dimensions[0].Value.Ref === reminders),
    ).toBe(true);
  });
});

describe('statemachines/renewal-reminders.asl.json', () => {
  it('claims every shard of the due-date index', async () => {
    const { readFileSync } = await import('node:fs');
    const { DUE_SHARDS } = await import('../../functions/adapters/table-design.ts');
    const asl = JSON.parse(readFileSync('statemachines/renewal-reminders.asl.json', 'utf8'));
    expect(asl.States.DueShards.Parameters.shards).toEqual(Array.from({ length: DUE_SHARDS }, (_, i) => i));
  });
});
