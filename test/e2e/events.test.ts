/**
 * Domain events on the local stack: each fact's event is written with it (the outbox, in the
 * fact's transaction), DynamoDB Local's stream feeds PublishDomainEvents (the handler deployed
 * on AWS), and the local bus lists each event once at GET /_local/events, whatever retries,
 * replays and publisher failures happen. Every detail fits its committed JSON Schema and
 * carries no email address or phone number.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/calendar.ts';
import { carriesContactData, DETAIL_TYPES } from '../../functions/core/events.ts';
import type { LocalBusEvent } from '../../local/events.ts';
import { clockOf } from '../support/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ domainEvents: true });
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

/** GET /_local/events, once every workflow has finished (the route drains the stream first). */
async function events(): Promise<LocalBusEvent[]> {
  await settle();
  const res = await fetch(`${stack.apiUrl}/_local/events`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: LocalBusEvent[] }).events;
}
const about = (all: LocalBusEvent[], type: string, match: Record<string, unknown>) =>
  all.filter((e) => e['detail-type'] === type && Object.entries(match).every(([k, v]) => e.detail[k] === v));

async function registered(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await stack.post('/registrations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string };
}
const person = () => ({
  name: 'Pierre Curie',
  email: `pierre-${randomUUID().slice(0, 8)}@acme.example`,
  phone: '+33 6 11 11 11 11',
  address: '1 rue X, Paris',
  company: 'Acme SA',
  language: 'fr',
});

describe('registration and renewal', () => {
  it('a registration publishes CertificateRegistered and ContactIdIssued once; a replay publishes nothing', async () => {
    const { body, contactId } = await registered();
    const n = body.certificateNumber;
    let all = await events();
    expect(about(all, 'CertificateRegistered', { certificateNumber: n })).toHaveLength(1);
    expect(about(all, 'ContactIdIssued', { contactId })).toHaveLength(1);
    const [registeredEvent] = about(all, 'CertificateRegistered', { certificateNumber: n });
    expect(registeredEvent).toMatchObject({
      id: `CertificateRegistered:${n}`,
      source: 'entitlements',
      detail: {
        primaryContactId: contactId,
        products: [{ serialNumber: body.products[0]!.serialNumber, product: 'Backup Exec', version: '12.0' }],
        actor: { subject: 'test-licensing-ops', role: 'licensing-ops' },
      },
    });

    const replay = await stack.post('/registrations', body);
    expect(replay.status).toBe(200);
    all = await events();
    expect(about(all, 'CertificateRegistered', { certificateNumber: n })).toHaveLength(1);
    expect(about(all, 'ContactIdIssued', { contactId })).toHaveLength(1);
  });

  it('a renewal by a new person publishes CertificateRenewed and the new Contact ID, once', async () => {
    const { body } = await registered();
    const n = body.certificateNumber;
    const renewal = {
      ...body,
      certificateNumber: `${n.slice(0, 9)}9${n.slice(10)}`,
      term: { start: '2027-01-01', end: '2027-12-31' },
      primaryContact: { ...person(), address: undefined, company: undefined },
    };
    const res = await stack.post('/registrations', renewal);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await stack.post('/registrations', renewal);
    const all = await events();
    const renewed = about(all, 'CertificateRenewed', { certificateNumber: renewal.certificateNumber });
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.detail).toMatchObject({ renewalOf: [n], primaryContactId: res.body.contactId });
    expect(about(all, 'ContactIdIssued', { contactId: res.body.contactId })).toHaveLength(1);
  });
});

