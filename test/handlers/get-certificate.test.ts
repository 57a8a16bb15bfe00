/**
 * GET /certificates/{certificateNumber}: the module handler (middy + problem+json) and the
 * real RegistrationStore on a real table in DynamoDB Local, on data written by the real
 * record-registration task.
 */
import type { randomInt } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const env = await vi.hoisted(async () => {
  const { localTableEnvironment } = await import('../support/table.ts');
  const values = { ...localTableEnvironment(), POWERTOOLS_LOG_LEVEL: 'SILENT' };
  Object.assign(process.env, values);
  return values;
});

import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RegistrationStore } from '../../functions/adapters/registrations.ts';
import { SerialStore } from '../../functions/adapters/serials.ts';
import { keys } from '../../functions/adapters/table-design.ts';
import type { Role } from '../../functions/core/actors.ts';
import { generateContactId } from '../../functions/core/contact-id.ts';
import { handler, makeGetCertificate } from '../../functions/http/get-certificate.ts';
import { makeRecordRegistration } from '../../functions/record-registration/handler.ts';
import { documentClient } from '../../functions/shared/aws.ts';
import { useClock } from '../../functions/shared/clock.ts';
import { LocalTable, Sends } from '../support/table.ts';
import { CERTIFICATE, contractExample, withField } from '../unit/fixtures.ts';
import { answer, httpEvent, lambdaContext, REQUEST_ID } from './http.ts';

let table: LocalTable;
let sends: Sends;
const PAYLOAD = 123_456_789;
const CONTACT_ID = generateContactId(() => PAYLOAD);
const RENEWAL = '22222222-2222222';

const store = () => new RegistrationStore(documentClient, env.TABLE_NAME);
const register = (request: unknown, receivedAt = '2026-03-01T10:00:00.000Z') =>
  makeRecordRegistration(
    store(),
    (() => PAYLOAD) as unknown as typeof randomInt,
  )({
    request,
    requestId: `req-${receivedAt}`,
    receivedAt,
    actor: { subject: 'alice', role: 'licensing-ops' },
  });
const today = (day: string) => useClock(() => new Date(`${day}T12:00:00.000Z`));
/** As licensing ops (the route's first role) unless `role` says otherwise. */
const get = async (certificateNumber: string | undefined, role?: Role) =>
  answer(
    await handler(
      httpEvent(
        {
          routeKey: 'GET /certificates/{certificateNumber}',
          rawPath: `/certificates/${certificateNumber}`,
          ...(certificateNumber === undefined ? {} : { pathParameters: { certificateNumber } }),
        },
        role,
      ),
      lambdaContext,
    ),
  );

beforeAll(async () => {
  table = await LocalTable.create(env.TABLE_NAME);
});
beforeEach(async () => {
  await table.clear();
  sends = new Sends(documentClient);
  today('2026-06-01');
});
afterEach(() => {
  useClock(() => new Date());
});

