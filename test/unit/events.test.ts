/**
 * Domain events (core/events.ts): ids derived from the fact alone, details without contact
 * data, the committed JSON Schemas generated from the zod schemas, the stream records that are
 * published, and the publisher's answer to a failed PutEvents (adapters/outbox, publish-domain-events).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxItem, outboxPut } from '../../functions/adapters/outbox.ts';
import {
  addressMarked,
  carriesContactData,
  certificateCorrected,
  contactChangeEvents,
  DETAIL_TYPES,
  type DomainEvent,
  eventJsonSchema,
  eventOfStreamRecord,
  registrationEvents,
  reminderSent,
  upgradeDecided,
} from '../../functions/core/events.ts';
import type { Contact, RegisteredCertificate } from '../../functions/core/registration.ts';
import { schemaText } from '../../schemas/events/build.ts';

const actor = { subject: 'alice', role: 'licensing-ops' as const, name: 'alice@vendor.example' };
const certificate = {
  certificateNumber: '12345678-1234567',
  salesOrderNumber: '12345678',
  tier: 'ESSENTIAL',
  term: { start: '2026-01-01', end: '2026-12-31' },
  company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
  products: [
    {
      serialNumber: 'M1234567890',
      supportIdentifier: '1234-5678-1234',
      product: 'Backup Exec',
      version: '12.0',
      productLine: 'BE',
    },
  ],
  contactsCertificate: '12345678-1234567',
  primaryContactId: 'C-1',
  renewalOf: [],
  fingerprint: 'f',
  registeredAt: '2026-01-02T10:00:00.000Z',
  requestId: 'r1',
  registeredBy: actor,
  nextReminder: null,
  roster: {},
  rosterVersion: 1,
} as unknown as RegisteredCertificate;
const contact = {
  contactId: 'C-1',
  certificateNumber: certificate.certificateNumber,
  role: 'PRIMARY',
  status: 'ACTIVE',
  name: 'Marie Curie',
  email: 'marie@acme.example',
  phone: '+33 6 00 00 00 00',
  language: 'fr',
  serialNumbers: ['M1234567890'],
  issuedAt: '2026-01-02T10:00:00.000Z',
} as Contact;

describe('events of a fact', () => {
  it('the same fact gives the same ids whenever it is built (a retried transaction writes the same outbox item)', () => {
    const first = registrationEvents(certificate, false, contact);
    const again = registrationEvents({ ...certificate, requestId: 'r2' }, false, contact);
    expect(first.map((e) => e.id)).toEqual(['CertificateRegistered:12345678-1234567', 'ContactIdIssued:C-1']);
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(outboxPut('T', first[0]!)).toEqual({
      Put: { TableName: 'T', Item: outboxItem(first[0]!) },
    });
    expect(outboxItem(first[0]!)).toMatchObject({
      PK: 'OUTBOX#CertificateRegistered:12345678-1234567',
      SK: 'EVENT',
      type: 'OutboxEvent',
      expiresAt: Date.parse('2026-01-09T10:00:00.000Z') / 1000,
    });
  });

  it('each correction revision is its own event; a reminder is keyed by certificate, term end and offset', () => {
    const r2 = certificateCorrected('N', 2, ['primaryContact.phone', 'primaryContact.phone'], 'T', actor);
    expect(r2.id).toBe('CertificateCorrected:N:r2');
    expect(r2.detail.fields).toEqual(['primaryContact.phone']);
    expect(certificateCorrected('N', 3, [], 'T', actor).id).not.toBe(r2.id);
    expect(reminderSent({ certificateNumber: 'N', termEnd: '2026-12-31', offset: -30 }, 'T').id).toBe(
      'ReminderSent:N:2026-12-31:-30',
    );
  });

  it('details carry identifiers, never an email address, a phone number, a name or a user name', () => {
    const all: DomainEvent[] = [
      ...registrationEvents(certificate, false, contact),
      ...registrationEvents({ ...certificate, renewalOf: ['X'] }, true, contact),
      ...contactChangeEvents({ kind: 'REPLACED', contact, replacedContactId: 'C-0' }, 'T', actor),
      addressMarked({ state: 'BOUNCED', since: 'T', messageId: 'm' }, 'ab12', 'T'),
    ];
    for (const event of all) {
      expect(carriesContactData(event.detail), JSON.stringify(event.detail)).toBe(false);
      expect(JSON.stringify(event.detail)).not.toContain('Marie');
      expect(event.detail.id).toBe(event.id);
    }
    expect(carriesContactData({ x: 'marie@acme.example' })).toBe(true);
    expect(carriesContactData({ x: '+33 6 00 00 00 00' })).toBe(true);
  });

  it('every detail built here fits its event type’s JSON Schema', () => {
    const ajv = new Ajv2020({ strict: true });
    const events: DomainEvent[] = [
      ...registrationEvents(certificate, false, contact),
      ...registrationEvents({ ...certificate, renewalOf: ['X'] }, true, null),
      ...contactChangeEvents({ kind: 'ADDED', contact }, '2026-01-02T10:00:00.000Z', actor),
      upgradeDecided({
        serialNumber: 'M1',
        product: 'P',
        toVersion: '12.5',
        gaDate: '2026-06-01',
        entitled: true,
        rule: 'CURRENT_ON_GA',
        decidedAt: '2026-06-01T00:00:00.000Z',
      }),
    ];
    for (const event of events) {
      const id = String(eventJsonSchema(event.detailType).$id);
      if (!ajv.getSchema(id)) ajv.addSchema(eventJsonSchema(event.detailType));
      const validate = ajv.getSchema(id)!;
      expect(validate(event.detail), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('schemas/events', () => {
  it('the committed JSON Schemas are those of the zod schemas (schemas/events/build.ts)', () => {
    const committed = (t: string) =>
      JSON.parse(readFileSync(new URL(`../../schemas/events/${t}.json`, import.meta.url), 'utf8'));
    const stale = DETAIL_TYPES.filter((t) => !isDeepStrictEqual(committed(t), JSON.parse(schemaText(t))));
    expect(stale).toEqual([]);
  });
});

describe('the stream records published', () => {
  const event = registrationEvents(certificate, false, contact)[0]!;
  it('an outbox item inserted, and an upgrade decision inserted; not a rewrite, an expiry or another item', () => {
    expect(eventOfStreamRecord('INSERT', outboxItem(event))).toEqual(event);
    expect(eventOfStreamRecord('MODIFY', outboxItem(event))).toBeNull();
    expect(eventOfStreamRecord('REMOVE', undefined)).toBeNull();
    expect(eventOfStreamRecord('INSERT', { type: 'Certificate' })).toBeNull();
    const decision = {
      type: 'UpgradeDecision',
      serialNumber: 'M1',
      product: 'P',
      fromVersion: '12.0',
      toVersion: '12.5',
      gaDate: '2026-06-01',
      entitled: false,
      rule: 'LAPSED_BEFORE_GA',
      reasons: ['…'],
      termsConsidered: [],
      decidedAt: '2026-06-01T00:00:00.000Z',
    };
    expect(eventOfStreamRecord('INSERT', decision)).toMatchObject({
      id: 'UpgradeDecided:M1:P:12.5',
      detail: { serialNumber: 'M1', entitled: false, rule: 'LAPSED_BEFORE_GA' },
    });
  });
});

describe('PublishDomainEvents', () => {
  let makePublishDomainEvents: typeof import('../../functions/publish-domain-events/handler.ts').makePublishDomainEvents;
  const saved = process.env.EVENT_BUS_NAME;
  beforeAll(async () => {
    process.env.EVENT_BUS_NAME = 'bus';
    ({ makePublishDomainEvents } = await import('../../functions/publish-domain-events/handler.ts'));
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.EVENT_BUS_NAME;
    else process.env.EVENT_BUS_NAME = saved;
  });

  const events = Array.from({ length: 12 }, (_, i) =>
    reminderSent(
      { certificateNumber: `N${i}`, termEnd: '2026-12-31', offset: 30 },
      '2026-12-01T06:00:00.000Z',
    ),
  );
  const record = (e: DomainEvent, i: number): DynamoDBRecord => ({
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(100 + i),
      NewImage: marshall(outboxItem(e)) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
    },
  });

  it('puts each event on the bus with its id in the detail, ten entries a call', async () => {
    const calls: Array<Array<Record<string, unknown>>> = [];
    const publish = makePublishDomainEvents(async (entries) => {
      calls.push(entries as Array<Record<string, unknown>>);
      return entries.map(() => ({ failed: false }));
    }, 'bus');
    expect(await publish({ Records: events.map(record) })).toEqual({ batchItemFailures: [] });
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(calls[0]![0]).toMatchObject({
      EventBusName: 'bus',
      Source: 'entitlements',
      DetailType: 'ReminderSent',
      Time: new Date('2026-12-01T06:00:00.000Z'),
    });
    expect(JSON.parse(String(calls[0]![0]!.Detail)).id).toBe(events[0]!.id);
  });

  it('an entry refused, or the call failing, reports the record to resume from', async () => {
    const refused = makePublishDomainEvents(
      async (entries) => entries.map((_, i) => ({ failed: i === 3 })),
      'bus',
    );
    expect(await refused({ Records: events.map(record) })).toEqual({
      batchItemFailures: [{ itemIdentifier: '103' }],
    });
    const down = makePublishDomainEvents(async (entries) => {
      if (entries[0]!.DetailType) throw new Error('InternalException');
      return [];
    }, 'bus');
    expect(await down({ Records: events.map(record) })).toEqual({
      batchItemFailures: [{ itemIdentifier: '100' }],
    });
  });
});
