/**
 * Products whose names read alike (the same first words, a different number at the end)
 * are told apart in every name derived from them: on the local stack, scheduling end of
 * life, and announcing a release, for both leaves each product its own schedules and runs,
 * and each product's customers get their own notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/calendar.ts';
import { milestoneScheduleName } from '../../functions/core/lifecycle.ts';
import { gaScheduleName } from '../../functions/core/upgrades.ts';
import { clockOf } from '../support/clock.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

const A = 'Backup Exec Server Edition 86';
const B = 'Backup Exec Server Edition 3763';
const PHASES = ['EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT'] as const;

const registered = (product: string, versions: string[]) =>
  registerVersions(stack, product, versions, { start: addDays(today(), -30), end: addDays(today(), 700) });
const lifecyclePath = (product: string, major: number) =>
  `/products/${encodeURIComponent(product)}/majors/${major}/lifecycle`;
const releasePath = (product: string, version: string) =>
  `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`;
const emailsAbout = async (to: string, words: RegExp) =>
  (await stack.emails(to)).filter((e) => words.test(e.subject));

describe('two products whose names read alike', () => {
  it('each gets its own end-of-life schedules and runs; each one’s customers are told', async () => {
    const a = await registered(A, ['12.0']);
    const b = await registered(B, ['12.0']);
    const dates = {
      eolDate: addDays(today(), 3),
      partialSupportDate: addDays(today(), 6),
      endOfSupportDate: addDays(today(), 9),
    };
    for (const product of [A, B]) {
      const res = await stack.put(lifecyclePath(product, 12), dates);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await settle();

    const scheduled = /end-of-life schedule/;
    expect((await emailsAbout(a.to, scheduled)).map((e) => e.subject)).toEqual([
      `${A} 12: end-of-life schedule`,
    ]);
    expect((await emailsAbout(b.to, scheduled)).map((e) => e.subject)).toEqual([
      `${B} 12: end-of-life schedule`,
    ]);

    const names = stack.scheduler.list().map((s) => s.Name);
    const expected = [A, B].flatMap((p) => PHASES.map((phase) => milestoneScheduleName(p, 12, phase)));
    expect(new Set(expected).size).toBe(6);
    for (const name of expected) expect(names).toContain(name);

    // The milestone runs of both fire, each on its own product.
    await moveTo(dates.eolDate);
    for (const product of [A, B])
      expect((await stack.get(lifecyclePath(product, 12))).body.phase, product).toBe('EOL');
    expect((await emailsAbout(a.to, /: End of life/)).map((e) => e.subject)).toEqual([
      expect.stringContaining(A),
    ]);
    expect((await emailsAbout(b.to, /: End of life/)).map((e) => e.subject)).toEqual([
      expect.stringContaining(B),
    ]);
  });

  it('each gets its own GA run for the same version; each one’s entitled customers are told', async () => {
    const a = await registered(A, ['13.0']);
    const b = await registered(B, ['13.0']);
    const ga = addDays(today(), 5);
    for (const product of [A, B]) {
      const res = await stack.put(releasePath(product, '13.5'), { gaDate: ga });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const names = stack.scheduler.list().map((s) => s.Name);
    expect(gaScheduleName(A, '13.5')).not.toBe(gaScheduleName(B, '13.5'));
    expect(names).toContain(gaScheduleName(A, '13.5'));
    expect(names).toContain(gaScheduleName(B, '13.5'));

    await moveTo(ga);
    await settle();
    const available = /is available: your upgrade/;
    expect((await emailsAbout(a.to, available)).map((e) => e.subject)).toEqual([expect.stringContaining(A)]);
    expect((await emailsAbout(b.to, available)).map((e) => e.subject)).toEqual([expect.stringContaining(B)]);
    for (const [product, who] of [
      [A, a],
      [B, b],
    ] as const) {
      const res = await stack.get(`${releasePath(product, '13.5')}/entitlements/${who.serials[0]}`);
      expect(res.body, product).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA', gaDate: ga });
    }
  });
});
