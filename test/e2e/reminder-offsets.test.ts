/**
 * Configured reminder offsets (REMINDER_OFFSETS) hold from a certificate's first reminder.
 * They used to be applied only when a reminder was claimed: registration computed the first
 * one from the default offsets, so a BASIC term with `{"BASIC":[60,30,0]}` still got its
 * 90-day reminder. The stack gets the setting as a Lambda function does, in its environment
 * before the handlers load; one stack per file, as handlers read it once per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/calendar.ts';
import { clockOf } from '../support/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let s: TestStack;
beforeAll(async () => {
  s = await startTestStack({ settings: { reminders: { offsets: { BASIC: [60, 30, 0] } } } });
});
afterAll(() => s?.stop());
const clock = clockOf(() => s);

async function register(tier: string, end: string, overrides: Record<string, unknown> = {}) {
  const body = registration({ tier, term: { start: addDays(end, -364), end }, ...overrides });
  const res = await s.post('/registrations', body);
  expect(res.status).toBe(201);
  await clock.settle();
  return body;
}

const nextReminder = async (certificateNumber: string) =>
  (await s.get(`/certificates/${certificateNumber}`)).body.nextReminder;
const reminders = async (to: string) =>
  (await s.emails(to)).filter((e) => /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject));

describe('configured reminder offsets', () => {
  it('remind a BASIC term 60, 30 and 0 days before its end, from its first reminder: never 90 days before', {
    timeout: 240_000,
  }, async () => {
    const end = addDays(clock.today(), 95); // the default offsets would remind in 5 days
    const body = await register('BASIC', end, {
      primaryContact: { ...registration().primaryContact, language: 'en' },
    });
    const to = body.primaryContact.email;
    expect(await nextReminder(body.certificateNumber)).toEqual({ offset: 60, on: addDays(end, -60) });

    await clock.moveTo(addDays(end, -61)); // past the default 90-day reminder
    expect(await reminders(to)).toHaveLength(0);
    for (const [offset, count] of [
      [60, 1],
      [30, 2],
      [0, 3],
    ] as const) {
      await clock.moveTo(addDays(end, -offset));
      const sent = await reminders(to);
      expect(sent).toHaveLength(count);
      expect(sent.at(-1)!.body.text).toMatch(offset ? `ends in ${offset} days` : 'ends today');
    }
    // No 7-day or 30-days-after reminder either: the last offset is behind it.
    expect(await nextReminder(body.certificateNumber)).toBeNull();
  });

  it('leave a tier they do not name on the default offsets', async () => {
    const end = addDays(clock.today(), 120);
    const body = await register('ESSENTIAL', end);
    expect(await nextReminder(body.certificateNumber)).toEqual({ offset: 90, on: addDays(end, -90) });
  });

  it('hold for the new term of a renewal', async () => {
    const end = addDays(clock.today(), 20);
    const original = await register('BASIC', end);
    const renewal = {
      ...original,
      certificateNumber: `${original.certificateNumber.slice(0, 9)}7${original.certificateNumber.slice(10)}`,
      term: { start: addDays(end, 1), end: addDays(end, 365) },
    };
    expect((await s.post('/registrations', renewal)).status).toBe(201);
    await clock.settle();
    expect(await nextReminder(renewal.certificateNumber)).toEqual({ offset: 60, on: addDays(end, 365 - 60) });
  });
});
