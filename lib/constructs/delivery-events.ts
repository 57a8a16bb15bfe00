/**
 * Bounces and complaints: the configuration set every send goes through publishes them to
 * the account's default EventBridge bus, and a rule hands this configuration set's to
 * RecordDeliveryEvent, which marks the address (later emails to it are not attempted).
 * Retried, then parked in a dead-letter queue with an alarm, so no feedback is lost: a
 * delivery EventBridge could not make, and an invocation whose function kept failing,
 * land in the same queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnConfigurationSetEventDestination } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_DETAIL_TYPES } from '../../functions/core/delivery-events.ts';
import { deadLetterQueue } from './dead-letters.ts';
import type { OperationsAlerts } from './operations-alerts.ts';
import type { ServiceFunction } from './service-function.ts';

export interface DeliveryEventsProps {
  stage: string;
  configurationSetName: string;
  /** RecordDeliveryEvent, with read-write access to the table. */
  recorder: ServiceFunction;
  alerts: OperationsAlerts;
}

export class DeliveryEvents extends Construct {
  readonly rule: Rule;
  readonly deadLetters: Queue;
  readonly destination: CfnConfigurationSetEventDestination;

  constructor(scope: Construct, id: string, props: DeliveryEventsProps) {
    super(scope, id);
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');

    // SES writes to the default bus itself (no resource policy): only bounces and complaints.
    this.destination = new CfnConfigurationSetEventDestination(this, 'Destination', {
      configurationSetName: props.configurationSetName,
      eventDestination: {
        name: 'bounces-and-complaints',
        enabled: true,
        matchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        eventBridgeDestination: {
          eventBusArn: Stack.of(this).formatArn({
            service: 'events',
            resource: 'event-bus',
            resourceName: 'default',
          }),
        },
      },
    });

    this.deadLetters = deadLetterQueue(this, {
      alerts: props.alerts,
      reason:
        'This queue is itself the dead-letter queue of bounce and complaint events; operators read it and replay the events.',
      alarmDescription:
        'A bounce or complaint from SES could not be recorded: its address is not marked and will be emailed again. Replay the event from the queue.',
    });

    this.rule = new Rule(this, 'Rule', {
      description: `SES bounces and complaints of ${props.configurationSetName} (${props.stage}) → RecordDeliveryEvent`,
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...DELIVERY_DETAIL_TYPES],
        // Other senders of the account use other configuration sets.
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
    });
    this.rule.addTarget(
      new LambdaFunction(props.recorder.function, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    );
    // EventBridge invokes asynchronously: a function error is retried by Lambda, then parked here too.
    props.recorder.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });
    props.alerts.whenAny(
      this,
      'ErrorsAlarm',
      props.recorder.function.metricErrors({ period: Duration.minutes(15) }),
      'RecordDeliveryEvent failed: a bounce or complaint waits for its retry or in the dead-letter queue.',
    );
  }
}
