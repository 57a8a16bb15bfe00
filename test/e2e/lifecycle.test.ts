/**
 * Version lifecycle on the local stack: a product manager schedules end of life, the
 * one-time schedules fire as the clock passes their dates (the same ASL file and handler
 * code as on AWS), the daily reconciler applies a missed one, and customers are told once.
 * One stack per file; the clock only moves forward, so dates are relative to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { milestoneExecutionName, milestoneScheduleName } from '../../functions/core/lifecycle.ts';
import { readableDate } from '../../functions/core/wording.ts';
import { clockOf, unchanged } from '../support/clock.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

let products = 0;
/** A product of its own per test, so impacts and schedules do not mix. */
const newProduct = () => `Lifecycle Suite ${++products}`;
const path = (product: string, major: number | string) =>
  `/products/${encodeURIComponent(product)}/majors/${major}/lifecycle`;

/** A registration of `versions` of `product`, term covering the next two years. */
const registered = (product: string, versions: string[], language = 'en') =>
  registerVersions(
    stack,
    product,
    versions,
    { start: addDays(today(), -30), end: addDays(today(), 700) },
    language,
  );

const schedule = (eol: number, partial: number, end: number) => ({
  eolDate: addDays(today(), eol),
  partialSupportDate: addDays(today(), partial),
  endOfSupportDate: addDays(today(), end),
});

const lifecycleEmails = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /end-of-life schedule|: End of life|: Partial support|: End of support|calendrier de fin de vie|график/.test(
      e.subject,
    ),
  );

const pendingSchedules = (product: string) =>
  stack.scheduler
    .list()
    .filter((s) => JSON.parse(s.Target.Input).Input.includes(`"product":${JSON.stringify(product)}`));

