/**
 * One-time schedules (EventBridge Scheduler) for dates that may be years ahead: each
 * starts a state machine at its time with a deterministic execution name, so a repeated
 * delivery is refused by Step Functions. Retries and a dead-letter queue cover a failed
 * start; a daily reconciler covers anything missed. Deleted after they run.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { WorkflowName } from '../catalog.ts';
import { config } from '../shared/config.ts';

export interface OneTimeJob {
  /** Deterministic, ≤ 64 characters of [0-9a-zA-Z-_.]. */
  name: string;
  at: Date;
  workflow: WorkflowName;
  executionName: string;
  input: Record<string, unknown>;
}

export interface SchedulerConfig {
  groupName: string;
  roleArn: string;
  deadLetterArn: string;
  stateMachineArn: (workflow: WorkflowName) => string;
}

export const schedulerConfigFromEnv = (): SchedulerConfig => ({
  ...config.schedules(),
  stateMachineArn: (workflow) => config.workflowArn(workflow),
});

export class OneTimeSchedules {
  constructor(
    private readonly client: SchedulerClient,
    private readonly config: SchedulerConfig,
  ) {}

  /** Create, or update when it exists (a reschedule). */
  async put(job: OneTimeJob): Promise<void> {
    const input = {
      Name: job.name,
      GroupName: this.config.groupName,
      ScheduleExpression: `at(${job.at.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 15 },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        // The universal target lets the schedule name the execution.
        Arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution',
        RoleArn: this.config.roleArn,
        Input: JSON.stringify({
          StateMachineArn: this.config.stateMachineArn(job.workflow),
          Name: job.executionName,
          Input: JSON.stringify(job.input),
        }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: this.config.deadLetterArn },
      },
    };
    try {
      await this.client.send(new UpdateScheduleCommand(input));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await this.client.send(new CreateScheduleCommand(input)).catch((e: Error) => {
        // Created meanwhile by a concurrent request: update it to this job.
        if (e.name !== 'ConflictException') throw e;
        return this.client.send(new UpdateScheduleCommand(input));
      });
    }
  }

  async remove(name: string): Promise<void> {
    await this.client
      .send(new DeleteScheduleCommand({ Name: name, GroupName: this.config.groupName }))
      .catch((error: Error) => {
        if (error.name !== 'ResourceNotFoundException') throw error;
      });
  }
}
