/**
 * The outbox: a domain event written in the same transaction as the fact it reports, so
 * the event exists exactly when the fact does. The table's stream carries each new outbox
 * item (INSERT) to the publisher, which puts it on the bus; the item expires a week later.
 *
 * The put is unconditional on purpose: the fact's own conditions decide whether the
 * transaction commits, and an outbox item must never cancel a fact. A fact written again
 * idempotently (the same ledger entry marked SENT twice) rewrites the same item: the stream
 * sees a MODIFY, which is not published, so the event still goes once.
 */
import type { DomainEvent } from '../core/events.ts';
import type { TransactItem } from './items.ts';

/** How long an outbox item outlives its publication (the stream keeps records 24 hours). */
export const OUTBOX_DAYS = 7;

/** The stored item's `type`: the stream filter publishes only these. */
export const OUTBOX_TYPE = 'OutboxEvent';

export const outboxKey = (eventId: string) => ({ PK: `OUTBOX#${eventId}`, SK: 'EVENT' });

export function outboxItem(event: DomainEvent): Record<string, unknown> {
  return {
    ...outboxKey(event.id),
    type: OUTBOX_TYPE,
    event,
    expiresAt: Math.floor(Date.parse(event.time) / 1000) + OUTBOX_DAYS * 86_400,
  };
}

/** The outbox put for a transaction that records the event's fact. */
export function outboxPut(tableName: string, event: DomainEvent): TransactItem {
  return { Put: { TableName: tableName, Item: outboxItem(event) } };
}

/** Outbox puts for each event (none when there are none). */
export const outboxPuts = (tableName: string, events: readonly DomainEvent[]): TransactItem[] =>
  events.map((e) => outboxPut(tableName, e));
