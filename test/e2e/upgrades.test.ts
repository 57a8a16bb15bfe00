/**
 * Upgrade entitlement on the local stack: a release announced with a GA date, the GA run
 * (statemachines/upgrade-decisions.asl.json, the same file and handlers as on AWS) fired by
 * its one-time schedule as the clock passes the date, decisions kept as records, one
 * email per entitled contact. One stack per file; dates are relative to its clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { gaScheduleName } from '../../functions/core/upgrades.ts';
import { clockOf, unchanged } from '../support/clock.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

let products = 0;
const newProduct = () => `Upgrade Suite ${++products}`;
const releasePath = (product: string, version: string) =>
  `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`;
const entitlement = (product: string, version: string, serial: string) =>
  stack.get(`${releasePath(product, version)}/entitlements/${serial}`);

type Registered = Awaited<ReturnType<typeof registered>>;
/** One certificate with one serial per version, over [start, end]; the contact's language. */
const registered = (
  product: string,
  versions: string[],
  term: { start: string; end: string },
  language = 'en',
) => registerVersions(stack, product, versions, term, language);

/** A renewal by certificate of `original`'s serials, for `term`. */
async function renewed(original: Registered, term: { start: string; end: string }) {
  const n = original.body.certificateNumber;
  const renewal = { ...original.body, certificateNumber: `${n.slice(0, 9)}9${n.slice(10)}`, term };
  const res = await stack.post('/registrations', renewal);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
}

const upgradeEmails = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /is available: your upgrade|est disponible|доступен/.test(e.subject),
  );

