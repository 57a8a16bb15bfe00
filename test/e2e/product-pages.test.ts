/**
 * The product pages' reads on the local stack: the public lifecycle of every major (JSON,
 * picture, calendar feed) and the product manager's overview. One product with three majors:
 * 12 (released, scheduled), 13 (13.0 released, 13.4 announced for later, scheduled), 14
 * (announced, not scheduled yet); and decisions taken by the GA run and after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/calendar.ts';
import { milestoneUid } from '../../functions/core/lifecycle-calendar.ts';
import { clockOf } from '../support/clock.ts';
import { parseCalendar } from '../support/icalendar.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const { today, settle } = clockOf(() => stack);
const product = 'Product Pages Suite';
const at = (suffix: string, name = product) => `/products/${encodeURIComponent(name)}${suffix}`;
const unknown = 'No Such Product';
let day: (offset: number) => string;
let twelve: { eolDate: string; partialSupportDate: string; endOfSupportDate: string };
let thirteen: typeof twelve;

beforeAll(async () => {
  stack = await startTestStack();
  day = (offset: number) => addDays(today(), offset);
  // A contract from a month ago: its 12.0 serial is entitled to 13.0 (GA ten days ago).
  await registerVersions(stack, product, ['12.0', '13.0'], { start: day(-30), end: day(700) });
  const release = (version: string, gaDate: string) =>
    stack.put(at(`/releases/${version}`), { gaDate }).then((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    });
  await release('12.0', day(-20));
  await release('13.0', day(-10));
  await settle();
  // A contract started after 13.0's GA date: decided not entitled when registered (a late decision).
  await registerVersions(stack, product, ['12.0'], { start: day(-5), end: day(700) });
  await release('13.4', day(40));
  await release('14.0', day(100));
  twelve = { eolDate: day(30), partialSupportDate: day(60), endOfSupportDate: day(90) };
  thirteen = { eolDate: day(200), partialSupportDate: day(300), endOfSupportDate: day(400) };
  expect((await stack.put(at('/majors/12/lifecycle'), twelve)).status).toBe(201);
  expect((await stack.put(at('/majors/13/lifecycle'), thirteen)).status).toBe(201);
  await settle();
}, 120_000);
afterAll(() => stack?.stop());

describe('GET /products/{product}/lifecycle (public)', () => {
  it("answers every major in order with its own general availability, milestones and today's phase", async () => {
    const res = await stack.anonymous.get(at('/lifecycle'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toMatchObject({ product, asOf: today() });
    expect(res.body.majors).toEqual([
      { major: 12, gaDate: day(-20), ...twelve, phase: 'GA', legacy: false },
      // 13's general availability is 13.0's, not that of 13.4 (announced for later).
      { major: 13, gaDate: day(-10), ...thirteen, phase: 'GA', legacy: false },
      // Announced, not scheduled: no milestone yet.
      {
        major: 14,
        gaDate: day(100),
        eolDate: null,
        partialSupportDate: null,
        endOfSupportDate: null,
        phase: 'GA',
        legacy: false,
      },
    ]);
    // Public: nobody who scheduled anything is named.
    expect(JSON.stringify(res.body)).not.toContain('test-product-manager');
  });

  it('is 404 problem+json for a product with no lifecycle and no release', async () => {
    for (const suffix of ['/lifecycle', '/lifecycle.svg', '/lifecycle.ics']) {
      const res = await stack.anonymous.get(at(suffix, unknown));
      expect(res.status, suffix).toBe(404);
      expect(res.headers.get('content-type'), suffix).toBe('application/problem+json');
      expect(res.body.detail, suffix).toContain(unknown);
    }
  });
});

describe('revalidation of the public reads: ETag and 304', () => {
  it('asks caches to revalidate, answers 304 to the current tag and 200 with a new one after a change', async () => {
    const suffixes = ['/lifecycle', '/lifecycle.svg', '/lifecycle.ics'];
    const tags = new Map<string, string>();
    for (const suffix of suffixes) {
      const first = await stack.anonymous.get(at(suffix));
      expect(first.status, suffix).toBe(200);
      expect(first.headers.get('cache-control'), suffix).toBe('public, max-age=0, must-revalidate');
      const etag = first.headers.get('etag')!;
      expect(etag, suffix).toMatch(/^"[\w-]+"$/); // strong: no W/
      // The same bytes again, the same tag.
      expect((await stack.anonymous.get(at(suffix))).headers.get('etag'), suffix).toBe(etag);
      const again = await fetch(`${stack.apiUrl}${at(suffix)}`, { headers: { 'if-none-match': etag } });
      expect(again.status, suffix).toBe(304);
      expect(await again.text(), suffix).toBe('');
      expect(again.headers.get('etag'), suffix).toBe(etag);
      const other = await stack.anonymous.get(at(suffix), { 'if-none-match': '"something-else"' });
      expect(other.status, suffix).toBe(200);
      tags.set(suffix, etag);
    }
    // A product manager reschedules 13: every public read changes at once, nothing is served stale.
    thirteen = { ...thirteen, endOfSupportDate: day(420) };
    expect((await stack.put(at('/majors/13/lifecycle'), thirteen)).status).toBe(200);
    for (const suffix of suffixes) {
      const res = await fetch(`${stack.apiUrl}${at(suffix)}`, {
        headers: { 'if-none-match': tags.get(suffix)! },
      });
      expect(res.status, suffix).toBe(200);
      expect(res.headers.get('etag'), suffix).not.toBe(tags.get(suffix));
      const shown = suffix === '/lifecycle.ics' ? day(420).replace(/-/g, '') : day(420);
      expect(await res.text(), suffix).toContain(shown);
    }
  });
});

describe('GET /products/{product}/lifecycle.ics (public)', () => {
  it('is a calendar with one all-day event per scheduled milestone, each with a UID that survives a reschedule', async () => {
    const first = await fetch(`${stack.apiUrl}${at('/lifecycle.ics')}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await first.text();
    const { lines, calendar, events } = parseCalendar(text);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(calendar.VERSION).toBe('2.0');
    expect(calendar.METHOD).toBe('PUBLISH');
    // 12: GA + 3 milestones; 13: GA + 3; 14: GA only.
    expect(events).toHaveLength(9);
    const compact = (d: string) => d.replace(/-/g, '');
    const byUid = new Map(events.map((e) => [e.props.UID!, e.props]));
    const expected: Array<[number, 'GA' | 'EOL' | 'PARTIAL_SUPPORT' | 'END_OF_SUPPORT', string]> = [
      [12, 'GA', day(-20)],
      [12, 'EOL', twelve.eolDate],
      [12, 'PARTIAL_SUPPORT', twelve.partialSupportDate],
      [12, 'END_OF_SUPPORT', twelve.endOfSupportDate],
      [13, 'GA', day(-10)],
      [13, 'EOL', thirteen.eolDate],
      [13, 'PARTIAL_SUPPORT', thirteen.partialSupportDate],
      [13, 'END_OF_SUPPORT', thirteen.endOfSupportDate],
      [14, 'GA', day(100)],
    ];
    for (const [major, milestone, date] of expected) {
      const event = byUid.get(milestoneUid(product, major, milestone));
      expect(event, `${major} ${milestone}`).toBeDefined();
      expect(event!['DTSTART;VALUE=DATE'], `${major} ${milestone}`).toBe(compact(date));
      expect(event!['DTEND;VALUE=DATE'], `${major} ${milestone}`).toBe(compact(addDays(date, 1)));
      expect(event!.SUMMARY).toContain(`${product} ${major}`);
    }
    // Fetched again: the same UIDs (a subscriber's calendar updates, nothing doubles).
    const again = parseCalendar(await (await fetch(`${stack.apiUrl}${at('/lifecycle.ics')}`)).text());
    expect(again.events.map((e) => e.props.UID).sort()).toEqual([...byUid.keys()].sort());

    // Rescheduled: the same event, on its new date, with a higher SEQUENCE.
    const eol13 = milestoneUid(product, 13, 'EOL');
    const before = Number(byUid.get(eol13)!.SEQUENCE);
    thirteen = { ...thirteen, eolDate: day(210) };
    expect((await stack.put(at('/majors/13/lifecycle'), thirteen)).status).toBe(200);
    const after = parseCalendar(await (await fetch(`${stack.apiUrl}${at('/lifecycle.ics')}`)).text());
    expect(after.events).toHaveLength(9);
    const moved = after.events.find((e) => e.props.UID === eol13)!.props;
    expect(moved['DTSTART;VALUE=DATE']).toBe(compact(day(210)));
    expect(Number(moved.SEQUENCE)).toBeGreaterThan(before);
  });
});

describe('GET /products/{product}/lifecycle.svg (public)', () => {
  it("starts each major's bar at its own general availability, the earliest release's", async () => {
    const res = await fetch(`${stack.apiUrl}${at('/lifecycle.svg')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await res.text();
    expect(svg).toContain(`general availability ${day(-10)}, standard support until ${thirteen.eolDate}`);
    expect(svg).toContain(`general availability ${day(-20)}, standard support until ${twelve.eolDate}`);
    expect(svg).not.toContain(`general availability ${day(40)}`);
  });

  it('draws a known product with nothing scheduled yet, and refuses an unknown one (404)', async () => {
    const announced = 'Product Pages Announced Only';
    await registerVersions(stack, announced, ['1.0'], { start: day(-30), end: day(700) });
    expect((await stack.put(at('/releases/2.0', announced), { gaDate: day(10) })).status).toBe(201);
    const known = await fetch(`${stack.apiUrl}${at('/lifecycle.svg', announced)}`);
    expect(known.status).toBe(200);
    expect(await known.text()).toContain('No end of life is scheduled');
    const res = await fetch(`${stack.apiUrl}${at('/lifecycle.svg', unknown)}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('standard support');
  });
});

describe('GET /products/{product}/overview (product managers)', () => {
  it('answers the majors with their history and who made each change, and the releases with their decisions', async () => {
    const res = await stack.as('product-manager', 'paula').get(at('/overview'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.product).toBe(product);
    expect(res.body.majors.map((m: any) => [m.major, m.gaDate, m.eolDate])).toEqual([
      [12, day(-20), twelve.eolDate],
      [13, day(-10), thirteen.eolDate],
      [14, day(100), null],
    ]);
    const [m12, m13, m14] = res.body.majors;
    expect(m12.history).toEqual([
      {
        at: expect.any(String),
        event: 'SCHEDULED',
        actor: { subject: 'test-product-manager', role: 'product-manager' },
        dates: twelve,
      },
    ]);
    expect(m13.history.map((h: any) => h.event)).toEqual(['SCHEDULED', 'RESCHEDULED', 'RESCHEDULED']);
    expect(m13.history.at(-1).dates).toEqual(thirteen);
    expect(m14.history).toEqual([]);

    const releases = Object.fromEntries(res.body.releases.map((r: any) => [r.version, r]));
    expect(res.body.releases.map((r: any) => r.version)).toEqual(['12.0', '13.0', '13.4', '14.0']);
    // 13.0: the first contract's 12.0 serial entitled on the GA date; the later one's not (decided when registered).
    expect(releases['13.0']).toMatchObject({
      major: 13,
      gaDate: day(-10),
      status: 'DECIDED',
      decisions: { entitled: 1, notEntitled: 1 },
      announcedBy: { subject: 'test-product-manager', role: 'product-manager' },
      updatedBy: { subject: 'test-product-manager', role: 'product-manager' },
    });
    // 12.0: decided, no serial on an earlier version.
    expect(releases['12.0']).toMatchObject({ status: 'DECIDED', decisions: { entitled: 0, notEntitled: 0 } });
    // GA still to come: nothing decided, nothing counted.
    expect(releases['13.4']).toMatchObject({ status: 'SCHEDULED', decisions: null });
    expect(releases['14.0']).toMatchObject({ status: 'SCHEDULED', decisions: null });
  });

  it('is 404 for an unknown product', async () => {
    const res = await stack.as('product-manager').get(at('/overview', unknown));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
