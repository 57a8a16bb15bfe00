/**
 * Entitlement verification over HTTP on the local stack: by support identifier
 * (GET /entitlements?supportIdentifier=), a void certificate's contacts and products no
 * longer verifying, and phone support open or closed now at the installation site.
 * One stack (and clock) for the file: the clock only moves forward, so the tests that
 * move it come last and date everything from wherever it stands.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { instantAt } from '../../functions/core/phone-hours.ts';
import { unchanged } from '../support/clock.ts';
import { registerVersions, registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();
const today = () => dayOf(stack.clock.now());

/** Registers a certificate covering today and two years on, with `overrides`. */
async function registered(overrides: Record<string, unknown> = {}) {
  const body = registration({ term: { start: '2026-01-01', end: addDays(today(), 730) }, ...overrides });
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string, ...body.products[0]! };
}

const bySupportId = (id: string) => stack.get(`/entitlements?supportIdentifier=${encodeURIComponent(id)}`);

describe('GET /entitlements?supportIdentifier=', () => {
  it('answers as the Contact ID does for that product, without contact-specific fields', async () => {
    const { body, contactId, supportIdentifier, serialNumber } = await registered({ tier: 'ESSENTIAL' });
    const res = await bySupportId(supportIdentifier);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      supportIdentifier,
      certificateNumber: body.certificateNumber,
      entitled: true,
      tier: 'ESSENTIAL',
      hours: '24x7',
      upgradesOpen: true,
      responseTargets: { severity1: { initialResponse: '30 minutes', solution: '8 business days' } },
      phoneSupport: { hours: '24x7', openNow: true, nextOpensAt: null },
      products: [
        {
          serialNumber,
          product: 'Backup Exec',
          version: '12.0',
          coverage: { active: true },
          supportPhase: 'STANDARD',
          supported: true,
          responseTargets: { severity1: { initialResponse: '30 minutes' } },
          partialSupportScope: null,
        },
      ],
    });
    for (const field of ['contactId', 'name', 'role']) expect(res.body).not.toHaveProperty(field);
    expect(JSON.stringify(res.body)).not.toContain(contactId);
    expect(JSON.stringify(res.body)).not.toContain(body.primaryContact.email);
    expect(res.body.reasons[0]).toMatch(
      new RegExp(`^Entitled: support identifier ${supportIdentifier} names 1 covered product`),
    );
    expect(res.body.reasons.join(' ')).toContain(body.certificateNumber);

    const byContact = await stack.get(`/entitlements/${contactId}`);
    const { contactId: _, name: __, role: ___, reasons: ____, ...same } = byContact.body;
    const { supportIdentifier: _s, reasons: _r, ...answer } = res.body;
    expect(answer).toEqual(same);
  });

  it('says a product whose contract lapsed is not entitled, and why', async () => {
    const { supportIdentifier } = await registered({
      tier: 'BASIC',
      term: { start: '2024-01-01', end: '2024-12-31' },
    });
    const res = await bySupportId(supportIdentifier);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ entitled: false, responseTargets: null, phoneSupport: null });
    expect(res.body.reasons.join(' ')).toContain('lapsed after 2024-12-31');
  });

  const refused: Array<[string, number, string]> = [
    ['no identifier', 400, '/entitlements'],
    ['an empty identifier', 400, '/entitlements?supportIdentifier='],
    ['a malformed identifier', 400, '/entitlements?supportIdentifier=1234-5678-123'],
    ['letters', 400, '/entitlements?supportIdentifier=abcd-efgh-ijkl'],
    [
      'another parameter beside it',
      400,
      '/entitlements?supportIdentifier=1234-5678-1234&contactId=1234567897',
    ],
    ['another parameter instead', 400, '/entitlements?serialNumber=M1234567890'],
    ['an identifier nobody registered', 404, '/entitlements?supportIdentifier=0000-0000-0001'],
  ];
  it.each(refused)('%s → %i problem+json, nothing stored or sent', async (_, status, path) => {
    await unchanged(stack, async () => {
      const res = await stack.get(path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      if (status === 400) expect(res.body.errors.length).toBeGreaterThan(0);
    });
  });
});

describe('a void certificate no longer verifies', () => {
  it('GET /entitlements/{contactId} and ?supportIdentifier= answer 404 once it is voided', async () => {
    const { body, contactId, supportIdentifier } = await registered({ tier: 'BASIC' });
    expect((await stack.get(`/entitlements/${contactId}`)).status).toBe(200);
    expect((await bySupportId(supportIdentifier)).status).toBe(200);
    const voided = await stack.delete(`/certificates/${body.certificateNumber}`);
    expect(voided.status).toBe(200);
    await settle();
    const byContact = await stack.get(`/entitlements/${contactId}`);
    expect(byContact.status).toBe(404);
    expect(byContact.body.detail).toContain(contactId);
    expect((await bySupportId(supportIdentifier)).status).toBe(404);
  });
});

