/**
 * Coverage (DOMAIN.md "Contracts and renewal"): each serial is covered by a list of
 * terms. A renewal adds a term; a lapse is a gap between terms. A term is active
 * from its start date to its end date, both inclusive.
 */
import { addDays } from './calendar.ts';
import type { Tier } from './identifiers.ts';

export interface CoverageTerm {
  start: string;
  end: string;
  tier: Tier;
  certificateNumber: string;
  /** The day the term was registered: a term registered after a GA date grants nothing for it (no retroactive grants). */
  registeredOn?: string;
}

export interface CoverageSummary {
  start: string;
  end: string;
  active: boolean;
  tier: Tier;
  certificateNumber: string;
}

export const isActiveOn = (term: CoverageTerm, day: string): boolean => term.start <= day && day <= term.end;

/** The term in force on `day`, or null in a gap. Overlapping terms: the one ending last. */
export function termInForce(terms: readonly CoverageTerm[], day: string): CoverageTerm | null {
  const active = terms.filter((t) => isActiveOn(t, day));
  active.sort((a, b) => (a.end < b.end ? 1 : -1));
  return active[0] ?? null;
}

/**
 * What a reader wants to see: the term in force, else the latest term (lapsed, or
 * not yet started). `start` is the start of the unbroken run of terms around it.
 */
export function summarizeCoverage(terms: readonly CoverageTerm[], day: string): CoverageSummary | null {
  if (terms.length === 0) return null;
  const byStart = [...terms].sort((a, b) => (a.start < b.start ? -1 : 1));
  const current = termInForce(terms, day) ?? byStart.at(-1)!;
  let start = current.start;
  let end = current.end;
  // Extend over contiguous or overlapping terms so a renewed contract reads as one run.
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of byStart) {
      if (t.start < start && t.end >= dayBefore(start)) {
        start = t.start;
        changed = true;
      }
      if (t.end > end && t.start <= dayAfter(end)) {
        end = t.end;
        changed = true;
      }
    }
  }
  return {
    start,
    end,
    active: start <= day && day <= end,
    tier: current.tier,
    certificateNumber: current.certificateNumber,
  };
}

const dayBefore = (d: string) => addDays(d, -1);
const dayAfter = (d: string) => addDays(d, 1);
