/**
 * Phone support hours (DOMAIN.md "Business time", "Support offerings"): whether phone
 * support is open at a moment, and when it next opens. Basic answers 08:00–18:00 local
 * time on business days at the installation site (not where the caller is); business
 * days exclude that country's weekend and its public holidays. Essential and BCS answer
 * 24×7×365. Time is passed in; Intl does the time-zone arithmetic, and the holiday
 * calendar is passed in: `loadPublicHolidays` reads it from `date-holidays` on first use
 * only (with moment-timezone and astronomia it is about 1.5 MB of minified code, so an
 * answer that needs no holidays never evaluates it).
 */
import type { Offering } from './tiers.ts';

/** Where the software is installed; either may be unknown. */
export interface InstallationSite {
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone?: string | null;
  /** ISO 3166-1 alpha-2, e.g. FR. */
  country?: string | null;
}

/** A public holiday on a local calendar day; `from` when it starts during the day (e.g. 12:00). */
export interface PublicHoliday {
  date: string;
  name: string;
  from?: string;
}

/** A country's public holidays in a year, or null when no calendar is known for that country. */
export type PublicHolidays = (country: string, year: number) => readonly PublicHoliday[] | null;

/** No holiday calendar: every weekday is a business day. */
export const noPublicHolidays: PublicHolidays = () => null;

export const BUSINESS_HOURS = { opens: '08:00', closes: '18:00' } as const;
export const ASSUMED_TIME_ZONE = 'UTC';

export interface PhoneSupport {
  hours: Offering['hours'];
  openNow: boolean;
  /** When it opens next (ISO instant) while closed; null while open, and always for 24×7. */
  nextOpensAt: string | null;
  /** When today's business hours end (ISO instant) while open; null while closed, and for 24×7. */
  closesAt: string | null;
  timeZone: string;
  /** True when the registration gave no time zone and UTC was assumed. */
  timeZoneAssumed: boolean;
  country: string | null;
  /** The installation site's wall-clock time at that moment (YYYY-MM-DDTHH:MM). */
  localTime: string;
  /** Why it is closed now, when closed: the weekend, a public holiday (named), or outside hours. */
  closedBecause: string | null;
  reason: string;
}

/** Phone support at `now` for an offering's hours, at the installation site. */
export function phoneSupportAt(
  hours: Offering['hours'],
  now: Date,
  site: InstallationSite = {},
  holidays: PublicHolidays = noPublicHolidays,
): PhoneSupport {
  const timeZone = site.timeZone || ASSUMED_TIME_ZONE;
  const timeZoneAssumed = !site.timeZone;
  const country = site.country || null;
  const local = wallClock(now, timeZone);
  const base = { hours, timeZone, timeZoneAssumed, country, localTime: `${local.date}T${local.time}` };
  const assumption = timeZoneAssumed
    ? ' No time zone is registered for the installation site, so UTC is assumed.'
    : '';

  if (hours === '24x7')
    return {
      ...base,
      openNow: true,
      nextOpensAt: null,
      closesAt: null,
      closedBecause: null,
      reason: 'Phone support: open now; the offering answers 24×7×365.',
    };

  const calendar = new BusinessCalendar(country, holidays);
  const where = `${timeZone}${country ? `, ${country}` : ''}`;
  const hoursText = `business hours ${BUSINESS_HOURS.opens}–${BUSINESS_HOURS.closes} on business days`;
  const calendarNote = calendar.note(Number(local.date.slice(0, 4)));
  const today = calendar.day(local.date);
  const window = today.window;
  if (window && local.time >= window.opens && local.time < window.closes) {
    const closesAt = instantAt(local.date, window.closes, timeZone).toISOString();
    return {
      ...base,
      openNow: true,
      nextOpensAt: null,
      closesAt,
      closedBecause: null,
      reason: `Phone support: open now (${local.time} on ${local.date} at the installation site, ${where}); ${hoursText}, closing at ${window.closes} local time (${closesAt})${today.closedBecause ? `: ${today.closedBecause} from ${window.closes}` : ''}.${calendarNote}${assumption}`,
    };
  }

  const closedBecause = !window
    ? today.closedBecause!
    : local.time < window.opens
      ? `before ${window.opens}`
      : `after ${window.closes}${today.closedBecause ? ` (${today.closedBecause} from ${window.closes})` : ''}`;
  const opensDay = window && local.time < window.opens ? local.date : calendar.nextBusinessDay(local.date);
  const nextOpensAt = opensDay ? instantAt(opensDay, BUSINESS_HOURS.opens, timeZone).toISOString() : null;
  return {
    ...base,
    openNow: false,
    nextOpensAt,
    closesAt: null,
    closedBecause,
    reason: `Phone support: closed now (${local.time} on ${local.date} at the installation site, ${where}: ${closedBecause}); ${hoursText}${opensDay ? `; it opens next on ${opensDay} at ${BUSINESS_HOURS.opens} local time (${nextOpensAt})` : ''}.${calendarNote}${assumption}`,
  };
}

/** Business days of an installation site: its weekend and its public holidays excluded. */
export class BusinessCalendar {
  private readonly weekend: ReadonlySet<number>;
  private readonly byYear = new Map<number, Map<string, PublicHoliday> | null>();

  constructor(
    private readonly country: string | null,
    private readonly holidays: PublicHolidays = noPublicHolidays,
  ) {
    this.weekend = weekendOf(country);
  }

