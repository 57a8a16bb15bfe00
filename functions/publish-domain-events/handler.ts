/**
 * PublishDomainEvents: the table's stream hands it new items (an event source mapping
 * filtered on outbox items and upgrade decisions, INSERT only); each becomes one entry of
 * PutEvents on the service's bus (core/events.ts says which event). EventBridge has no
 * idempotency key, so the event's own id travels as `detail.id`: a retried batch may put an
 * event twice, and consumers deduplicate by it. A record whose entry failed (throttling, an
 * outage) is reported with every record after it (ReportBatchItemFailures): the stream
 * retries from there, bisecting, then parks what still fails in the mapping's dead-letter queue.
 * Locally (local/events.ts) DynamoDB Local's stream feeds this same handler.
 */

import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type DomainEvent, EVENT_SOURCE, eventOfStreamRecord } from '../core/events.ts';
import { config } from '../shared/config.ts';
import { logged, logger } from '../shared/logger.ts';

/** PutEvents takes at most 10 entries a call. */
const ENTRIES_PER_CALL = 10;

export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<Array<{ failed: boolean }>>;

export const entryOf = (event: DomainEvent, busName: string): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: EVENT_SOURCE,
  DetailType: event.detailType,
  Detail: JSON.stringify(event.detail),
  Time: new Date(event.time),
});

export function makePublishDomainEvents(putEvents: PutEvents, busName: string) {
  return async (input: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const published: Array<{ record: DynamoDBRecord; event: DomainEvent }> = [];
    for (const record of input.Records ?? []) {
      const image = record.dynamodb?.NewImage;
      const event = eventOfStreamRecord(
        record.eventName,
        image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : undefined,
      );
      if (event) published.push({ record, event });
    }
    for (let i = 0; i < published.length; i += ENTRIES_PER_CALL) {
      const batch = published.slice(i, i + ENTRIES_PER_CALL);
      let results: Array<{ failed: boolean }>;
      try {
        results = await putEvents(batch.map(({ event }) => entryOf(event, busName)));
      } catch (error) {
        logger.warn('PutEvents failed', { error: String(error), from: batch[0]?.event.id });
        return failedFrom(batch[0]!.record);
      }
      const failed = results.findIndex((r) => r.failed);
      if (failed >= 0) {
        logger.warn('an event was not put', { id: batch[failed]!.event.id });
        // The stream resumes at the first failure: the ones after it go again (consumers dedupe).
        return failedFrom(batch[failed]!.record);
      }
    }
    logger.info('domain events published', { count: published.length });
    return { batchItemFailures: [] };
  };
}

const failedFrom = (record: DynamoDBRecord): DynamoDBBatchResponse => ({
  batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
});

/** PutEvents through the SDK (locally: AWS_ENDPOINT_URL_EVENTBRIDGE, the local bus). */
export function sdkPutEvents(client = new EventBridgeClient({})): PutEvents {
  return async (entries) => {
    const out = await client.send(new PutEventsCommand({ Entries: entries }));
    return entries.map((_, i) => ({ failed: Boolean(out.Entries?.[i]?.ErrorCode) }));
  };
}

export const handler = logged(
  makePublishDomainEvents(sdkPutEvents(), config.events().busName),
  (input) => input.Records?.[0]?.dynamodb?.SequenceNumber,
);
