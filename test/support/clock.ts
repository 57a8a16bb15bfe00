/** The local clock and the "changed nothing" proof, as the e2e suites use them on a test stack. */
import { expect } from 'vitest';
import { dayOf } from '../../functions/core/calendar.ts';
import type { TestStack } from './stack.ts';

export function clockOf(stack: () => TestStack) {
  return {
    today: () => dayOf(stack().clock.now()),
    settle: () => stack().stepFunctions.idle(),
    /** Moves the stack's clock to noon UTC of `day`, running every job that became due. */
    moveTo: async (day: string) => {
      const res = await stack().post('/_local/clock', { now: `${day}T12:00:00Z` });
      expect(res.status).toBe(200);
      return res.body;
    },
  };
}

/** Runs `request` and proves nothing was stored, scheduled or sent: a refused request changes nothing. */
export async function unchanged(stack: TestStack, request: () => Promise<void>): Promise<void> {
  const items = JSON.stringify(await stack.items());
  const emails = (await stack.emails()).length;
  const schedules = stack.scheduler.list().length;
  await request();
  await stack.stepFunctions.idle();
  expect(JSON.stringify(await stack.items())).toBe(items);
  expect((await stack.emails()).length).toBe(emails);
  expect(stack.scheduler.list().length).toBe(schedules);
}
