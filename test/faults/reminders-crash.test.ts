/**
 * The stack dies (SIGKILL) in the middle of the daily renewal-reminder run, starts again on
 * the same data, and the clock moves on (the day is run again, then the next): every
 * contact due that day still gets its 90-day reminder — none lost, hardly any twice.
 * Twice: once while the run claims, once while it delivers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { type ChildStack, startChildStack } from '../support/child-stack.ts';
import { registration } from '../support/stack.ts';

const CERTIFICATES = 300;
const CONCURRENCY = 20;
const MAX_DOUBLED = 0.02;

let stack: ChildStack;
beforeAll(async () => {
  stack = await startChildStack();
});
afterAll(() => stack?.stop());

type Body = ReturnType<typeof registration>;

async function registerAll(bodies: Body[]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await stack.post('/registrations', body);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    }),
  );
  await stack.idle();
}

const isReminder = (subject: string) => /Renewal reminder/.test(subject);

async function today(): Promise<string> {
  const res = await stack.get('/_local/clock');
  return dayOf(new Date(res.body.now));
}

/**
 * Registers certificates whose 90-day reminder falls on one day, moves the clock to the day
 * before, then to the day itself and kills the stack when `when()` says so; restarts, moves
 * on two days; counts each contact's reminders.
 */
async function crashDuringRun(when: (elapsedMs: number, remindersSent: number) => boolean) {
  const start = await today();
  const end = addDays(start, 95);
  const day = addDays(end, -90);
  const bodies = Array.from({ length: CERTIFICATES }, () => {
    const body = registration({ term: { start: addDays(end, -364), end } });
    body.primaryContact.language = 'en';
    return body;
  });
  await registerAll(bodies);
  expect((await stack.post('/_local/clock', { now: `${addDays(day, -1)}T12:00:00Z` })).status).toBe(200);
  const before = (await stack.emails()).filter((e) => isReminder(e.subject)).length;

  const started = Date.now();
  const run = stack.post('/_local/clock', { now: `${day}T12:00:00Z` }).catch(() => null);
  for (;;) {
    // The whole mailbox comes back on each read: read it only when the crash point counts emails.
    const sent =
      when.length > 1 ? (await stack.emails()).filter((e) => isReminder(e.subject)).length - before : 0;
    if (when(Date.now() - started, sent)) break;
    if (Date.now() - started > 60_000) throw new Error('the run never reached the crash point');
    await new Promise((r) => setTimeout(r, when.length > 1 ? 50 : 10));
  }
  const sentAtCrash = (await stack.emails()).filter((e) => isReminder(e.subject)).length - before;
  const killedAfter = Date.now() - started;
  await stack.kill('SIGKILL');
  await run;
  await stack.start();
  // The day is run again (it never completed), then the next day.
  expect((await stack.post('/_local/clock', { now: `${addDays(day, 1)}T12:00:00Z` })).status).toBe(200);
  await stack.idle();

  const emails = (await stack.emails()).filter((e) => isReminder(e.subject));
  const counts = bodies.map(
    (b) =>
      emails.filter(
        (e) =>
          e.destination.to.includes(b.primaryContact.email) && e.body.text?.includes(b.certificateNumber),
      ).length,
  );
  const lost = counts.filter((n) => n === 0).length;
  const doubled = counts.filter((n) => n > 1).length;
  console.log(
    `reminder run killed after ${killedAfter} ms with ${sentAtCrash} of ${CERTIFICATES} reminders sent: lost ${lost}, doubled ${doubled}`,
  );
  return { lost, doubled, sentAtCrash };
}

for (const ms of [1000, 3000])
  it(`a crash ${ms / 1000} s into the run: no reminder lost, ≤ 2 % twice`, async () => {
    const r = await crashDuringRun((elapsed) => elapsed >= ms);
    expect(r.lost, stack.output()).toBe(0);
    expect(r.doubled).toBeLessThanOrEqual(Math.floor(CERTIFICATES * MAX_DOUBLED));
  }, 240_000);

it('a crash while the run delivers: no reminder lost, ≤ 2 % twice', async () => {
  const r = await crashDuringRun((_, sent) => sent >= 30);
  expect(r.sentAtCrash).toBeGreaterThan(0);
  expect(r.sentAtCrash).toBeLessThan(CERTIFICATES);
  expect(r.lost, stack.output()).toBe(0);
  expect(r.doubled).toBeLessThanOrEqual(Math.floor(CERTIFICATES * MAX_DOUBLED));
}, 240_000);
