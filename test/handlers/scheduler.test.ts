/**
 * The one-time schedules adapter over a mocked EventBridge Scheduler: what AWS is asked
 * for a milestone (at(), flexible window, retries, dead letters, deleted after it runs,
 * a named execution), and the create-or-update of a reschedule.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type OneTimeJob, OneTimeSchedules } from '../../functions/adapters/scheduler.ts';

const scheduler = mockClient(SchedulerClient);
const config = {
  groupName: 'Entitlements-test',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:dlq',
  stateMachineArn: (w: string) => `arn:aws:states:eu-west-1:111122223333:stateMachine:${w}`,
};
const schedules = new OneTimeSchedules(new SchedulerClient({ region: 'eu-west-1' }), config);
const job: OneTimeJob = {
  name: 'lifecycle-Backup-Exec-abc123-12-EOL',
  at: new Date('2031-03-01T00:00:00Z'),
  workflow: 'LifecycleTransition',
  executionName: 'lifecycle-Backup-Exec-abc123-12-EOL-2031-03-01',
  input: { product: 'Backup Exec', major: 12, event: 'EOL', date: '2031-03-01' },
};
const notFound = () =>
  new ResourceNotFoundException({ message: 'no such schedule', Message: 'no such schedule', $metadata: {} });

beforeEach(() => scheduler.reset());

describe('OneTimeSchedules.put', () => {
  it('creates a one-time schedule years ahead that starts the named execution, then deletes itself', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(notFound());
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await schedules.put(job);
    const [create] = scheduler.commandCalls(CreateScheduleCommand);
    const input = create!.args[0].input;
    expect(input).toMatchObject({
      Name: job.name,
      GroupName: 'Entitlements-test',
      ScheduleExpression: 'at(2031-03-01T00:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      ActionAfterCompletion: 'DELETE',
    });
    expect(input.Target).toMatchObject({
      Arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution',
      RoleArn: config.roleArn,
      DeadLetterConfig: { Arn: config.deadLetterArn },
    });
    expect(input.Target!.RetryPolicy!.MaximumRetryAttempts).toBeGreaterThan(0);
    const call = JSON.parse(input.Target!.Input!);
    expect(call).toEqual({
      StateMachineArn: config.stateMachineArn('LifecycleTransition'),
      Name: job.executionName,
      Input: JSON.stringify(job.input),
    });
  });

  it('updates the schedule that exists (a reschedule) without creating another', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await schedules.put({ ...job, at: new Date('2032-01-15T00:00:00Z') });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input.ScheduleExpression).toBe(
      'at(2032-01-15T00:00:00)',
    );
  });

  it('a schedule created meanwhile by a concurrent request is updated to this job', async () => {
    scheduler.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({ ScheduleArn: 'arn' });
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await schedules.put(job);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(2);
  });

  it('other errors surface (the request fails and is retried by its caller)', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(new Error('AccessDenied'));
    await expect(schedules.put(job)).rejects.toThrow('AccessDenied');
  });
});

describe('OneTimeSchedules.remove', () => {
  it('deletes, and a schedule already gone is fine', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(notFound());
    await expect(schedules.remove(job.name)).resolves.toBeUndefined();
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
      Name: job.name,
      GroupName: 'Entitlements-test',
    });
  });
});