describe('support phases in the answer', () => {
  it('per contract before the 2006 policy, partial support with its scope, no targets at end of support', async () => {
    const product = `Entitlements ${randomUUID().slice(0, 8)}`;
    const { contactId, serials } = await registerVersions(stack, product, ['2.0', '5.0', '7.0'], {
      start: '2026-01-01',
      end: addDays(today(), 730),
    });
    const schedule = async (
      major: number,
      eolDate: string,
      partialSupportDate: string,
      endOfSupportDate: string,
    ) =>
      expect(
        (
          await stack.put(`/products/${encodeURIComponent(product)}/majors/${major}/lifecycle`, {
            eolDate,
            partialSupportDate,
            endOfSupportDate,
          })
        ).status,
      ).toBe(201);
    await schedule(2, '2005-03-01', '2006-03-01', '2007-03-01');
    await schedule(5, '2024-01-01', '2025-01-01', addDays(today(), -1));
    await schedule(7, '2025-01-01', addDays(today(), -10), addDays(today(), 400));
    await settle();

    const res = await stack.get(`/entitlements/${contactId}`);
    expect(res.status).toBe(200);
    const [legacy, ended, partial] = res.body.products;
    expect(legacy).toMatchObject({
      serialNumber: serials[0],
      supportPhase: 'PER_CONTRACT',
      supported: true,
      responseTargets: { severity1: { initialResponse: '30 minutes' } },
      partialSupportScope: null,
    });
    expect(ended).toMatchObject({
      serialNumber: serials[1],
      supportPhase: 'NONE',
      supported: false,
      responseTargets: null,
    });
    expect(partial).toMatchObject({
      serialNumber: serials[2],
      supportPhase: 'PARTIAL',
      supported: true,
      responseTargets: { severity1: { solution: '8 business days' } },
      partialSupportScope: {
        includes: expect.arrayContaining(['known fixes', 'workarounds']),
        excludes: ['new code', 'reproduction', 'escalation'],
        timeMayBeLimited: true,
      },
    });
    expect(res.body).toMatchObject({ entitled: true, tier: 'ESSENTIAL' });
    const reasons = res.body.reasons.join(' ');
    expect(reasons).toContain('the terms of your support contract continue to apply');
    expect(reasons).toContain('no response targets, because its version has reached end of support life');
    expect(reasons).toMatch(/in partial support, its response targets apply to known fixes.*no new code/);
  });
});

describe('phone support now, at the installation site', () => {
  const paris = { timeZone: 'Europe/Paris', country: 'FR' };

  /** The first day after the clock's that is `isoWeekday` (1 = Monday). */
  const next = (isoWeekday: number) => {
    let day = addDays(today(), 1);
    while (((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1 !== isoWeekday) day = addDays(day, 1);
    return day;
  };
  const moveToInstant = async (at: Date) => {
    expect((await stack.post('/_local/clock', { now: at.toISOString() })).status).toBe(200);
    await settle();
  };

  it('without a time zone the answer says it assumed UTC, in the answer and its reasons', async () => {
    const { contactId } = await registered({ tier: 'BASIC' });
    const res = await stack.get(`/entitlements/${contactId}`);
    expect(res.body.phoneSupport).toMatchObject({
      hours: 'BUSINESS_HOURS',
      timeZone: 'UTC',
      timeZoneAssumed: true,
      country: null,
    });
    expect(typeof res.body.phoneSupport.openNow).toBe('boolean');
    expect(res.body.reasons.join(' ')).toContain('UTC is assumed');
  });

  it('Basic in Paris: open on a Tuesday at 10:00 local, closed at 19:30, closed on 25 December', async () => {
    const basic = await registered({ tier: 'BASIC', ...paris });
    const essential = await registered({ tier: 'ESSENTIAL', ...paris });
    const answer = async () => {
      const res = await stack.get(`/entitlements/${basic.contactId}`);
      expect(res.status).toBe(200);
      const bySupport = await bySupportId(basic.supportIdentifier);
      expect(bySupport.body.phoneSupport).toEqual(res.body.phoneSupport);
      return res.body;
    };

    const tuesday = next(2);
    await moveToInstant(instantAt(tuesday, '10:00', 'Europe/Paris'));
    const open = await answer();
    expect(open.phoneSupport).toMatchObject({
      hours: 'BUSINESS_HOURS',
      openNow: true,
      nextOpensAt: null,
      closesAt: instantAt(tuesday, '18:00', 'Europe/Paris').toISOString(),
      timeZone: 'Europe/Paris',
      timeZoneAssumed: false,
      country: 'FR',
    });
    expect(open.reasons.join(' ')).toMatch(/Phone support: open now/);

    await moveToInstant(instantAt(tuesday, '19:30', 'Europe/Paris'));
    const closed = await answer();
    expect(closed.phoneSupport).toMatchObject({
      openNow: false,
      closedBecause: 'after 18:00',
      nextOpensAt: instantAt(addDays(tuesday, 1), '08:00', 'Europe/Paris').toISOString(),
    });
    const essentialNow = (await stack.get(`/entitlements/${essential.contactId}`)).body;
    expect(essentialNow.phoneSupport).toMatchObject({ hours: '24x7', openNow: true, nextOpensAt: null });

    // The next 25 December on a weekday: a public holiday in France, then the next weekday at 08:00.
    let year = Number(today().slice(0, 4));
    const weekday = (day: string) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    while (`${year}-12-25` <= today() || weekday(`${year}-12-25`) > 5) year++;
    let reopens = `${year}-12-26`;
    while (weekday(reopens) > 5) reopens = addDays(reopens, 1);
    await moveToInstant(instantAt(`${year}-12-25`, '10:00', 'Europe/Paris'));
    const christmas = await answer();
    expect(christmas.phoneSupport).toMatchObject({
      openNow: false,
      nextOpensAt: instantAt(reopens, '08:00', 'Europe/Paris').toISOString(),
    });
    expect(christmas.phoneSupport.closedBecause).toMatch(/public holiday in FR/);
    expect(christmas.reasons.join(' ')).toContain('public holiday in FR');
  });
});
