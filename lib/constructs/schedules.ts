/**
 * Time on AWS for dates years ahead: a schedule group for the one-time schedules the
 * functions create (lifecycle milestones, GA dates), the role those schedules use to
 * start the target state machines, a dead-letter queue with an alarm for a start that
 * failed all its retries, and the daily reconciler that applies anything missed.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  CfnScheduleGroup,
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { serviceName } from '../config.ts';
import { deadLetterQueue } from './dead-letters.ts';
import type { OperationsAlerts } from './operations-alerts.ts';
import type { ScheduleBinding, ServiceFunction } from './service-function.ts';

export interface SchedulesProps {
  stage: string;
  /** What one-time schedules may start. */
  targets: IStateMachine[];
  /** Invoked daily to apply milestones whose schedule was missed. */
  reconciler: ServiceFunction;
  /** Its alarms notify the operations topic. */
  alerts: OperationsAlerts;
  /** Invoked every few minutes to deliver notices a stopped writer left PENDING. */
  redeliverer: ServiceFunction;
}

export class Schedules extends Construct {
  readonly binding: ScheduleBinding;
  readonly deadLetters: Queue;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const groupName = serviceName(props.stage);
    const group = new CfnScheduleGroup(this, 'Group', { name: groupName });
    this.deadLetters = deadLetterQueue(this, {
      alerts: props.alerts,
      reason:
        'This queue is itself the dead-letter queue of the one-time schedules; operators and the reconciler act on it.',
      alarmDescription:
        'A scheduled lifecycle or GA job could not start; the daily reconciler retries milestones.',
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets one-time schedules start their state machine and park what fails',
    });
    for (const target of props.targets) target.grantStartExecution(this.role);
    // Scheduler only sends to the dead-letter queue (grantSendMessages would add queue reads).
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
    );

    this.binding = {
      groupName,
      schedulesArn: Stack.of(this).formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: `${groupName}/*`,
      }),
      roleArn: this.role.roleArn,
      deadLetterArn: this.deadLetters.queueArn,
    };
    // A function creating schedules needs the group to exist first.
    this.node.addDependency(group);

    // A recurring job: the function is invoked with the scheduled time; a start that fails its retries is a dead letter.
    const recurring = (
      id: string,
      description: string,
      schedule: ScheduleExpression,
      job: ServiceFunction,
      retry: { retryAttempts: number; maxEventAge: Duration },
    ) =>
      new Schedule(this, id, {
        description: `${description} (${props.stage})`,
        schedule,
        target: new InvokeFunctionOnly(job.function, {
          input: ScheduleTargetInput.fromObject({ at: ContextAttribute.scheduledTime }),
          deadLetterQueue: this.deadLetters,
          ...retry,
        }),
      });
    // Every notice recorded is delivered even when its writer stopped before starting the delivery.
    recurring(
      'NoticeRedeliverer',
      'Deliver notices still PENDING minutes after they were owed',
      ScheduleExpression.rate(Duration.minutes(5)),
      props.redeliverer,
      // The next run, five minutes on, does the same work.
      { retryAttempts: 2, maxEventAge: Duration.minutes(5) },
    );
    recurring(
      'DailyReconciler',
      'Apply lifecycle milestones whose one-time schedule was missed',
      ScheduleExpression.cron({ minute: '30', hour: '0' }),
      props.reconciler,
      { retryAttempts: 20, maxEventAge: Duration.hours(12) },
    );
    // Scheduler invokes these asynchronously: an error inside never reaches the dead-letter queue.
    for (const [id, job, what] of [
      [
        'RedelivererErrorsAlarm',
        props.redeliverer,
        'The notice re-driver failed: PENDING notices wait for its next run.',
      ],
      [
        'ReconcilerErrorsAlarm',
        props.reconciler,
        'The daily reconciler failed: missed milestones and GA runs wait a day.',
      ],
    ] as const)
      props.alerts.whenAny(this, id, job.function.metricErrors({ period: Duration.minutes(15) }), what);
  }
}

/**
 * LambdaInvoke grants invoke on the function and on `<arn>:*` (its versions and aliases);
 * the schedule invokes `$LATEST` only, so the role gets the function's ARN and nothing more.
 */
class InvokeFunctionOnly extends LambdaInvoke {
  private readonly target: IFunction;

  constructor(target: IFunction, props: ScheduleTargetBaseProps) {
    super(target, props);
    this.target = target;
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }),
    );
  }
}
