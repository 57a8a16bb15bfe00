/**
 * statemachines/lifecycle-transition.asl.json on the local stack, started by its ARN with the
 * name and input its one-time schedule holds (the milestone's run): the phase moves forward
 * and each concerned contact is told once; a run for a date since moved changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { milestoneScheduleName } from '../../functions/core/lifecycle.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';
import { pathOf, run, scheduledRun } from '../support/workflows.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const today = () => dayOf(stack.clock.now());
let products = 0;
const path = (product: string) => `/products/${encodeURIComponent(product)}/majors/12/lifecycle`;
const lifecycleEmails = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /end-of-life schedule|: End of life|: Partial support|: End of support/.test(e.subject),
  );

/** A product with one registered serial of 12.0, and its major 12 scheduled. */
async function scheduled() {
  const product = `Transition Suite ${++products}`;
  const { to } = await registerVersions(stack, product, ['12.0'], {
    start: addDays(today(), -30),
    end: addDays(today(), 700),
  });
  const dates = {
    eolDate: addDays(today(), 30),
    partialSupportDate: addDays(today(), 60),
    endOfSupportDate: addDays(today(), 90),
  };
  const res = await stack.put(path(product), dates);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await stack.stepFunctions.idle();
  expect(await lifecycleEmails(to)).toHaveLength(1); // the schedule itself, told by its own run
  return { product, to, dates };
}

describe('lifecycle-transition.asl.json', () => {
  it('applies a milestone: the phase moves to it and each concerned contact is told once', async () => {
    const { product, to } = await scheduled();
    const eol = scheduledRun(stack, milestoneScheduleName(product, 12, 'EOL'));
    const applied = await run(stack, 'LifecycleTransition', eol.input, eol.name);
    expect(applied.status).toBe('SUCCEEDED');
    expect(pathOf(applied)).toEqual(['ApplyLifecycleEvent']);
    expect(applied.result).toEqual({ applied: true, notices: 1 });
    const lifecycle = (await stack.get(path(product))).body;
    expect(lifecycle.history.map((h: { event: string }) => h.event)).toContain('EOL');
    const emails = await lifecycleEmails(to);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(/: End of life/);

    // Started again (the reconciler, under a name of its own): nothing is sent twice.
    const again = await run(stack, 'LifecycleTransition', eol.input);
    expect(again.status).toBe('SUCCEEDED');
    expect(await lifecycleEmails(to)).toHaveLength(2);
  });

  it('changes nothing for a milestone date since moved', async () => {
    const { product, to, dates } = await scheduled();
    const stale = await run(stack, 'LifecycleTransition', {
      product,
      major: 12,
      event: 'EOL',
      date: addDays(dates.eolDate, -1),
    });
    expect(stale.status).toBe('SUCCEEDED');
    expect(pathOf(stale)).toEqual(['ApplyLifecycleEvent']);
    expect(stale.result).toMatchObject({ applied: false, reason: expect.stringContaining(dates.eolDate) });
    expect((await stack.get(path(product))).body.history.map((h: { event: string }) => h.event)).toEqual([
      'SCHEDULED',
    ]);
    expect(await lifecycleEmails(to)).toHaveLength(1);
  });
});
