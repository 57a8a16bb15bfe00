/**
 * The stack dies (SIGKILL) in the middle of a burst of registrations, starts again on the
 * same data, and the callers replay every request that got no 2xx answer: each primary
 * contact still gets their Contact ID email — none lost, hardly any twice.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChildStack, startChildStack } from '../support/child-stack.ts';
import { registration } from '../support/stack.ts';

const BURST = 300;
const CONCURRENCY = 20;
const KILL_AFTER_MS = 1000;
/** On a slow machine, the crash waits until this many registrations were answered, so that it hits work in flight. */
const KILL_AFTER_ANSWERS = 20;
const MAX_DOUBLED = 0.02;

let stack: ChildStack;
beforeAll(async () => {
  stack = await startChildStack();
});
afterAll(() => stack?.stop());

type Body = ReturnType<typeof registration>;

/** Posts every body, `CONCURRENCY` at a time; the bodies that got no 2xx (an error or no answer at all). */
async function send(bodies: Body[], answered = { count: 0 }): Promise<Body[]> {
  const failed: Body[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        try {
          const res = await stack.post('/registrations', body);
          if (res.status < 200 || res.status > 299) failed.push(body);
          else answered.count++;
        } catch {
          failed.push(body); // the connection refused or reset: the stack is down
        }
      }
    }),
  );
  return failed;
}

it('a crash mid-burst, a restart and a replay of the unanswered: no Contact ID email lost, ≤ 2 % twice', async () => {
  const bodies = Array.from({ length: BURST }, () => {
    const body = registration();
    body.primaryContact.language = 'en';
    return body;
  });

  // One registration first, so that the burst meets a warm stack (modules loaded).
  expect(await send(bodies.slice(0, 1))).toEqual([]);
  const answered = { count: 0 };
  const started = Date.now();
  const burst = send(bodies.slice(1), answered);
  while (Date.now() - started < KILL_AFTER_MS || answered.count < KILL_AFTER_ANSWERS)
    await new Promise((r) => setTimeout(r, 10));
  const killedAfter = Date.now() - started;
  await stack.kill('SIGKILL');
  const unanswered = await burst;
  await stack.start();

  // The callers replay what got no 2xx, as they would (a few rounds: the stack may still be busy).
  let replay = unanswered;
  for (let round = 0; round < 3 && replay.length > 0; round++) replay = await send(replay);
  expect(replay, `requests still refused after the replay:\n${stack.output()}`).toEqual([]);
  await stack.idle();

  const emails = await stack.emails();
  const counts = bodies.map(
    (body) =>
      emails.filter(
        (e) =>
          e.destination.to.includes(body.primaryContact.email) &&
          e.subject === `Your Contact ID for certificate ${body.certificateNumber}`,
      ).length,
  );
  const lost = counts.filter((n) => n === 0).length;
  const doubled = counts.filter((n) => n >= 2).length;
  console.log(
    `registrations crash: ${BURST} registrations, stack SIGKILLed ` +
      `${killedAfter} ms into the burst, ${BURST - unanswered.length} answered 2xx before the crash, ${unanswered.length} replayed; ` +
      `Contact ID emails: ${counts.reduce((a, b) => a + b, 0)} in total, ${lost} lost, ${doubled} doubled`,
  );
  expect(lost, 'primary contacts who never got their Contact ID').toBe(0);
  expect(doubled, 'primary contacts who got it twice').toBeLessThanOrEqual(BURST * MAX_DOUBLED);
}, 180_000);