describe('a release decided on its GA date', () => {
  it('entitles the serials current on GA and established before it; tells each entitled contact once', async () => {
    const product = newProduct();
    const T = today();
    const ga = addDays(T, 10);
    // Current on GA, begun before it: an earlier major and an earlier minor of the same major.
    const current = await registered(
      product,
      ['11.0', '12.0 MP 2'],
      { start: addDays(T, -30), end: addDays(T, 300) },
      'fr',
    );
    const lapsed = await registered(product, ['12.0'], { start: addDays(T, -300), end: addDays(T, 5) });
    const startsOnGa = await registered(product, ['12.0'], { start: ga, end: addDays(ga, 365) });
    const endsOnGa = await registered(product, ['12.1'], { start: addDays(T, -355), end: ga });
    const onRelease = await registered(product, ['12.5'], { start: addDays(T, -30), end: addDays(T, 300) });

    const res = await stack.put(releasePath(product, '12.5'), { gaDate: ga });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ product, version: '12.5', gaDate: ga, status: 'SCHEDULED' });
    const pending = stack.scheduler.list().filter((s) => s.Name === gaScheduleName(product, '12.5'));
    expect(pending.map((s) => dayOf(s.at))).toEqual([ga]);

    // Before GA: nothing decided, nobody told.
    const early = await entitlement(product, '12.5', current.serials[0]!);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ entitled: false, decided: false });
    expect(early.body.reasons[0]).toContain(`generally available on ${ga}`);
    await moveTo(addDays(ga, -1));
    expect(await upgradeEmails(current.to)).toHaveLength(0);

    await moveTo(ga);
    const answers = async (r: Registered) =>
      Promise.all(r.serials.map(async (s) => (await entitlement(product, '12.5', s)).body));
    for (const a of await answers(current)) {
      expect(a).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA', gaDate: ga });
      expect(a.reasons[0]).toContain(current.body.certificateNumber);
      expect(a.reasons[0]).toContain(ga);
      expect(a.termsConsidered).toHaveLength(1);
    }
    expect((await answers(endsOnGa))[0]).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA' });
    expect((await answers(lapsed))[0]).toMatchObject({ entitled: false, rule: 'LAPSED_BEFORE_GA' });
    expect((await answers(lapsed))[0].reasons.join(' ')).toContain(`lapsed on ${addDays(T, 5)}`);
    expect((await answers(startsOnGa))[0]).toMatchObject({ entitled: false, rule: 'STARTED_ON_OR_AFTER_GA' });
    const already = (await answers(onRelease))[0];
    expect(already).toMatchObject({ entitled: false, rule: 'ALREADY_ON_RELEASE' });

    // One email to the entitled contact, listing both serials, in French, with the links.
    const emails = await upgradeEmails(current.to);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toBe(`${product} 12.5 est disponible : votre mise à niveau est incluse`);
    for (const serial of current.serials) {
      expect(emails[0]!.body.text).toContain(serial);
      expect(emails[0]!.body.html).toContain(serial);
    }
    expect(emails[0]!.body.text).toContain('https://licensing.vendor.example');
    expect(emails[0]!.body.text).toContain('https://downloads.vendor.example');
    expect(await upgradeEmails(endsOnGa.to)).toHaveLength(1);
    for (const r of [lapsed, startsOnGa, onRelease]) expect(await upgradeEmails(r.to)).toHaveLength(0);
    // Decisions are records: one per serial on an earlier version, none for the serial on 12.5.
    const decisions = (await stack.items()).filter(
      (i) => i.type?.S === 'UpgradeDecision' && i.product?.S === product,
    );
    expect(decisions).toHaveLength(5);
    const release = (await stack.items()).find((i) => i.type?.S === 'Release' && i.product?.S === product)!;
    expect(release.status.S).toBe('DECIDED');
    expect(release.GSI2PK).toBeUndefined();
  });

  it('never grants retroactively: a lapse over GA, a renewal gap, a back-dated renewal, a serial registered after', async () => {
    const product = newProduct();
    const T = today();
    const ga = addDays(T, 10);
    const gap = await registered(product, ['3.0'], { start: addDays(T, -300), end: addDays(T, 5) });
    const backDated = await registered(product, ['3.0'], { start: addDays(T, -300), end: addDays(T, 5) });
    expect((await stack.put(releasePath(product, '4.0'), { gaDate: ga })).status).toBe(201);
    await moveTo(addDays(ga, 5));
    // Renewed after GA: one from after the gap, one back-dated to cover the GA date.
    await renewed(gap, { start: addDays(ga, 3), end: addDays(ga, 368) });
    await renewed(backDated, { start: addDays(T, 6), end: addDays(T, 371) });
    // A first purchase, begun before GA but registered after it: established before GA, so entitled.
    const late = await registered(product, ['3.5'], { start: addDays(T, -10), end: addDays(T, 355) });

    const a = (await entitlement(product, '4.0', gap.serials[0]!)).body;
    expect(a).toMatchObject({ entitled: false, rule: 'LAPSED_BEFORE_GA' }); // the record taken on GA
    expect(a.termsConsidered).toHaveLength(1);
    const b = (await entitlement(product, '4.0', backDated.serials[0]!)).body;
    expect(b).toMatchObject({ entitled: false, rule: 'LAPSED_BEFORE_GA' });
    const c = (await entitlement(product, '4.0', late.serials[0]!)).body;
    expect(c).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA' });
    // Registered after the GA run: decided at registration and told once (issue 9: owed upgrade notices).
    expect(c.reasons.join(' ')).not.toMatch(/Decided on request/);
    for (const r of [gap, backDated]) expect(await upgradeEmails(r.to)).toHaveLength(0);
    expect(await upgradeEmails(late.to)).toHaveLength(1);
  });

  it('the GA run: established before the announcement day, continuous since the first registration', async () => {
    const product = newProduct();
    const T = today();
    const ga = addDays(T, 10);
    const kept = await registered(product, ['5.0'], { start: addDays(T, -300), end: addDays(T, 5) });
    // Renewed in time, the renewal starting after the announcement: the contract is the one kept since.
    await renewed(kept, { start: addDays(T, 6), end: addDays(T, 371) });
    const gap = await registered(product, ['5.0'], { start: addDays(T, -400), end: addDays(T, -60) });
    await renewed(gap, { start: addDays(T, -30), end: addDays(T, 335) });
    expect((await stack.put(releasePath(product, '6.0'), { gaDate: ga })).status).toBe(201);
    await moveTo(addDays(T, 2));
    const bought = await registered(product, ['5.0'], { start: addDays(T, 2), end: addDays(T, 367) });
    await moveTo(ga);

    const answer = async (r: Registered) => (await entitlement(product, '6.0', r.serials[0]!)).body;
    const reference = `Reference date ${T}: the day ${product} 6.0 was first announced, before its GA date ${ga}; the contract had to be established before it.`;
    const k = await answer(kept);
    expect(k).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA', termsConsidered: [{}, {}] });
    expect(k.reasons).toContain(reference);
    expect(k.reasons.join(' ')).toContain(
      `Coverage was continuous since its first registration (the term ${addDays(T, -300)}`,
    );
    const g = await answer(gap);
    expect(g).toMatchObject({ entitled: false, rule: 'GAP_BEFORE_GA' });
    expect(g.reasons).toContain(reference);
    expect(g.reasons.join(' ')).toContain('Coverage was not continuous since its first registration');
    const b = await answer(bought);
    expect(b).toMatchObject({ entitled: false, rule: 'STARTED_AFTER_ANNOUNCEMENT' });
    expect(b.reasons).toContain(reference);
    expect(await upgradeEmails(kept.to)).toHaveLength(1);
    for (const r of [gap, bought]) expect(await upgradeEmails(r.to)).toHaveLength(0);
  });

  it('a GA date in the past is decided at once; a re-run decides and sends nothing again', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['7.0'], { start: addDays(T, -400), end: addDays(T, 300) });
    // Begun after GA: announced after the fact, the GA date is the reference.
    const afterGa = await registered(product, ['7.0'], { start: addDays(T, -10), end: addDays(T, 300) });
    const res = await stack.put(releasePath(product, '7.0 MP 1'), { gaDate: addDays(T, -20) });
    expect(res.status).toBe(201);
    expect(res.body.announcedOn).toBe(T);
    await settle();
    const answer = (await entitlement(product, '7.0 MP 1', customer.serials[0]!)).body;
    expect(answer).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA' });
    expect(answer.reasons).toContain(
      `Reference date ${addDays(T, -20)}, the GA date: ${product} 7.0 MP 1 was announced on ${T}, on or after its GA date (after the fact), so the contract had to be established before the GA date.`,
    );
    expect((await entitlement(product, '7.0 MP 1', afterGa.serials[0]!)).body).toMatchObject({
      entitled: false,
      rule: 'STARTED_ON_OR_AFTER_GA',
    });
    expect(await upgradeEmails(customer.to)).toHaveLength(1);
    expect(stack.scheduler.list().filter((s) => s.Name === gaScheduleName(product, '7.0 MP 1'))).toEqual([]);

    // The same announcement again, and the GA run started again: nothing changes.
    await unchanged(stack, async () => {
      expect((await stack.put(releasePath(product, '7.0 MP 1'), { gaDate: addDays(T, -20) })).status).toBe(
        200,
      );
      const run = stack.stepFunctions.list('UpgradeDecisions').at(-1)!;
      stack.stepFunctions.start(run.stateMachineArn, run.input);
    });
    expect(await upgradeEmails(customer.to)).toHaveLength(1);
  });

  it('a reschedule before GA moves the schedule; the reconciler runs a missed GA', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['1.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    expect((await stack.put(releasePath(product, '2.0'), { gaDate: addDays(T, 5) })).status).toBe(201);
    const moved = await stack.put(releasePath(product, '2.0'), { gaDate: addDays(T, 8) });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ gaDate: addDays(T, 8), revision: 2 });
    const pending = stack.scheduler.list().filter((s) => s.Name === gaScheduleName(product, '2.0'));
    expect(pending.map((s) => dayOf(s.at))).toEqual([addDays(T, 8)]);

    // A retry of the announcement after a failed attempt puts its schedule back.
    stack.scheduler.delete(gaScheduleName(product, '2.0'));
    expect((await stack.put(releasePath(product, '2.0'), { gaDate: addDays(T, 8) })).status).toBe(200);
    expect(stack.scheduler.list().filter((s) => s.Name === gaScheduleName(product, '2.0'))).toHaveLength(1);

    await moveTo(addDays(T, 6));
    expect((await entitlement(product, '2.0', customer.serials[0]!)).body.decided).toBe(false);
    // The schedule is lost; the daily reconciler runs the GA day anyway.
    expect(stack.scheduler.delete(gaScheduleName(product, '2.0'))).toBe(true);
    const ran = await moveTo(addDays(T, 8));
    const reconciled = ran.ran
      .filter((r: any) => r.job === 'schedule-reconciler')
      .flatMap((r: any) => r.result.started);
    expect(reconciled.some((name: string) => name.startsWith('ga-'))).toBe(true);
    expect((await entitlement(product, '2.0', customer.serials[0]!)).body).toMatchObject({ entitled: true });
    expect(await upgradeEmails(customer.to)).toHaveLength(1);

    // Once GA has come, the date cannot move.
    await unchanged(stack, async () => {
      const res = await stack.put(releasePath(product, '2.0'), { gaDate: addDays(T, 30) });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});

