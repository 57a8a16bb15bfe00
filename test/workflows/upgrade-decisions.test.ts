/**
 * statemachines/upgrade-decisions.asl.json (the GA run) on the local stack, started by its
 * ARN with the name and input of the release's one-time schedule: the plan pages the
 * product's serials, each page is decided, each entitled contact gets one notice, and the
 * release is marked decided; a second start stops at the plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { gaScheduleName } from '../../functions/core/upgrades.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';
import { pathOf, run, scheduledRun } from '../support/workflows.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const today = () => dayOf(stack.clock.now());
const releasePath = (product: string, version: string) =>
  `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`;
const upgradeEmails = async (to: string) =>
  (await stack.emails(to)).filter((e) => /is available: your upgrade/.test(e.subject));

describe('upgrade-decisions.asl.json', () => {
  it('decides every serial on an earlier version, tells each entitled contact once, and marks the release decided', async () => {
    const product = 'Decisions Suite';
    const T = today();
    const ga = addDays(T, 10);
    const current = await registerVersions(stack, product, ['11.0', '12.0'], {
      start: addDays(T, -30),
      end: addDays(T, 300),
    });
    const lapsed = await registerVersions(stack, product, ['12.0'], {
      start: addDays(T, -300),
      end: addDays(T, 5),
    });
    const announced = await stack.put(releasePath(product, '12.5'), { gaDate: ga });
    expect(announced.status, JSON.stringify(announced.body)).toBe(201);
    const gaRun = scheduledRun(stack, gaScheduleName(product, '12.5'));

    const decided = await run(stack, 'UpgradeDecisions', gaRun.input, gaRun.name);
    expect(decided.status).toBe('SUCCEEDED');
    expect(pathOf(decided)).toEqual([
      'PlanRun',
      'IsCurrent',
      'DecideSerials',
      'DecidePage',
      'DeliverNotices',
      'DeliverPage',
      'MorePages',
      'ShardDelivered',
      'MarkDecided',
      'Decided',
    ]);
    const entitlement = async (serial: string) =>
      (await stack.get(`${releasePath(product, '12.5')}/entitlements/${serial}`)).body;
    for (const serial of current.serials)
      expect(await entitlement(serial)).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA', gaDate: ga });
    expect(await entitlement(lapsed.serials[0]!)).toMatchObject({
      entitled: false,
      rule: 'LAPSED_BEFORE_GA',
    });
    const emails = await upgradeEmails(current.to);
    expect(emails).toHaveLength(1); // two serials, one email
    for (const serial of current.serials) expect(emails[0]!.body.text).toContain(serial);
    expect(await upgradeEmails(lapsed.to)).toEqual([]);
    // Decided: out of the due-date index, so the daily reconciler leaves it.
    const release = (await stack.items()).find((i) => i.type?.S === 'Release' && i.product?.S === product);
    expect(release?.status?.S).toBe('DECIDED');
    expect(release).not.toHaveProperty('GSI2PK');

    // Started again (the schedule retried, or the reconciler): the plan finds it decided.
    const again = await run(stack, 'UpgradeDecisions', gaRun.input);
    expect(again.status).toBe('SUCCEEDED');
    expect(pathOf(again)).toEqual(['PlanRun', 'IsCurrent', 'NothingToDo']);
    expect(again.result).toMatchObject({ current: false, reason: expect.stringContaining('decided') });
    expect(await upgradeEmails(current.to)).toHaveLength(1);
  });

  it('stops at the plan for a GA date since moved', async () => {
    const product = 'Moved Suite';
    const T = today();
    const { to } = await registerVersions(stack, product, ['7.0'], {
      start: addDays(T, -30),
      end: addDays(T, 300),
    });
    expect((await stack.put(releasePath(product, '8.0'), { gaDate: addDays(T, 10) })).status).toBe(201);
    const stale = await run(stack, 'UpgradeDecisions', { product, version: '8.0', gaDate: addDays(T, 9) });
    expect(stale.status).toBe('SUCCEEDED');
    expect(pathOf(stale)).toEqual(['PlanRun', 'IsCurrent', 'NothingToDo']);
    expect(stale.result).toMatchObject({ current: false, reason: expect.stringContaining('GA moved') });
    expect(await upgradeEmails(to)).toEqual([]);
  });
});
