/**
 * Domain events (CONTRACT.md "Batch import and integrations"): the stage's own EventBridge
 * bus, `Entitlements-<stage>-events`, archived for replay; and PublishDomainEvents, fed by the
 * table's stream through an event source mapping that passes only new outbox items and upgrade
 * decisions (each fact's event, written in the fact's transaction: functions/adapters/outbox.ts).
 * A failing batch is bisected and retried; what still fails is named (shard and sequence
 * numbers) in a dead-letter queue with an alarm, and its outbox items stay in the table for a
 * week to publish again. EventBridge has no idempotency key: a retried batch may put an event
 * twice, and consumers deduplicate by `detail.id`.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE, PUBLISHED_ITEM_TYPES } from '../../functions/core/events.ts';
import { serviceName } from '../config.ts';
import { deadLetterQueue } from './dead-letters.ts';
import type { OperationsAlerts } from './operations-alerts.ts';
import type { ServiceFunction } from './service-function.ts';

export interface DomainEventsProps {
  stage: string;
  /** The table, with its stream (NEW_IMAGE). */
  table: ITable;
  /** PublishDomainEvents (functions/catalog.ts), with no table access of its own. */
  publisher: ServiceFunction;
  alerts: OperationsAlerts;
}

/** How long the bus's archive keeps events for replay. */
export const ARCHIVE_DAYS = 365;

export class DomainEvents extends Construct {
  readonly bus: EventBus;
  readonly publisher: ServiceFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DomainEventsProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) throw new Error('domain events need the table’s stream');

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `${serviceName(props.stage)}-events`,
      description: `Domain events of the entitlements service (${props.stage}); deduplicate by detail.id`,
    });
    this.bus.archive('Archive', {
      archiveName: `${serviceName(props.stage)}-events`,
      description: 'Every domain event, for replay to a consumer that missed some',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(ARCHIVE_DAYS),
    });

    this.publisher = props.publisher;
    this.publisher.addConfig('events', { busName: this.bus.eventBusName });
    this.bus.grantPutEventsTo(this.publisher.role);

    this.deadLetters = deadLetterQueue(this, {
      alerts: props.alerts,
      reason:
        'This queue is itself the dead-letter queue of the domain-event publisher: operators read the stream positions it names and publish those outbox items again.',
      alarmDescription:
        'Domain events could not be published after every retry: the message names the stream records; their outbox items (OUTBOX#…) stay in the table for 7 days. Publish them again.',
    });

    this.publisher.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 20,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetters),
        // Only new facts' events: not the rest of the table's writes, not a rewrite or an expiry.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: FilterRule.or(...PUBLISHED_ITEM_TYPES) } } },
          }),
        ],
      }),
    );
    Validations.of(this.publisher.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'The stream event source grants dynamodb:ListStreams, which supports no resource-level permissions; the stream itself is read through its own ARN only. (X-Ray needs Resource "*" too.)',
    });

    props.alerts.whenAny(
      this,
      'ErrorsAlarm',
      this.publisher.function.metricErrors({ period: Duration.minutes(15) }),
      'PublishDomainEvents failed: its batch is retried from the stream; if it keeps failing the records go to the dead-letter queue.',
    );
    props.alerts.alarm(this, 'IteratorAgeAlarm', {
      alarmDescription:
        'Domain events are more than an hour behind their facts (stream iterator age): the publisher is failing or throttled. The stream keeps records for 24 hours.',
      metric: this.publisher.function.metric('IteratorAge', {
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: 3_600_000,
      evaluationPeriods: 3,
    });
  }
}