describe('bad input', () => {
  it('is refused with problem+json and changes nothing', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['5.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const cases: Array<[string, string, unknown, number]> = [
      ['version', releasePath(product, 'five'), { gaDate: addDays(T, 10) }, 400],
      ['version with MP typo', releasePath(product, '5.0 SP 1'), { gaDate: addDays(T, 10) }, 400],
      ['impossible date', releasePath(product, '6.0'), { gaDate: '2027-02-29' }, 400],
      ['unknown field', releasePath(product, '6.0'), { gaDate: addDays(T, 10), eolDate: T }, 400],
      ['no GA date', releasePath(product, '6.0'), {}, 400],
      ['malformed JSON', releasePath(product, '6.0'), '{"gaDate":', 400],
      ['unknown product', releasePath(newProduct(), '6.0'), { gaDate: addDays(T, 10) }, 404],
    ];
    for (const [label, path, body, status] of cases)
      await unchanged(stack, async () => {
        const res = await stack.put(path, body);
        expect(res.status, label).toBe(status);
        expect(res.headers.get('content-type'), label).toContain('application/problem+json');
      });
    expect((await stack.put(releasePath(product, '6.0'), { gaDate: addDays(T, 10) })).status).toBe(201);
    const reads: Array<[string, string, number]> = [
      ['unknown release', `${releasePath(product, '9.0')}/entitlements/${customer.serials[0]}`, 404],
      ['unknown serial', `${releasePath(product, '6.0')}/entitlements/M0000000001`, 404],
      ['malformed serial', `${releasePath(product, '6.0')}/entitlements/12345`, 400],
    ];
    for (const [label, path, status] of reads) {
      const res = await stack.get(path);
      expect(res.status, label).toBe(status);
      expect(res.headers.get('content-type'), label).toContain('application/problem+json');
    }
    const other = await registered(newProduct(), ['5.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    expect((await entitlement(product, '6.0', other.serials[0]!)).status).toBe(404);
  });
});