describe('GET /certificates/{certificateNumber}', () => {
  it('answers the registration, its contacts whole to licensing ops, and coverage as of today', async () => {
    await register(contractExample());

    const res = await get(CERTIFICATE);

    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(res.body).toMatchObject({
      certificateNumber: CERTIFICATE,
      salesOrderNumber: '12345678',
      tier: 'ESSENTIAL',
      term: { start: '2026-01-01', end: '2026-12-31', active: true },
      company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
      registeredAt: '2026-03-01T10:00:00.000Z',
      renewalOf: [],
      renewedBy: [],
      contactsCertificate: CERTIFICATE,
      contacts: [
        {
          contactId: CONTACT_ID,
          role: 'PRIMARY',
          status: 'ACTIVE',
          name: 'Marie Curie',
          email: 'marie@acme.example',
          phone: '+33 6 00 00 00 00',
          erased: null,
          language: 'fr',
          contactIdEmail: { status: 'PENDING', sentAt: null },
        },
      ],
      products: [
        {
          serialNumber: 'M1234567890',
          supportIdentifier: '1234-5678-1234',
          product: 'Backup Exec',
          productLine: 'Backup Exec',
          version: '12.0',
          registeredVersion: '12.0',
          versionHistory: [],
          coverage: {
            start: '2026-01-01',
            end: '2026-12-31',
            active: true,
            tier: 'ESSENTIAL',
            certificateNumber: CERTIFICATE,
            terms: [
              { start: '2026-01-01', end: '2026-12-31', tier: 'ESSENTIAL', certificateNumber: CERTIFICATE },
            ],
          },
        },
      ],
      nextReminder: { offset: 90, on: '2026-10-02' },
      asOf: '2026-06-01',
      audit: [
        {
          at: '2026-03-01T10:00:00.000Z',
          action: 'CERTIFICATE_REGISTERED',
          actor: { subject: 'alice', role: 'licensing-ops' },
        },
      ],
    });
    expect(res.raw).not.toMatch(/"(PK|SK|GSI1PK|GSI1SK|GSI2PK|GSI2SK|fingerprint|notice)"/);
  });

  it('masks every email and phone number for a support engineer', async () => {
    await register(contractExample());

    const res = await get(CERTIFICATE, 'support-engineer');

    expect(res.status).toBe(200);
    expect(res.body.company).toEqual({
      name: 'Acme SA',
      address: '1 rue X, Paris',
      phone: '+** * ** ** ** 89',
    });
    expect(res.body.contacts[0]).toMatchObject({
      name: 'Marie Curie',
      email: 'm***e@a***e.example',
      phone: '+** * ** ** ** 00',
    });
    expect(res.raw).not.toContain('marie@');
    expect(res.raw).not.toContain('+33 6 00 00 00 00');
    expect(res.raw).not.toContain('+33 1 23 45 67 89');
  });

  it('shows the Contact ID email once sent', async () => {
    await register(contractExample());
    const key = keys.contact(CONTACT_ID);
    const contact = (await table.item(key))!;
    await table.put({
      ...contact,
      notice: { ...contact.notice, status: 'SENT', sentAt: '2026-03-01T10:00:07.000Z' },
    });

    const res = await get(CERTIFICATE);

    expect(res.body.contacts[0].contactIdEmail).toEqual({
      status: 'SENT',
      sentAt: '2026-03-01T10:00:07.000Z',
    });
  });

  it('shows a lapsed contract as inactive after its end date', async () => {
    await register(contractExample());
    today('2027-01-01');
    const res = await get(CERTIFICATE);
    expect(res.body.term.active).toBe(false);
    expect(res.body.products[0].coverage).toMatchObject({ end: '2026-12-31', active: false });
    expect(res.body.asOf).toBe('2027-01-01');
  });

  it('masks emails and phone numbers in audit events too, for a support engineer only', async () => {
    await register(contractExample());
    await table.put({
      ...keys.audit(CERTIFICATE, '2026-04-01T09:00:00.000Z', 'req-audit'),
      action: 'CONTACT_ADDED',
      at: '2026-04-01T09:00:00.000Z',
      email: 'pierre.curie@acme.example',
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    await table.put({
      ...keys.audit(CERTIFICATE, '2026-04-02T09:00:00.000Z', 'req-fix'),
      action: 'CERTIFICATE_CORRECTED',
      at: '2026-04-02T09:00:00.000Z',
      changes: [{ field: 'primaryContact.phone', before: '+33 6 00 00 00 00', after: '+33 6 11 22 33 44' }],
    });

    const masked = await get(CERTIFICATE, 'support-engineer');

    expect(masked.body.audit).toHaveLength(3);
    expect(masked.body.audit[1]).toEqual({
      action: 'CONTACT_ADDED',
      at: '2026-04-01T09:00:00.000Z',
      email: 'p***e@a***e.example',
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    expect(masked.body.audit[2].changes).toEqual([
      { field: 'primaryContact.phone', before: '+** * ** ** ** 00', after: '+** * ** ** ** 44' },
    ]);
    expect(masked.raw).not.toContain('pierre.curie@acme.example');

    const whole = await get(CERTIFICATE, 'licensing-ops');
    expect(whole.body.audit[1].email).toBe('pierre.curie@acme.example');
    expect(whole.body.audit[2].changes[0].after).toBe('+33 6 11 22 33 44');
  });

  it('shows a renewal with the first registration’s contacts and one unbroken coverage', async () => {
    await register(contractExample());
    const renewal = withField(withField(contractExample(), 'certificateNumber', RENEWAL), 'term', {
      start: '2027-01-01',
      end: '2027-12-31',
    });
    await register(renewal, '2026-11-15T09:00:00.000Z');

    const res = await get(RENEWAL);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      certificateNumber: RENEWAL,
      renewalOf: [CERTIFICATE],
      contactsCertificate: CERTIFICATE,
      contacts: [{ contactId: CONTACT_ID, role: 'PRIMARY' }],
      products: [
        {
          coverage: { start: '2026-01-01', end: '2027-12-31', active: true, certificateNumber: CERTIFICATE },
        },
      ],
      audit: [{ action: 'CERTIFICATE_RENEWED' }],
    });
    expect(res.body.contacts).toHaveLength(1);

    const earlier = await get(CERTIFICATE);
    expect(earlier.body).toMatchObject({ renewedBy: [RENEWAL], nextReminder: null });
  });

  it('shows the version each serial runs now, the one registered, and its history', async () => {
    await register(contractExample());
    const serials = new SerialStore(documentClient, env.TABLE_NAME);
    const serial = { serialNumber: 'M1234567890', product: 'Backup Exec' };
    const moves = [
      {
        version: '12.0 MP 1',
        from: '12.0',
        at: '2026-04-01T09:00:00.000Z',
        requestId: 'req-mp1',
        actor: { subject: 'alice', role: 'licensing-ops' as const },
      },
      {
        version: '13.0',
        from: '12.0 MP 1',
        at: '2026-05-01T09:00:00.000Z',
        requestId: 'req-13',
        actor: { subject: 'order-system', role: 'integration' as const },
        entitledBy: { version: '13.0', gaDate: '2026-04-15', rule: 'CURRENT_ON_GA' as const },
      },
    ];
    for (const move of moves) expect(await serials.moveVersion(serial, move)).toBe(true);

    const res = await get(CERTIFICATE);

    expect(res.status).toBe(200);
    expect(res.body.products[0]).toMatchObject({
      serialNumber: 'M1234567890',
      version: '13.0',
      registeredVersion: '12.0',
      versionHistory: moves,
    });
    // The status line another change added stays.
    expect(res.body.status).toBe('ACTIVE');
  });

  it('answers 404 problem+json for an unknown certificate', async () => {
    const res = await get('99999999-9999999');
    expect(res.status).toBe(404);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toEqual({
      type: 'https://errors.entitlements.example/NotFound',
      title: 'Not found',
      status: 404,
      detail: expect.stringContaining('99999999-9999999'),
      instance: REQUEST_ID,
    });
  });

  it.each(['not-a-number', '1234567-1234567', '12345678-1234567 ', '12345678-1234567%0A', undefined])(
    'answers 400 problem+json for a malformed number %j, without reading',
    async (number) => {
      const res = await get(number);
      expect(res.status).toBe(400);
      expect(res.contentType).toBe('application/problem+json');
      expect(res.body).toMatchObject({
        type: 'https://errors.entitlements.example/InvalidInput',
        status: 400,
        detail: 'the certificate number is malformed',
        errors: [{ message: expect.any(String) }],
      });
      expect(sends.count).toBe(0);
    },
  );

  it('answers 500 problem+json, leaking nothing, when storage fails', async () => {
    // Every read fails as it would against a table that is not there.
    const missing = () =>
      Object.assign(new Error('table secret-name not found'), { name: 'ResourceNotFoundException' });
    sends.fail(GetCommand, missing()).fail(BatchGetCommand, missing()).fail(QueryCommand, missing());
    const res = await get(CERTIFICATE);
    expect(res.status).toBe(500);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.raw).not.toContain('secret-name');
  });
});

describe('makeGetCertificate', () => {
  it('throws NotFound (404) for an unknown certificate, for the middleware to answer', async () => {
    await expect(
      makeGetCertificate(store())(httpEvent({ pathParameters: { certificateNumber: '99999999-9999999' } })),
    ).rejects.toMatchObject({ name: 'NotFound', status: 404 });
  });
});
