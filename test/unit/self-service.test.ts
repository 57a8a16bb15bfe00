/** Customer self-service decisions (core/self-service.ts): what matches, the daily limit, the notice ids. */
import { describe, expect, it } from 'vitest';
import {
  ContactIdRequest,
  counterExpiry,
  decideContactIdRequest,
  primaryContactId,
  SELF_SERVICE_DAILY_LIMIT,
  selfServiceNoticeId,
} from '../../functions/core/self-service.ts';

const certificate = {
  certificateNumber: '12345678-1234567',
  salesOrderNumber: '12345678',
  status: 'ACTIVE' as const,
  products: [
    {
      serialNumber: 'M1234567890',
      supportIdentifier: '1234-5678-1234',
      product: 'Backup Exec',
      version: '12.0',
      productLine: 'Backup Exec',
    },
    {
      serialNumber: 'M1234567895',
      supportIdentifier: '1234-5678-9999',
      product: 'Endpoint Protection',
      version: '11.0',
      productLine: 'Endpoint Protection',
    },
  ],
};
const request = {
  certificateNumber: '12345678-1234567',
  salesOrderNumber: '12345678',
  serialNumber: 'M1234567890',
  supportIdentifier: '1234-5678-1234',
};
const DAY = '2026-11-27';

describe('decideContactIdRequest', () => {
  it('owes the first email of the day to a match, under a notice numbered for the day', () => {
    expect(decideContactIdRequest(certificate, request, 0, DAY)).toEqual({
      kind: 'OWED',
      certificate,
      sequence: 1,
      noticeId: 'self-service-12345678-1234567-20261127-1',
    });
    expect(decideContactIdRequest(certificate, request, 2, DAY)).toMatchObject({
      kind: 'OWED',
      sequence: 3,
      noticeId: selfServiceNoticeId(request.certificateNumber, DAY, 3),
    });
  });

  it(`owes nothing once ${SELF_SERVICE_DAILY_LIMIT} were owed that day`, () => {
    expect(decideContactIdRequest(certificate, request, SELF_SERVICE_DAILY_LIMIT, DAY)).toEqual({
      kind: 'LIMIT_REACHED',
    });
  });

  it.each([
    ['no certificate', null, request],
    ['a void certificate', { ...certificate, status: 'VOID' as const }, request],
    ['another sales order', certificate, { ...request, salesOrderNumber: '87654321' }],
    ['a serial not on the certificate', certificate, { ...request, serialNumber: 'M0000000000' }],
    ['another support identifier', certificate, { ...request, supportIdentifier: '0000-0000-0000' }],
    [
      "the other product's support identifier",
      certificate,
      { ...request, supportIdentifier: '1234-5678-9999' },
    ],
  ])('matches nothing with %s, even over the limit', (_what, named, asked) => {
    expect(decideContactIdRequest(named, asked, 0, DAY)).toEqual({ kind: 'NOT_MATCHED' });
    expect(decideContactIdRequest(named, asked, SELF_SERVICE_DAILY_LIMIT, DAY)).toEqual({
      kind: 'NOT_MATCHED',
    });
  });
});

describe('the request', () => {
  it('takes exactly the four identifiers', () => {
    expect(ContactIdRequest.safeParse(request).success).toBe(true);
    expect(ContactIdRequest.safeParse({ ...request, email: 'x@y.example' }).success).toBe(false);
    expect(ContactIdRequest.safeParse({ ...request, serialNumber: undefined }).success).toBe(false);
    expect(ContactIdRequest.safeParse({ ...request, supportIdentifier: '1234-5678' }).success).toBe(false);
  });
});

describe('primaryContactId', () => {
  it('is the roster’s primary, never a designated contact', () => {
    const entry = { serialNumbers: ['M1234567890'], email: 'a@acme.example' };
    expect(
      primaryContactId({
        '1111111116': { ...entry, role: 'DESIGNATED' },
        '2222222224': { ...entry, role: 'PRIMARY' },
      }),
    ).toBe('2222222224');
    expect(primaryContactId({ '1111111116': { ...entry, role: 'DESIGNATED' } })).toBeNull();
  });
});

describe('counterExpiry', () => {
  it('lets a day’s count go at the start of the day after next (epoch seconds)', () => {
    expect(counterExpiry(DAY)).toBe(Date.parse('2026-11-29T00:00:00Z') / 1000);
  });
});