describe('PUT /products/{product}/majors/{major}/lifecycle', () => {
  it('schedules each milestone, answers the impact and tells each contact once, in their language', async () => {
    const product = newProduct();
    // One contact with a major, a minor and a maintenance pack of 12; another on 11 only.
    const concerned = await registered(product, ['12.0', '12.5', '12.0 MP 1'], 'fr');
    const other = await registered(product, ['11.0']);
    const dates = schedule(30, 60, 90);
    const res = await stack.put(path(product, 12), dates);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ product, major: 12, phase: 'GA', ...dates, legacy: false });
    expect(res.body.impact).toEqual({ serials: 3, contacts: 1, certificates: 1 });
    await settle();

    // One one-time schedule per milestone, at its date, starting the transition by name.
    const pending = pendingSchedules(product);
    expect(pending.map((s) => s.Name).sort()).toEqual(
      (['EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT'] as const)
        .map((p) => milestoneScheduleName(product, 12, p))
        .sort(),
    );
    expect(pending.map((s) => dayOf(s.at))).toEqual([
      dates.eolDate,
      dates.partialSupportDate,
      dates.endOfSupportDate,
    ]);
    for (const s of pending) expect(JSON.parse(s.Target.Input).Name).toMatch(/^lc-/);

    const emails = await lifecycleEmails(concerned.to);
    expect(emails).toHaveLength(1); // three serials, one email
    expect(emails[0]!.subject).toBe(`${product} 12 : calendrier de fin de vie`);
    for (const date of Object.values(dates)) {
      expect(emails[0]!.body.text).toContain(readableDate(date, 'fr'));
      expect(emails[0]!.body.html).toContain(readableDate(date, 'fr'));
    }
    expect(await lifecycleEmails(other.to)).toHaveLength(0);

    // The same schedule again (a client's retry): 200, nothing stored, scheduled or sent again.
    await unchanged(stack, async () => {
      const again = await stack.put(path(product, 12), dates);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ revision: 1, ...dates });
    });

    const got = await stack.get(path(product, 12));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ phase: 'GA', ...dates });
    expect(got.body.history.map((h: any) => h.event)).toEqual(['SCHEDULED']);
  });

  it('a retry after a failed attempt puts back the schedules it did not create, and tells nobody twice', async () => {
    const product = newProduct();
    const { to } = await registered(product, ['10.0']);
    const dates = schedule(20, 40, 60);
    expect((await stack.put(path(product, 10), dates)).status).toBe(201);
    await settle();
    // As if the first attempt had stored the schedule and then failed before Scheduler answered.
    for (const s of pendingSchedules(product)) stack.scheduler.delete(s.Name);
    expect(pendingSchedules(product)).toEqual([]);
    const retry = await stack.put(path(product, 10), dates);
    expect(retry.status).toBe(200);
    await settle();
    expect(pendingSchedules(product).map((s) => dayOf(s.at))).toEqual([
      dates.eolDate,
      dates.partialSupportDate,
      dates.endOfSupportDate,
    ]);
    expect(await lifecycleEmails(to)).toHaveLength(1);
    expect((await stack.get(path(product, 10))).body.history.map((h: any) => h.event)).toEqual(['SCHEDULED']);
  });

  it('?dryRun=true answers the impact and changes nothing', async () => {
    const product = newProduct();
    await registered(product, ['9.0', '9.1']);
    await registered(product, ['9.0 MP 2']);
    await unchanged(stack, async () => {
      const res = await stack.put(`${path(product, 9)}?dryRun=true`, schedule(10, 20, 30));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: true, product, major: 9, phase: 'GA' });
      expect(res.body.impact).toEqual({ serials: 3, contacts: 2, certificates: 2 });
    });
    expect((await stack.get(path(product, 9))).status).toBe(404);
  });

  it('refuses bad input with problem+json, storing, scheduling and sending nothing', async () => {
    const product = newProduct();
    await registered(product, ['5.0']);
    const cases: Array<[string, unknown, number, string?]> = [
      ['out of order: partial before EOL', schedule(20, 10, 30), 422, 'partialSupportDate'],
      ['out of order: end before partial', schedule(10, 30, 20), 422, 'endOfSupportDate'],
      ['impossible date', { ...schedule(10, 20, 30), eolDate: '2027-02-30' }, 400, 'eolDate'],
      [
        'missing milestone',
        { eolDate: addDays(today(), 10), partialSupportDate: addDays(today(), 20) },
        400,
        'endOfSupportDate',
      ],
      ['unknown field', { ...schedule(10, 20, 30), gaDate: today() }, 400],
      ['not a date', { ...schedule(10, 20, 30), endOfSupportDate: 'soon' }, 400, 'endOfSupportDate'],
      ['malformed JSON', '{"eolDate": ', 400],
    ];
    for (const [label, body, status, field] of cases)
      await unchanged(stack, async () => {
        const res = await stack.put(path(product, 5), body);
        expect(res.status, label).toBe(status);
        expect(res.headers.get('content-type'), label).toContain('application/problem+json');
        if (field) expect(JSON.stringify(res.body.errors), label).toContain(field);
      });
    await unchanged(stack, async () => {
      const res = await stack.put(path(product, 'twelve'), schedule(10, 20, 30));
      expect(res.status).toBe(400);
    });
    await unchanged(stack, async () => {
      const res = await stack.put(path(newProduct(), 5), schedule(10, 20, 30));
      expect(res.status).toBe(404); // no registered serial: nobody to tell
      expect(res.body.detail).toMatch(/no serial/);
    });
    expect((await stack.get(path(product, 5))).status).toBe(404);
  });

  it('refuses an end of life before the major’s general availability (422)', async () => {
    const product = newProduct();
    await registered(product, ['13.0 MP 1']);
    const ga = addDays(today(), 40);
    expect(
      (await stack.put(`/products/${encodeURIComponent(product)}/releases/13.0`, { gaDate: ga })).status,
    ).toBe(201);
    await unchanged(stack, async () => {
      const res = await stack.put(path(product, 13), schedule(30, 60, 90));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'eolDate' })]);
      expect(res.body.errors[0].message).toContain(ga);
    });
    expect((await stack.put(path(product, 13), schedule(40, 60, 90))).status).toBe(201);
  });
});

