/**
 * A product's lifecycle at a glance (core/product-lifecycle.ts), its calendar feed
 * (core/lifecycle-calendar.ts) and the revalidation of the public reads (http/revalidate.ts).
 */
import { describe, expect, it } from 'vitest';
import { NotFound } from '../../functions/core/errors.ts';
import type { MajorLifecycle } from '../../functions/core/lifecycle.ts';
import { lifecycleCalendar, milestoneUid } from '../../functions/core/lifecycle-calendar.ts';
import { lifecyclePicture } from '../../functions/core/lifecycle-picture.ts';
import { productMajors, requireKnownProduct } from '../../functions/core/product-lifecycle.ts';
import { majorGaDates } from '../../functions/core/upgrades.ts';
import type { HttpEvent } from '../../functions/http/http.ts';
import { noneMatch, REVALIDATE, revalidated, strongEtag } from '../../functions/http/revalidate.ts';
import { parseCalendar } from '../support/icalendar.ts';

const lifecycle = (major: number, over: Partial<MajorLifecycle> = {}): MajorLifecycle => ({
  product: 'Backup Exec',
  major,
  eolDate: '2027-03-01',
  partialSupportDate: '2028-03-01',
  endOfSupportDate: '2029-03-01',
  phase: 'GA',
  revision: 1,
  legacy: false,
  updatedAt: '2026-11-20T10:00:00.000Z',
  ...over,
});
const release = (version: string, gaDate: string, revision = 1) => ({
  version,
  gaDate,
  revision,
  updatedAt: `${gaDate}T09:00:00.000Z`,
});
// 13.4 came out after 13.0: 13's general availability is 13.0's.
const RELEASES = [
  release('12.0', '2025-01-15'),
  release('13.0', '2026-02-01'),
  release('13.4', '2026-09-01'),
  release('14.0', '2027-05-01'),
];

describe('productMajors', () => {
  it("gives each major its own general availability (its earliest release's), its milestones and today's phase", () => {
    const majors = productMajors(
      [lifecycle(13), lifecycle(12, { eolDate: '2026-06-01' })],
      RELEASES,
      '2026-11-27',
    );
    expect(majors).toEqual([
      {
        major: 12,
        gaDate: '2025-01-15',
        eolDate: '2026-06-01',
        partialSupportDate: '2028-03-01',
        endOfSupportDate: '2029-03-01',
        phase: 'EOL',
        legacy: false,
      },
      {
        major: 13,
        gaDate: '2026-02-01',
        eolDate: '2027-03-01',
        partialSupportDate: '2028-03-01',
        endOfSupportDate: '2029-03-01',
        phase: 'GA',
        legacy: false,
      },
      // Announced, not scheduled: in GA, no milestone.
      {
        major: 14,
        gaDate: '2027-05-01',
        eolDate: null,
        partialSupportDate: null,
        endOfSupportDate: null,
        phase: 'GA',
        legacy: false,
      },
    ]);
  });

  it('lists a scheduled major with no release on record with no GA date', () => {
    expect(productMajors([lifecycle(9, { legacy: true })], [], '2026-11-27')).toEqual([
      expect.objectContaining({ major: 9, gaDate: null, phase: 'GA', legacy: true }),
    ]);
  });

  it("draws the picture from the major's own GA date, not its latest minor's", () => {
    const svg = lifecyclePicture('Backup Exec', [lifecycle(13)], '2026-11-27', majorGaDates(RELEASES));
    expect(svg).toContain('general availability 2026-02-01, standard support until 2027-03-01');
    expect(svg).not.toContain('2026-09-01');
  });
});

describe('requireKnownProduct', () => {
  it('refuses a product with neither a lifecycle nor a release (404), takes either', () => {
    expect(() => requireKnownProduct('Nope', [], [])).toThrow(NotFound);
    expect(() => requireKnownProduct('P', [lifecycle(1)], [])).not.toThrow();
    expect(() => requireKnownProduct('P', [], [release('1.0', '2026-01-01')])).not.toThrow();
  });
});

