/**
 * The daily renewal-reminder run on AWS: an EventBridge Scheduler cron schedule starts
 * the renewal-reminders state machine with the scheduled time, retrying a failed start
 * and parking what it cannot deliver in an encrypted dead-letter queue. Alarms fire on
 * the dead letters and on a failed run, so a missed day is seen, not silently lost.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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
    this.deadLetters = deadLetterQueue(
      this,
      'This queue is itself the dead-letter queue of the daily schedule; nothing consumes it but operators.',
    );
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
    props.alerts.alarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'A daily renewal-reminder run could not be started: run that day again (see README).',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    props.alerts.alarm(this, 'RunFailedAlarm', {
      alarmDescription: 'A daily renewal-reminder run failed: re-run that day; the ledger makes it safe.',
      metric: props.stateMachine.metricFailed({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