describe('a major moving through end of life on the clock', () => {
  it('moves on each date, one notice per milestone, and entitlements follow the phase', async () => {
    const product = newProduct();
    const { contactId, to } = await registered(product, ['7.0', '7.2 MP 1']);
    const dates = schedule(3, 6, 9);
    expect((await stack.put(path(product, 7), dates)).status).toBe(201);
    await settle();
    const phase = async () => (await stack.get(path(product, 7))).body.phase;
    const supportPhases = async () => {
      const res = await stack.get(`/entitlements/${contactId}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    const steps = [
      { day: dates.eolDate, phase: 'EOL', support: 'STANDARD', words: 'End of life' },
      {
        day: dates.partialSupportDate,
        phase: 'PARTIAL_SUPPORT',
        support: 'PARTIAL',
        words: 'Partial support',
      },
      { day: dates.endOfSupportDate, phase: 'END_OF_SUPPORT', support: 'NONE', words: 'End of support' },
    ];
    let expected = 1; // the schedule notice
    for (const step of steps) {
      await moveTo(addDays(step.day, -1));
      expect(await phase()).not.toBe(step.phase);
      expect(await lifecycleEmails(to)).toHaveLength(expected);
      await moveTo(step.day);
      expect(await phase()).toBe(step.phase);
      expect(await lifecycleEmails(to)).toHaveLength(++expected);
      expect((await lifecycleEmails(to)).at(-1)!.subject).toContain(step.words);
      const answer = await supportPhases();
      for (const p of answer.products) expect(p.supportPhase, p.version).toBe(step.support);
      expect(answer.reasons.join(' ')).toContain(step.day);
    }
    const answer = await supportPhases();
    expect(answer.reasons.join(' ')).toMatch(/end of support life/);
    expect(pendingSchedules(product)).toEqual([]); // each deleted after it ran
    const history = (await stack.get(path(product, 7))).body.history.map((h: any) => h.event);
    expect(history).toEqual(['SCHEDULED', 'EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT']);
  });

  it('a reschedule moves the pending schedules and tells the contacts; a passed milestone cannot move', async () => {
    const product = newProduct();
    const { to } = await registered(product, ['3.0']);
    const first = schedule(2, 40, 80);
    expect((await stack.put(path(product, 3), first)).status).toBe(201);
    await moveTo(first.eolDate);
    expect((await stack.get(path(product, 3))).body.phase).toBe('EOL');

    // Moving the passed EOL date: 409, nothing changed.
    await unchanged(stack, async () => {
      const res = await stack.put(path(product, 3), { ...first, eolDate: addDays(first.eolDate, 5) });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/eolDate .* has passed/);
    });
    // Moving a future milestone into the past: 409.
    await unchanged(stack, async () => {
      const res = await stack.put(path(product, 3), { ...first, partialSupportDate: first.eolDate });
      expect(res.status).toBe(409);
    });

    const second = {
      ...first,
      partialSupportDate: addDays(first.partialSupportDate, 10),
      endOfSupportDate: addDays(first.endOfSupportDate, 20),
    };
    const res = await stack.put(path(product, 3), second);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phase: 'EOL', revision: 2 });
    await settle();
    expect(pendingSchedules(product).map((s) => dayOf(s.at))).toEqual([
      second.partialSupportDate,
      second.endOfSupportDate,
    ]);
    const emails = await lifecycleEmails(to);
    expect(emails.map((e) => e.subject)).toEqual([
      `${product} 3: end-of-life schedule`,
      `${product} 3: End of life`,
      `${product} 3: end-of-life schedule`,
    ]);
    expect(emails.at(-1)!.body.text).toContain(readableDate(second.partialSupportDate, 'en'));

    // The old date passes without a move; the new one moves it.
    await moveTo(first.partialSupportDate);
    expect((await stack.get(path(product, 3))).body.phase).toBe('EOL');
    await moveTo(second.partialSupportDate);
    expect((await stack.get(path(product, 3))).body.phase).toBe('PARTIAL_SUPPORT');
    expect(await lifecycleEmails(to)).toHaveLength(4);
    const history = (await stack.get(path(product, 3))).body.history.map((h: any) => h.event);
    expect(history).toEqual(['SCHEDULED', 'EOL', 'RESCHEDULED', 'PARTIAL_SUPPORT']);
  });

  it('a repeated or late delivery changes nothing and sends nothing again', async () => {
    const product = newProduct();
    const { to } = await registered(product, ['4.0']);
    const dates = schedule(2, 4, 6);
    expect((await stack.put(path(product, 4), dates)).status).toBe(201);
    const eolSchedule = pendingSchedules(product).find((s) => s.Name.endsWith('-EOL'))!;
    const call = JSON.parse(eolSchedule.Target.Input) as { StateMachineArn: string; Input: string };
    await moveTo(dates.partialSupportDate);
    expect((await stack.get(path(product, 4))).body.phase).toBe('PARTIAL_SUPPORT');
    const before = { items: JSON.stringify(await stack.items()), emails: (await lifecycleEmails(to)).length };
    expect(before.emails).toBe(3);

    // The EOL milestone delivered again (a retry under another name) after partial support began.
    const late = stack.stepFunctions.start(call.StateMachineArn, call.Input);
    await settle();
    expect(late.status).toBe('SUCCEEDED');
    // And the partial-support one twice more.
    const partial = JSON.parse(call.Input) as Record<string, unknown>;
    for (let i = 0; i < 2; i++)
      stack.stepFunctions.start(
        call.StateMachineArn,
        JSON.stringify({ ...partial, event: 'PARTIAL_SUPPORT', date: dates.partialSupportDate }),
      );
    await settle();
    expect((await stack.get(path(product, 4))).body.phase).toBe('PARTIAL_SUPPORT');
    expect(JSON.stringify(await stack.items())).toBe(before.items);
    expect(await lifecycleEmails(to)).toHaveLength(before.emails);
  });

  it('the daily reconciler applies a milestone whose schedule was missed', async () => {
    const product = newProduct();
    const { to } = await registered(product, ['6.1']);
    const dates = schedule(2, 4, 6);
    expect((await stack.put(path(product, 6), dates)).status).toBe(201);
    // The EOL schedule is lost (deleted by hand, or dead-lettered after its retries).
    expect(stack.scheduler.delete(milestoneScheduleName(product, 6, 'EOL'))).toBe(true);
    const moved = await moveTo(dates.eolDate);
    expect((await stack.get(path(product, 6))).body.phase).toBe('EOL');
    const reconciled = moved.ran.find((r: any) => r.job === 'schedule-reconciler' && r.day === dates.eolDate);
    expect(reconciled.result.started).toHaveLength(1);
    expect((await lifecycleEmails(to)).map((e) => e.subject).at(-1)).toContain('End of life');
    // The next milestones still go by their schedules, and the reconciler starts nothing twice.
    const next = await moveTo(dates.partialSupportDate);
    expect((await stack.get(path(product, 6))).body.phase).toBe('PARTIAL_SUPPORT');
    const partialRun = milestoneExecutionName(product, 6, 'PARTIAL_SUPPORT', dates.partialSupportDate);
    const startedByReconciler = next.ran
      .filter((r: any) => r.job === 'schedule-reconciler')
      .flatMap((r: any) => r.result.started);
    expect(startedByReconciler).not.toContain(partialRun);
    expect(stack.stepFunctions.list('LifecycleTransition').filter((e) => e.name === partialRun)).toHaveLength(
      1,
    );
    expect(await lifecycleEmails(to)).toHaveLength(3);
  });
});

describe('legacy versions and the picture', () => {
  it('records a version that entered end of life before 6 November 2006 as legacy', async () => {
    const product = newProduct();
    const { contactId, to } = await registered(product, ['2.0']);
    const res = await stack.put(path(product, 2), {
      eolDate: '2005-03-01',
      partialSupportDate: '2006-03-01',
      endOfSupportDate: '2007-03-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ legacy: true, phase: 'END_OF_SUPPORT' });
    await settle();
    expect(pendingSchedules(product)).toEqual([]);
    const answer = (await stack.get(`/entitlements/${contactId}`)).body;
    expect(answer.products[0].supportPhase).toBe('PER_CONTRACT');
    expect(answer.entitled).toBe(true);
    expect(answer.reasons.join(' ')).toMatch(/before 2006-11-06; the end-of-life policy does not apply/);
    expect(answer.reasons.join(' ')).toContain('the terms of your support contract continue to apply');
    expect(await lifecycleEmails(to)).toHaveLength(0);
  });

  it('draws each major on a timeline with today marked', async () => {
    const product = newProduct();
    await registered(product, ['1.0', '8.0']);
    expect((await stack.put(path(product, 1), schedule(-1, 100, 400))).status).toBe(201);
    expect((await stack.put(path(product, 8), schedule(200, 500, 900))).status).toBe(201);
    const res = await fetch(`${stack.apiUrl}/products/${encodeURIComponent(product)}/lifecycle.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`${product} 1`);
    expect(svg).toContain(`${product} 8`);
    expect(svg).toContain(today());
    expect(svg).toContain(addDays(today(), 900));
  });
});
