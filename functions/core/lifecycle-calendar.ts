/**
 * A product's lifecycle as an iCalendar feed (RFC 5545) customers subscribe to: one all-day
 * event per scheduled milestone of each major (general availability, end of life, partial
 * support, end of support), generated with ical-generator. Each event's UID names the product,
 * major and milestone, never the date: a rescheduled milestone updates the subscriber's event
 * instead of adding one. Pure: the same records give the same bytes (DTSTAMP is when the
 * schedule last changed, not when the feed was read), so its ETag holds until a change.
 */
import ical, { ICalCalendarMethod, ICalEventTransparency } from 'ical-generator';
import { addDays } from './calendar.ts';
import { type MajorLifecycle, slug } from './lifecycle.ts';
import { type MajorDates, productMajors } from './product-lifecycle.ts';
import type { Release } from './upgrades.ts';
import { majorOf } from './versions.ts';

export type CalendarMilestone = 'GA' | 'EOL' | 'PARTIAL_SUPPORT' | 'END_OF_SUPPORT';

const MILESTONE_FIELDS: ReadonlyArray<{
  milestone: CalendarMilestone;
  field: keyof Pick<MajorDates, 'gaDate' | 'eolDate' | 'partialSupportDate' | 'endOfSupportDate'>;
  title: string;
  meaning: string;
}> = [
  {
    milestone: 'GA',
    field: 'gaDate',
    title: 'general availability',
    meaning: 'the first release of this major is available',
  },
  {
    milestone: 'EOL',
    field: 'eolDate',
    title: 'end of life',
    meaning: 'no longer sold; standard support continues until partial support',
  },
  {
    milestone: 'PARTIAL_SUPPORT',
    field: 'partialSupportDate',
    title: 'partial support',
    meaning:
      'known fixes, patches, workarounds, existing maintenance packs and knowledge-base answers only, until end of support',
  },
  {
    milestone: 'END_OF_SUPPORT',
    field: 'endOfSupportDate',
    title: 'end of support',
    meaning: 'neither standard nor partial support from this day',
  },
];

/** The one UID of a milestone of a major, whatever its date. */
export const milestoneUid = (product: string, major: number, milestone: CalendarMilestone) =>
  `${milestone.toLowerCase().replace(/_/g, '-')}-${major}-${slug(product)}@lifecycle.entitlements`;

const utcDay = (day: string) => new Date(`${day}T00:00:00Z`);

export function lifecycleCalendar(
  product: string,
  lifecycles: readonly MajorLifecycle[],
  releases: ReadonlyArray<Pick<Release, 'version' | 'gaDate' | 'revision' | 'updatedAt'>>,
  /** Where customers read the dates (the customer page), put on every event. */
  pageUrl?: string,
): string {
  const calendar = ical({
    name: `${product} — support lifecycle`,
    description: `General availability, end of life, partial support and end of support of every major version of ${product}.`,
    prodId: { company: 'entitlements', product: 'lifecycle', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // Subscribers look again twice a day: milestones move weeks ahead, not by the hour.
    ttl: 12 * 60 * 60,
    ...(pageUrl ? { url: pageUrl } : {}),
  });
  const byMajor = new Map(lifecycles.map((l) => [l.major, l]));
  // Phase does not matter here: only the dates are drawn.
  for (const dates of productMajors(lifecycles, releases, '0000-00-00')) {
    const { major } = dates;
    const lifecycle = byMajor.get(major);
    const ofMajor = releases.filter((r) => majorOf(r.version) === major);
    for (const { milestone, field, title, meaning } of MILESTONE_FIELDS) {
      const day = dates[field];
      if (!day) continue;
      // What changed last and how often: the schedule for milestones, the releases for GA.
      const changed =
        milestone === 'GA'
          ? ofMajor
              .map((r) => r.updatedAt)
              .sort()
              .at(-1)!
          : lifecycle!.updatedAt;
      const sequence =
        milestone === 'GA'
          ? ofMajor.reduce((sum, r) => sum + r.revision, 0) - ofMajor.length
          : lifecycle!.revision - 1;
      calendar.createEvent({
        id: milestoneUid(product, major, milestone),
        allDay: true,
        start: utcDay(day),
        end: utcDay(addDays(day, 1)),
        summary: `${product} ${major}: ${title}`,
        description: `${product} ${major}, ${title} on ${day}: ${meaning}.${dates.legacy ? ' End of life before 2006-11-06: the terms of your support contract apply.' : ''}`,
        stamp: new Date(changed),
        lastModified: new Date(changed),
        sequence,
        // A date to know, not time taken: it never shows the subscriber as busy.
        transparency: ICalEventTransparency.TRANSPARENT,
        ...(pageUrl ? { url: pageUrl } : {}),
      });
    }
  }
  return calendar.toString();
}
