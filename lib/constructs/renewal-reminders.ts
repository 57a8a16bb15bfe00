/**
 * The daily renewal-reminder run on AWS: an EventBridge Scheduler cron schedule starts
 * the renewal-reminders state machine with the scheduled time, retrying a failed start
 * and parking what it cannot deliver in an encrypted dead-letter queue. Alarms fire on
 * the dead letters and on a failed run, so a missed day is seen, not silently lost.
 */
import { Duration } from 'aws-cdk-lib';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters.ts';
import type { OperationsAlerts } from './operations-alerts.ts';

export interface RenewalRemindersProps {
  stage: string;
  stateMachine: StateMachine;
  /** Its alarms notify the operations topic. */
  alerts: OperationsAlerts;
  /** UTC hour of the daily run. */
  hourUtc?: number;
}

export class RenewalReminders extends Construct {
  readonly schedule: Schedule;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: RenewalRemindersProps) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, {
      alerts: props.alerts,
      reason:
        'This queue is itself the dead-letter queue of the daily schedule; nothing consumes it but operators.',
      alarmDescription: 'A daily renewal-reminder run could not be started: run that day again (see README).',
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: `Renewal reminders due today (${props.stage})`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(props.hourUtc ?? 6) }),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        // The run's day is the scheduled time's date: a late retry still runs the right day.
        input: ScheduleTargetInput.fromObject({ at: ContextAttribute.scheduledTime }),
        deadLetterQueue: this.deadLetters,
        retryAttempts: 20,
        maxEventAge: Duration.hours(12),
      }),
    });
    props.alerts.whenAny(
      this,
      'RunFailedAlarm',
      props.stateMachine.metricFailed({ period: Duration.hours(1) }),
      'A daily renewal-reminder run failed: re-run that day; the ledger makes it safe.',
    );
  }
}
