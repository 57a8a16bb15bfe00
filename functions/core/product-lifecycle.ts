/**
 * A product's lifecycle at a glance (GET /products/{p}/lifecycle, …/overview, the picture and
 * the calendar): every major with its general availability and milestones, from the majors'
 * lifecycles and the releases announced. Pure: what is stored and a day in, views out.
 */
import { NotFound } from './errors.ts';
import { type MajorLifecycle, type Phase, phaseOn } from './lifecycle.ts';
import type { Release } from './upgrades.ts';
import { majorGaDates } from './upgrades.ts';
import { majorOf } from './versions.ts';

/** One major as customers see it: dates `YYYY-MM-DD`, null while not scheduled. */
export interface MajorDates {
  major: number;
  /** The major's general availability: the GA date of its earliest release (13.0's, not 13.4's). */
  gaDate: string | null;
  eolDate: string | null;
  partialSupportDate: string | null;
  endOfSupportDate: string | null;
  /** Where the dates put it on the day asked for (GA while nothing is scheduled). */
  phase: Phase;
  /** Entered end of life before 2006-11-06: the contract's own terms apply. */
  legacy: boolean;
}

type ReleaseDates = Pick<Release, 'version' | 'gaDate'>;

/**
 * Every major that has a lifecycle or an announced release, in major order. A major with a
 * release and no schedule yet is in general availability with no milestone dates.
 */
export function productMajors(
  lifecycles: readonly MajorLifecycle[],
  releases: readonly ReleaseDates[],
  today: string,
): MajorDates[] {
  const ga = majorGaDates(releases);
  const byMajor = new Map(lifecycles.map((l) => [l.major, l]));
  const majors = [...new Set([...byMajor.keys(), ...ga.keys()])].sort((a, b) => a - b);
  return majors.map((major) => {
    const lifecycle = byMajor.get(major);
    return {
      major,
      gaDate: ga.get(major) ?? null,
      eolDate: lifecycle?.eolDate ?? null,
      partialSupportDate: lifecycle?.partialSupportDate ?? null,
      endOfSupportDate: lifecycle?.endOfSupportDate ?? null,
      phase: lifecycle ? phaseOn(lifecycle, today) : 'GA',
      legacy: lifecycle?.legacy ?? false,
    };
  });
}

/** A product with neither a lifecycle nor a release is not one this service knows: 404. */
export function requireKnownProduct(
  product: string,
  lifecycles: readonly unknown[],
  releases: readonly unknown[],
): void {
  if (lifecycles.length === 0 && releases.length === 0)
    throw new NotFound(`${product} has no lifecycle and no release: an unknown product`);
}

/** The major a release belongs to. */
export const releaseMajor = (release: Pick<Release, 'version'>) => majorOf(release.version);