describe('contacts, corrections and voids', () => {
  it('add, replace and resend each publish their event once', async () => {
    const { body, contactId: primary } = await registered();
    const n = body.certificateNumber;
    const proofs = {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
    };
    const added = await stack.post(`/certificates/${n}/contacts`, { ...proofs, contact: person() });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const replaced = await stack.put(`/certificates/${n}/contacts/${added.body.contactId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: person(),
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const resent = await stack.post(`/certificates/${n}/contact-id/resend`, proofs);
    expect(resent.status).toBe(202);

    const all = await events();
    expect(about(all, 'ContactAdded', { contactId: added.body.contactId })).toHaveLength(1);
    expect(about(all, 'ContactReplaced', { contactId: replaced.body.contactId })).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ replacedContactId: added.body.contactId }),
      }),
    ]);
    for (const id of [added.body.contactId, replaced.body.contactId])
      expect(about(all, 'ContactIdIssued', { contactId: id })).toHaveLength(1);
    expect(about(all, 'ContactIdResent', { contactId: primary })).toHaveLength(1);
  });

  it('a correction publishes CertificateCorrected with the fields named, not their values; a void CertificateVoided', async () => {
    const { body } = await registered();
    const n = body.certificateNumber;
    const patched = await stack.patch(`/certificates/${n}`, {
      primaryContact: { phone: '+33 6 99 99 99 99' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const voided = await stack.delete(`/certificates/${n}`);
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    await stack.delete(`/certificates/${n}`);

    const all = await events();
    const corrected = about(all, 'CertificateCorrected', { certificateNumber: n });
    expect(corrected).toHaveLength(1);
    expect(JSON.stringify(corrected[0]!.detail.fields)).toContain('phone');
    expect(JSON.stringify(corrected[0])).not.toContain('99 99');
    expect(about(all, 'CertificateVoided', { certificateNumber: n })).toHaveLength(1);
  });
});

describe('the daily runs', () => {
  it('a renewal reminder publishes ReminderSent once per certificate and offset', async () => {
    const { body } = await registered({ term: { start: addDays(today(), -300), end: addDays(today(), 40) } });
    await moveTo(addDays(today(), 11));
    const all = await events();
    const sent = about(all, 'ReminderSent', { certificateNumber: body.certificateNumber });
    expect(sent.map((e) => e.detail.offset)).toEqual([30]);
  });

  it('a lifecycle milestone passed and a GA decision each publish once', async () => {
    const product = `Events Suite ${randomUUID().slice(0, 6)}`;
    const base = registration({ term: { start: addDays(today(), -30), end: addDays(today(), 300) } });
    const body = { ...base, products: [{ ...base.products[0]!, product, version: '12.0' }] };
    expect((await stack.post('/registrations', body)).status).toBe(201);
    const serial = body.products[0]!.serialNumber;
    const eol = addDays(today(), 3);
    const path = `/products/${encodeURIComponent(product)}/majors/12/lifecycle`;
    const scheduled = await stack.as('product-manager').put(path, {
      eolDate: eol,
      partialSupportDate: addDays(today(), 100),
      endOfSupportDate: addDays(today(), 200),
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    const ga = addDays(today(), 5);
    const release = await stack
      .as('product-manager')
      .put(`/products/${encodeURIComponent(product)}/releases/12.5`, { gaDate: ga });
    expect(release.status, JSON.stringify(release.body)).toBe(201);
    await moveTo(addDays(ga, 1));

    const all = await events();
    expect(about(all, 'LifecycleMilestonePassed', { product })).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ major: 12, phase: 'EOL', date: eol }) }),
    ]);
    expect(about(all, 'UpgradeDecided', { product, serialNumber: serial })).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          version: '12.5',
          gaDate: ga,
          entitled: true,
          rule: 'CURRENT_ON_GA',
        }),
      }),
    ]);
  });
});

describe('bounces', () => {
  it('a hard bounce publishes EmailBounced with the address’s hash, never the address', async () => {
    const to = `bounce+${randomUUID().slice(0, 8)}@simulator.amazonses.com`;
    const base = registration();
    await registered({ primaryContact: { ...base.primaryContact, email: to } });
    const all = await events();
    const bounced = all.filter((e) => e['detail-type'] === 'EmailBounced');
    expect(bounced.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(bounced)).not.toContain('simulator.amazonses.com');
    expect(bounced.at(-1)!.detail.addressHash).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('delivery', () => {
  it('PutEvents failing once: the event still arrives, once', async () => {
    const calls = stack.events.bus.putCalls;
    stack.events.bus.failNext(1);
    const { body } = await registered();
    const all = await events();
    expect(stack.events.bus.putCalls).toBeGreaterThan(calls + 1);
    expect(about(all, 'CertificateRegistered', { certificateNumber: body.certificateNumber })).toHaveLength(
      1,
    );
  });

  it('every event is listed once, fits its JSON Schema, and carries no email address or phone number', async () => {
    const all = await events();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const ajv = new Ajv2020({ strict: true });
    const validators = new Map(
      DETAIL_TYPES.map((t) => [
        t,
        ajv.compile(
          JSON.parse(readFileSync(new URL(`../../schemas/events/${t}.json`, import.meta.url), 'utf8')),
        ),
      ]),
    );
    const types = new Set(all.map((e) => e['detail-type']));
    for (const t of [
      'CertificateRegistered',
      'ContactIdIssued',
      'ReminderSent',
      'UpgradeDecided',
      'EmailBounced',
    ])
      expect(types).toContain(t);
    for (const event of all) {
      const validate = validators.get(event['detail-type'] as (typeof DETAIL_TYPES)[number]);
      expect(validate, event['detail-type']).toBeDefined();
      expect(validate!(event.detail), JSON.stringify(validate!.errors)).toBe(true);
      expect(event.detail.id).toBe(event.id);
      expect(carriesContactData(event.detail), JSON.stringify(event.detail)).toBe(false);
    }
  });
});
