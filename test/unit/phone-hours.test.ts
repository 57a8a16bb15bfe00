import { beforeAll, describe, expect, it } from 'vitest';
import {
  instantAt,
  loadPublicHolidays,
  noPublicHolidays,
  type PublicHolidays,
  phoneSupportAt,
  wallClock,
} from '../../functions/core/phone-hours.ts';

let holidays: PublicHolidays;
beforeAll(async () => {
  holidays = await loadPublicHolidays();
});

const paris = { timeZone: 'Europe/Paris', country: 'FR' };
const basic = (iso: string, site: Parameters<typeof phoneSupportAt>[2] = paris) =>
  phoneSupportAt('BUSINESS_HOURS', new Date(iso), site, holidays);

describe('Basic: 08:00–18:00 local time on business days at the installation site (Europe/Paris, FR)', () => {
  it('is open on a Tuesday at 10:00 local time, until 18:00 local', () => {
    const answer = basic('2026-07-07T08:00:00Z'); // 10:00 CEST
    expect(answer).toMatchObject({
      hours: 'BUSINESS_HOURS',
      openNow: true,
      nextOpensAt: null,
      closesAt: '2026-07-07T16:00:00.000Z',
      timeZone: 'Europe/Paris',
      timeZoneAssumed: false,
      country: 'FR',
      localTime: '2026-07-07T10:00',
      closedBecause: null,
    });
    expect(answer.reason).toMatch(/^Phone support: open now \(10:00 on 2026-07-07/);
  });

  it('is closed at 19:00 local time and opens the next morning at 08:00 local', () => {
    const answer = basic('2026-07-07T17:00:00Z');
    expect(answer).toMatchObject({
      openNow: false,
      nextOpensAt: '2026-07-08T06:00:00.000Z',
      closesAt: null,
      closedBecause: 'after 18:00',
    });
  });

  it('opens at 08:00 sharp and closes at 18:00 sharp', () => {
    expect(basic('2026-07-07T05:59:00Z')).toMatchObject({
      openNow: false,
      closedBecause: 'before 08:00',
      nextOpensAt: '2026-07-07T06:00:00.000Z',
    });
    expect(basic('2026-07-07T06:00:00Z').openNow).toBe(true);
    expect(basic('2026-07-07T15:59:59Z').openNow).toBe(true);
    expect(basic('2026-07-07T16:00:00Z').openNow).toBe(false);
  });

  it('is closed on Saturday and opens on Monday at 08:00 local', () => {
    const answer = basic('2026-07-11T10:00:00Z');
    expect(answer).toMatchObject({
      openNow: false,
      closedBecause: 'Saturday, the weekend',
      nextOpensAt: '2026-07-13T06:00:00.000Z',
    });
  });

  it('is closed on 14 July (a public holiday, named) and opens the next business day at 08:00 local', () => {
    const answer = basic('2026-07-14T08:00:00Z'); // a Tuesday, 10:00 local
    expect(answer.openNow).toBe(false);
    expect(answer.closedBecause).toMatch(/a public holiday in FR/);
    expect(answer.nextOpensAt).toBe('2026-07-15T06:00:00.000Z');
    expect(answer.reason).toContain('it opens next on 2026-07-15 at 08:00 local time');
  });

  it('is closed on 25 December (a Friday) and opens on Monday 28 December at 08:00 local (winter time)', () => {
    const answer = basic('2026-12-25T09:00:00Z');
    expect(answer.openNow).toBe(false);
    expect(answer.closedBecause).toMatch(/public holiday in FR/);
    expect(answer.nextOpensAt).toBe('2026-12-28T07:00:00.000Z');
  });

  it('counts only public holidays, not bank holidays or observances (24 December afternoon in Germany)', () => {
    const answer = basic('2026-12-24T14:00:00Z', { timeZone: 'Europe/Berlin', country: 'DE' });
    expect(answer.openNow).toBe(true);
  });
});

describe('across daylight-saving changes', () => {
  it('after the spring change: Friday 19:00 CET → Monday 08:00 CEST', () => {
    expect(basic('2026-03-27T18:00:00Z').nextOpensAt).toBe('2026-03-30T06:00:00.000Z');
    expect(basic('2026-03-30T05:59:00Z').openNow).toBe(false);
    expect(basic('2026-03-30T06:00:00Z').openNow).toBe(true);
  });

  it('after the autumn change: Friday 19:00 CEST → Monday 08:00 CET', () => {
    expect(basic('2026-10-23T17:00:00Z').nextOpensAt).toBe('2026-10-26T07:00:00.000Z');
    expect(basic('2026-10-26T06:30:00Z')).toMatchObject({ openNow: false, closedBecause: 'before 08:00' });
    expect(basic('2026-10-26T07:00:00Z').openNow).toBe(true);
    expect(basic('2026-10-26T16:59:00Z')).toMatchObject({
      openNow: true,
      closesAt: '2026-10-26T17:00:00.000Z',
    });
  });

  it('a wall-clock time is found on either side of a change, and a skipped one moves forward', () => {
    expect(instantAt('2026-03-28', '08:00', 'Europe/Paris').toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(instantAt('2026-03-29', '08:00', 'Europe/Paris').toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(instantAt('2026-03-29', '02:30', 'Europe/Paris').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(instantAt('2026-03-08', '08:00', 'America/New_York').toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
    expect(wallClock(new Date('2026-10-25T00:30:00Z'), 'Europe/Paris')).toMatchObject({
      date: '2026-10-25',
      time: '02:30',
    });
  });
});

describe('the installation site decides, not the caller', () => {
  it('uses the country’s own weekend (Friday and Saturday in Saudi Arabia)', () => {
    const riyadh = { timeZone: 'Asia/Riyadh', country: 'SA' };
    expect(basic('2026-07-10T07:00:00Z', riyadh)).toMatchObject({ openNow: false, closedBecause: /Friday/ });
    expect(basic('2026-07-10T07:00:00Z', riyadh).nextOpensAt).toBe('2026-07-12T05:00:00.000Z');
    expect(basic('2026-07-12T07:00:00Z', riyadh).openNow).toBe(true);
  });

  it('a public holiday that starts at 13:00 closes from 13:00 (Iceland, 24 December)', () => {
    const reykjavik = { timeZone: 'Atlantic/Reykjavik', country: 'IS' };
    expect(basic('2026-12-24T12:30:00Z', reykjavik)).toMatchObject({
      openNow: true,
      closesAt: '2026-12-24T13:00:00.000Z',
    });
    const after = basic('2026-12-24T13:30:00Z', reykjavik);
    expect(after.openNow).toBe(false);
    expect(after.closedBecause).toMatch(/^after 13:00 \(.*public holiday in IS from 13:00\)$/);
    expect(after.nextOpensAt).toBe('2026-12-28T08:00:00.000Z');
  });

  it('a country without a known holiday calendar still skips its weekend, and says so', () => {
    const answer = phoneSupportAt(
      'BUSINESS_HOURS',
      new Date('2026-07-14T08:00:00Z'),
      { timeZone: 'Europe/Paris', country: 'FR' },
      () => null,
    );
    expect(answer.openNow).toBe(true);
    expect(answer.reason).toContain('no public-holiday calendar is known for FR');
  });
});

describe('without a registered time zone', () => {
  it('assumes UTC, says so, and excludes no holidays without a country', () => {
    const answer = phoneSupportAt('BUSINESS_HOURS', new Date('2026-07-14T10:00:00Z'), {}, holidays);
    expect(answer).toMatchObject({
      openNow: true,
      timeZone: 'UTC',
      timeZoneAssumed: true,
      country: null,
      closesAt: '2026-07-14T18:00:00.000Z',
    });
    expect(answer.reason).toContain('UTC is assumed');
    expect(answer.reason).toContain('no public holidays are excluded');
  });

  it('with a country only: that country’s holidays on the UTC calendar', () => {
    const answer = phoneSupportAt(
      'BUSINESS_HOURS',
      new Date('2026-07-14T10:00:00Z'),
      { country: 'FR' },
      holidays,
    );
    expect(answer).toMatchObject({
      openNow: false,
      timeZoneAssumed: true,
      nextOpensAt: '2026-07-15T08:00:00.000Z',
    });
    expect(answer.reason).toContain('UTC is assumed');
  });

  it('without a holiday calendar at all, every weekday is a business day', () => {
    expect(
      phoneSupportAt('BUSINESS_HOURS', new Date('2026-12-25T10:00:00Z'), paris, noPublicHolidays).openNow,
    ).toBe(true);
  });
});

describe('Essential and BCS: 24×7×365', () => {
  it('is open on a Saturday night and on a public holiday; it never has to open', () => {
    for (const iso of ['2026-07-11T23:30:00Z', '2026-12-25T03:00:00Z']) {
      const answer = phoneSupportAt('24x7', new Date(iso), paris, holidays);
      expect(answer).toMatchObject({ hours: '24x7', openNow: true, nextOpensAt: null, closesAt: null });
      expect(answer.reason).toContain('24×7×365');
    }
  });
});
