/** CDK assertions for the daily renewal-reminder schedule: target, retries, dead letters, alarms, grants. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
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

let stateless: Template;
let reminders: string;
let transition: string;
let service: Synthesized['stateless'];
beforeAll(() => {
  const { stateless: stack, statelessTemplate } = synthService();
  service = stack;
  stateless = statelessTemplate;
  reminders = logicalIdOf(stack.workflows.stateMachines.RenewalReminders);
  transition = logicalIdOf(stack.workflows.stateMachines.LifecycleTransition);
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
  it('claims every shard of the due-date index, as its plan Task names them', async () => {
    const { readFileSync } = await import('node:fs');
    const { DUE_SHARDS } = await import('../../functions/adapters/table-design.ts');
    const { handler: plan } = await import('../../functions/plan-reminder-run/handler.ts');
    const { functionArnPlaceholder } = await import('../../functions/catalog.ts');
    const asl = JSON.parse(readFileSync('statemachines/renewal-reminders.asl.json', 'utf8'));
    expect(asl.StartAt).toBe('PlanRun');
    expect(asl.States.PlanRun.Resource).toBe(`\${${functionArnPlaceholder('PlanReminderRun')}}`);
    expect(asl.States.ClaimDueReminders.ItemsPath).toBe('$.shards');
    expect(await plan({ at: '2026-12-02T06:00:00Z' })).toEqual({
      at: '2026-12-02T06:00:00Z',
      shards: Array.from({ length: DUE_SHARDS }, (_, i) => i),
    });
  });
});

describe('one-time lifecycle schedules', () => {
  const group = () => Object.values(resourcesOf(stateless, 'AWS::Scheduler::ScheduleGroup'))[0]!;

  it('has a schedule group of its own, and a role only Scheduler of this account assumes', () => {
    expect(group().Properties.Name).toBe('Entitlements-test');
    const roles = resourcesOf(stateless, 'AWS::IAM::Role');
    const [id, role] = Object.entries(roles).find(([id]) => id.startsWith('SchedulesRole'))!;
    const trust = role.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    // It may start the lifecycle transition and the GA run, and park dead letters: nothing else.
    const gaRun = logicalIdOf(service.workflows.stateMachines.UpgradeDecisions);
    const statements = statementsOfRole(stateless, id);
    expect(allows(statements, 'states:StartExecution', { Ref: transition })).toBe(true);
    expect(allows(statements, 'states:StartExecution', { Ref: gaRun })).toBe(true);
    expect([...new Set(statements.flatMap((s) => [s.Action].flat()))].sort()).toEqual([
      'sqs:SendMessage',
      'states:StartExecution',
    ]);
    expect(statements.flatMap((s) => [s.Resource].flat())).toHaveLength(3);
  });

  it.each(['PutLifecycle', 'PutRelease'])(
    'lets %s manage schedules of its group only, and pass that role to Scheduler only',
    (route) => {
      const fn = service.httpApi.functions[route]!;
      const statements = statementsOfRole(stateless, logicalIdOf(fn.role));
      const scheduler = statements.filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('scheduler:')),
      );
      expect(scheduler).toHaveLength(1);
      expect([scheduler[0]!.Action].flat().sort()).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ]);
      expect(JSON.stringify(scheduler[0]!.Resource)).toMatch(/:schedule\/Entitlements-test\/\*"/);
      const passRole = statements.filter((s) => [s.Action].flat().includes('iam:PassRole'));
      expect(passRole).toHaveLength(1);
      expect(passRole[0]!.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
      });
      expect(JSON.stringify(passRole[0]!.Resource)).toMatch(/"SchedulesRole[0-9A-F]+","Arn"/);
      const env = resourceOf(stateless, fn.function).Properties.Environment.Variables;
      expect(env.SCHEDULE_GROUP_NAME).toBe('Entitlements-test');
      expect(JSON.stringify(env.SCHEDULER_ROLE_ARN)).toMatch(/SchedulesRole/);
      expect(JSON.stringify(env.SCHEDULER_DEAD_LETTER_ARN)).toMatch(/SchedulesDeadLetters/);
      // No other route may touch schedules.
      for (const [id, other] of Object.entries(service.httpApi.functions)) {
        if (id === 'PutLifecycle' || id === 'PutRelease') continue;
        const others = statementsOfRole(stateless, logicalIdOf(other.role));
        expect(JSON.stringify(others), id).not.toMatch(/scheduler:|iam:PassRole/);
      }
    },
  );

  it('runs the reconciler daily with retries into the dead-letter queue, invoking that function only', () => {
    const reconciler = service.workflows.functions.ReconcileSchedules;
    const daily = Object.values(resourcesOf(stateless, 'AWS::Scheduler::Schedule')).find(
      (s: Json) => s.Properties.Target.Arn?.['Fn::GetAtt']?.[0] === logicalIdOf(reconciler.function),
    );
    expect(daily).toBeDefined();
    const { Properties: p } = daily as Json;
    expect(p.ScheduleExpression).toBe('cron(30 0 * * ? *)');
    expect(JSON.parse(p.Target.Input)).toEqual({ at: '<aws.scheduler.scheduled-time>' });
    expect(p.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 43200 });
    expect(p.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^SchedulesDeadLetters/);
    const statements = statementsOfRole(stateless, roleIdOf(p.Target.RoleArn));
    expect(statements.find((s) => [s.Action].flat().includes('lambda:InvokeFunction'))!.Resource).toEqual({
      'Fn::GetAtt': [logicalIdOf(reconciler.function), 'Arn'],
    });
    // The reconciler starts the transition, under the milestone's execution name.
    const own = statementsOfRole(stateless, logicalIdOf(reconciler.role));
    expect(allows(own, 'states:StartExecution', { Ref: transition })).toBe(true);
    const gaRun = logicalIdOf(service.workflows.stateMachines.UpgradeDecisions);
    expect(allows(own, 'states:StartExecution', { Ref: gaRun })).toBe(true);
  });

  it('alarms on the dead letters of the one-time schedules', () => {
    const alarms = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map(
      (a: Json) => a.Properties,
    );
    expect(
      alarms.some(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          a.Dimensions[0].Value['Fn::GetAtt'][0].startsWith('SchedulesDeadLetters'),
      ),
    ).toBe(true);
  });
});

describe('no Wait of more than minutes in any state machine', () => {
  it('leaves dates years ahead to Scheduler', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const file of readdirSync('statemachines')) {
      const asl = readFileSync(`statemachines/${file}`, 'utf8');
      const waits: Json[] = [];
      JSON.parse(asl, (_key, value) => {
        if (value && typeof value === 'object' && value.Type === 'Wait') waits.push(value);
        return value;
      });
      for (const wait of waits) {
        expect(wait.Timestamp ?? wait.TimestampPath, file).toBeUndefined();
        expect(wait.SecondsPath, file).toBeUndefined();
        expect(wait.Seconds, file).toBeLessThanOrEqual(300);
      }
    }
  });
});

describe('the GA run (upgrade-decisions)', () => {
  it('may start, describe and stop its own Distributed Map child executions, through a policy of its own', () => {
    const gaRun = service.workflows.stateMachines.UpgradeDecisions;
    const id = logicalIdOf(gaRun);
    const machine = resourcesOf(stateless, 'AWS::StepFunctions::StateMachine')[id]!;
    expect(machine.Properties.StateMachineName).toBe('Entitlements-test-UpgradeDecisions');
    const policies = Object.values(resourcesOf(stateless, 'AWS::IAM::Policy')).filter(
      (p: Json) =>
        JSON.stringify(p.Properties.PolicyName).includes('DistributedMapPolicy') &&
        JSON.stringify(p.Properties.PolicyName).includes('UpgradeDecisions'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Json[];
    expect(allows(statements, 'states:StartExecution', { Ref: id })).toBe(true);
    const describe = statements.find((s) => [s.Action].flat().includes('states:DescribeExecution'))!;
    expect(JSON.stringify(describe.Resource)).toContain(':execution:Entitlements-test-UpgradeDecisions:*');
    expect(policies[0]!.Properties.Roles).toEqual([{ Ref: roleIdOf(machine.Properties.RoleArn) }]);
  });
});