  /**
   * A local day's business hours (null when it is no business day), and why it is not,
   * or not all of it (a public holiday that starts at noon closes from noon).
   */
  day(date: string): { window: { opens: string; closes: string } | null; closedBecause: string | null } {
    const full = { opens: BUSINESS_HOURS.opens, closes: BUSINESS_HOURS.closes };
    const weekday = isoWeekday(date);
    if (this.weekend.has(weekday))
      return { window: null, closedBecause: `${WEEKDAYS[weekday - 1]}, the weekend` };
    const holiday = this.holidaysIn(Number(date.slice(0, 4)))?.get(date);
    if (!holiday) return { window: full, closedBecause: null };
    const closedBecause = `${holiday.name}, a public holiday in ${this.country}`;
    if (!holiday.from || holiday.from <= full.opens) return { window: null, closedBecause };
    if (holiday.from >= full.closes) return { window: full, closedBecause: null };
    return { window: { opens: full.opens, closes: holiday.from }, closedBecause };
  }

  isBusinessDay(date: string): boolean {
    return this.day(date).window !== null;
  }

  /** The first business day after `date`, within a year (null if none: a calendar gone wrong). */
  nextBusinessDay(date: string): string | null {
    let day = date;
    for (let i = 0; i < 366; i++) {
      day = nextDay(day);
      if (this.isBusinessDay(day)) return day;
    }
    return null;
  }

  /** What the answer says about the calendar it used (in `year`). */
  note(year: number): string {
    const weekend = [...this.weekend]
      .sort()
      .map((d) => WEEKDAYS[d - 1])
      .join(' and ');
    if (!this.country)
      return ' Business days: Monday to Friday; no country is registered, so no public holidays are excluded.';
    return this.holidaysIn(year)
      ? ` Business days in ${this.country}: weekend (${weekend}) and public holidays excluded.`
      : ` Business days in ${this.country}: weekend (${weekend}) excluded; no public-holiday calendar is known for ${this.country}.`;
  }

  /** The country's public holidays of a year by day, or null without a calendar. */
  private holidaysIn(year: number): Map<string, PublicHoliday> | null {
    if (!this.byYear.has(year)) {
      const list = this.country ? this.holidays(this.country, year) : null;
      const byDay = list ? new Map<string, PublicHoliday>() : null;
      // Two holidays on one day: the one that closes earliest wins.
      for (const h of list ?? []) {
        const known = byDay!.get(h.date);
        if (!known || (known.from && (!h.from || h.from < known.from))) byDay!.set(h.date, h);
      }
      this.byYear.set(year, byDay);
    }
    return this.byYear.get(year)!;
  }
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The country's weekend from CLDR (1 = Monday … 7 = Sunday): Saturday and Sunday by default. */
function weekendOf(country: string | null): ReadonlySet<number> {
  if (country)
    try {
      const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & {
        getWeekInfo?: () => { weekend: number[] };
        weekInfo?: { weekend: number[] };
      };
      const weekend = (locale.getWeekInfo?.() ?? locale.weekInfo)?.weekend;
      if (weekend?.length) return new Set(weekend);
    } catch {
      // An unknown region: the default below.
    }
  return new Set([6, 7]);
}

/** 1 = Monday … 7 = Sunday, for a calendar day. */
function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of a time zone at an instant: local day (YYYY-MM-DD) and time (HH:MM). */
export function wallClock(instant: Date, timeZone: string): { date: string; time: string; epochMs: number } {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  // The same wall clock read as if it were UTC: its distance from the instant is the offset.
  const epochMs = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return { date, time, epochMs };
}

const offsetMs = (instantMs: number, timeZone: string) =>
  wallClock(new Date(instantMs), timeZone).epochMs - Math.floor(instantMs / 1000) * 1000;

/**
 * The instant a wall-clock time happens in a time zone. The offset is read twice, so a
 * time just after a DST change gets the new offset; a time the change skips (02:30 in a
 * spring-forward gap) lands just after the gap.
 */
export function instantAt(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  return new Date(Math.max(first, second));
}

/**
 * The public holidays (type `public` only: not bank, school, optional or observance days)
 * of `date-holidays`, a maintained library, loaded on first use. A holiday of several days
 * counts on each; one that starts the evening before (`… 00:00:00 -0600`) counts on its
 * day; one that starts at noon closes from noon.
 */
export function loadPublicHolidays(): Promise<PublicHolidays> {
  loading ??= publicHolidaysOfLibrary();
  return loading;
}
let loading: Promise<PublicHolidays> | undefined;

async function publicHolidaysOfLibrary(): Promise<PublicHolidays> {
  const { default: Holidays } = await import('date-holidays');
  const countries = new Set(Object.keys(new Holidays().getCountries()));
  const calendars = new Map<string, InstanceType<typeof Holidays>>();
  const cache = new Map<string, PublicHoliday[]>();
  return (country, year) => {
    if (!countries.has(country)) return null;
    const key = `${country}#${year}`;
    let found = cache.get(key);
    if (!found) {
      let calendar = calendars.get(country);
      if (!calendar) {
        calendar = new Holidays(country, { types: ['public'] });
        calendars.set(country, calendar);
      }
      found = calendar
        .getHolidays(year, 'en')
        .filter((h) => h.type === 'public')
        .flatMap((h) => {
          const [date, time] = h.date.split(' ') as [string, string];
          const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
          const from = /-\d{4}$/.test(h.date) || time.startsWith('00:00') ? undefined : time.slice(0, 5);
          const list: PublicHoliday[] = [];
          for (let i = 0, day = date; i < days; i++, day = nextDay(day))
            list.push({ date: day, name: h.name, ...(from && i === 0 ? { from } : {}) });
          return list;
        });
      cache.set(key, found);
    }
    return found;
  };
}
