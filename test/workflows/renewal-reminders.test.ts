/**
 * statemachines/renewal-reminders.asl.json on the local stack, started by its ARN as the
 * daily schedule starts it (`{ at }`): every shard of the day is claimed, then each
 * recipient's digest is handed to deliver-notice. A second run of the same day claims and
 * sends nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';
import { executionsOf, pathOf, run } from '../support/workflows.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const PATH = ['PlanRun', 'ClaimDueReminders', 'ClaimShard', 'DeliverDigests', 'DeliverShardDigests', 'Done'];
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const reminders = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject),
  );

/** A certificate whose term ends `days` after the stack's today, its contact speaking English. */
async function endingIn(days: number) {
  const end = addDays(dayOf(stack.clock.now()), days);
  const base = registration();
  const body = registration({
    term: { start: addDays(end, -364), end },
    primaryContact: { ...base.primaryContact, language: 'en' },
  });
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await stack.stepFunctions.idle();
  return { body, end, to: body.primaryContact.email };
}

describe('renewal-reminders.asl.json', () => {
  it('claims the day’s reminder in its shard, then delivers one digest per recipient, once', async () => {
    const { body, end, to } = await endingIn(100);
    const day = addDays(end, -90);
    const first = await run(
      stack,
      'RenewalReminders',
      { at: `${day}T06:00:00Z` },
      `renewal-reminders-${day}`,
    );
    expect(first.status).toBe('SUCCEEDED');
    expect(pathOf(first)).toEqual(PATH);
    expect(sum(first.result.claimed)).toBe(1);
    expect(sum(first.result.digests)).toBe(1);
    const digests = executionsOf(stack, 'DeliverNotice', /.*/).filter((e) => e.startDate >= first.startDate);
    expect(digests.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const [email, ...more] = await reminders(to);
    expect(more).toEqual([]);
    expect(email!.body.text).toContain(body.certificateNumber);
    expect(email!.body.text).toContain('ends in 90 days');

    // The same day again (a retried schedule): the ledger holds the claim, nothing goes twice.
    const again = await run(stack, 'RenewalReminders', { at: `${day}T06:00:00Z` });
    expect(again.status).toBe('SUCCEEDED');
    expect(sum(again.result.claimed)).toBe(0);
    expect(await reminders(to)).toHaveLength(1);
  });

  it('claims and sends nothing on a day nothing is due', async () => {
    const { end, to } = await endingIn(200);
    const day = addDays(end, -91);
    const quiet = await run(stack, 'RenewalReminders', { at: `${day}T06:00:00Z` });
    expect(quiet.status).toBe('SUCCEEDED');
    expect(pathOf(quiet)).toEqual(PATH);
    expect(sum(quiet.result.claimed)).toBe(0);
    expect(sum(quiet.result.digests)).toBe(0);
    expect(await reminders(to)).toEqual([]);
  });
});