describe('lifecycleCalendar', () => {
  const calendar = (lifecycles = [lifecycle(12), lifecycle(13)]) =>
    parseCalendar(lifecycleCalendar('Backup Exec', lifecycles, RELEASES));

  it('has one all-day, transparent event per scheduled milestone of each major', () => {
    const { lines, calendar: head, events } = calendar();
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(head).toMatchObject({ VERSION: '2.0', METHOD: 'PUBLISH' });
    expect(head.PRODID).toContain('entitlements');
    // 12: GA + 3; 13: GA + 3; 14: GA only.
    expect(events).toHaveLength(9);
    const thirteenGa = events.find((e) => e.props.UID === milestoneUid('Backup Exec', 13, 'GA'))!.props;
    expect(thirteenGa['DTSTART;VALUE=DATE']).toBe('20260201');
    expect(thirteenGa['DTEND;VALUE=DATE']).toBe('20260202');
    expect(thirteenGa.SUMMARY).toBe('Backup Exec 13: general availability');
    expect(thirteenGa.TRANSP).toBe('TRANSPARENT');
    const eol = events.find((e) => e.props.UID === milestoneUid('Backup Exec', 12, 'EOL'))!.props;
    expect(eol['DTSTART;VALUE=DATE']).toBe('20270301');
    expect(eol.DTSTAMP).toBe('20261120T100000Z'); // when the schedule changed, not when read
    expect(new Set(events.map((e) => e.props.UID)).size).toBe(9);
  });

  it('gives the same bytes for the same records (so its ETag holds until a change)', () => {
    const lifecycles = [lifecycle(12)];
    expect(lifecycleCalendar('P', lifecycles, RELEASES)).toBe(lifecycleCalendar('P', lifecycles, RELEASES));
  });

  it('keeps the UID of a rescheduled milestone and raises its SEQUENCE', () => {
    const before = calendar([lifecycle(12)]).events;
    const after = calendar([
      lifecycle(12, { eolDate: '2027-04-01', revision: 2, updatedAt: '2026-11-25T10:00:00.000Z' }),
    ]).events;
    expect(after.map((e) => e.props.UID).sort()).toEqual(before.map((e) => e.props.UID).sort());
    const eolOf = (events: typeof before) =>
      events.find((e) => e.props.UID === milestoneUid('Backup Exec', 12, 'EOL'))!.props;
    expect(eolOf(after)['DTSTART;VALUE=DATE']).toBe('20270401');
    expect(Number(eolOf(after).SEQUENCE)).toBeGreaterThan(Number(eolOf(before).SEQUENCE ?? 0));
  });

  it('names products apart that read alike, and escapes what iCalendar reserves', () => {
    expect(milestoneUid('Backup Exec 86', 1, 'EOL')).not.toBe(milestoneUid('Backup Exec 3763', 1, 'EOL'));
    const text = lifecycleCalendar('Tape, Disk; Cloud', [lifecycle(1)], []);
    expect(text).toContain('SUMMARY:Tape\\, Disk\\; Cloud 1: end of life');
  });
});

describe('revalidation of the public reads', () => {
  const event = (ifNoneMatch?: string) =>
    ({ headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} }) as unknown as HttpEvent;

  it('tags a body strongly: the same bytes the same tag, other bytes another', () => {
    expect(strongEtag('a')).toBe(strongEtag('a'));
    expect(strongEtag('a')).not.toBe(strongEtag('b'));
    expect(strongEtag('a')).toMatch(/^"[\w-]{32}"$/);
  });

  it('matches If-None-Match as RFC 9110 says: a list, `*`, weak comparison', () => {
    const tag = strongEtag('body');
    expect(noneMatch(undefined, tag)).toBe(false);
    expect(noneMatch(tag, tag)).toBe(true);
    expect(noneMatch(`"other", ${tag}`, tag)).toBe(true);
    expect(noneMatch(`W/${tag}`, tag)).toBe(true);
    expect(noneMatch('*', tag)).toBe(true);
    expect(noneMatch('"other"', tag)).toBe(false);
  });

  it('answers 200 with the body, or 304 without one, both telling caches to revalidate', () => {
    const fresh = revalidated(event(), 'image/svg+xml', '<svg/>');
    expect(fresh).toMatchObject({ statusCode: 200, body: '<svg/>' });
    expect(fresh.headers).toEqual({
      'content-type': 'image/svg+xml',
      etag: strongEtag('<svg/>'),
      'cache-control': REVALIDATE,
    });
    expect(REVALIDATE).toBe('public, max-age=0, must-revalidate');
    const same = revalidated(event(strongEtag('<svg/>')), 'image/svg+xml', '<svg/>');
    expect(same).toEqual({
      statusCode: 304,
      headers: { etag: strongEtag('<svg/>'), 'cache-control': REVALIDATE },
      body: '',
    });
  });
});
