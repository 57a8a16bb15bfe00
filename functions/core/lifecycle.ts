/**
 * Version lifecycle (DOMAIN.md "Versions and their lifecycle"). A major version (and its
 * minors and maintenance packs) moves only forward: GA → EOL → partial support → end of
 * support, on dates product managers schedule. A milestone that has passed cannot move.
 * Versions that entered end of life before 6 November 2006 keep their contract's terms.
 */
import { createHash } from 'node:crypto';
import { dayOf } from './calendar.ts';
import { Conflict, NotFound, RuleViolation } from './errors.ts';
import { IsoDate } from './identifiers.ts';
import type { LifecycleNoticeEvent } from './lifecycle-notices.ts';
import { type NamedRun, type ScheduledRun, scheduledOn } from './runs.ts';
import * as z from './zod.ts';

export const POLICY_START = '2006-11-06';

export const PHASES = ['GA', 'EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT'] as const;
export type Phase = (typeof PHASES)[number];
export type Milestone = 'eolDate' | 'partialSupportDate' | 'endOfSupportDate';
/** A phase a milestone moves a major into. */
export type MilestonePhase = Exclude<Phase, 'GA'>;
export const MILESTONES: ReadonlyArray<{ milestone: Milestone; phase: MilestonePhase }> = [
  { milestone: 'eolDate', phase: 'EOL' },
  { milestone: 'partialSupportDate', phase: 'PARTIAL_SUPPORT' },
  { milestone: 'endOfSupportDate', phase: 'END_OF_SUPPORT' },
];

/** The milestone whose date moves a major into `phase`. */
export const milestoneOf = (phase: MilestonePhase): Milestone =>
  MILESTONES.find((m) => m.phase === phase)!.milestone;

/** The next milestone a major in `phase` has to pass, or null once it reached end of support. */
export const nextMilestone = (phase: Phase) =>
  MILESTONES.find((m) => phaseRank(m.phase) > phaseRank(phase)) ?? null;

export const LifecycleRequest = z.strictObject({
  eolDate: IsoDate,
  partialSupportDate: IsoDate,
  endOfSupportDate: IsoDate,
});
export type LifecycleRequest = z.infer<typeof LifecycleRequest>;

export interface MajorLifecycle extends LifecycleRequest {
  product: string;
  major: number;
  phase: Phase;
  /** Bumped by every schedule change: names the change's notices. */
  revision: number;
  legacy: boolean;
  updatedAt: string;
}

export const phaseRank = (p: Phase) => PHASES.indexOf(p);

/** The phase a schedule puts a major in on `day`. */
export function phaseOn(dates: LifecycleRequest, day: string): Phase {
  let phase: Phase = 'GA';
  for (const { milestone, phase: next } of MILESTONES) if (dates[milestone] <= day) phase = next;
  return phase;
}

/**
 * A major's history as the public lifecycle read shows it (no token needed): what happened
 * and when, never who did it — actors stay in the stored events, for those with a role.
 */
export const publicHistory = <Event extends { actor?: unknown }>(
  history: readonly Event[],
): Array<Omit<Event, 'actor'>> => history.map(({ actor: _, ...event }) => event);

/**
 * A product manager's schedule, checked against the rules and what is stored: 422 out of
 * order, 409 when it moves a milestone that has passed. Returns the lifecycle to store.
 */
export function decideSchedule(
  product: string,
  major: number,
  request: LifecycleRequest,
  current: MajorLifecycle | null,
  now: Date,
  /** The major's general availability (its earliest announced release), when known. */
  gaDate?: string,
): MajorLifecycle {
  const today = dayOf(now);
  const errors = [];
  if (gaDate && request.eolDate < gaDate)
    errors.push({
      path: 'eolDate',
      message: `end of life comes on or after general availability (${gaDate})`,
    });
  if (request.partialSupportDate < request.eolDate)
    errors.push({ path: 'partialSupportDate', message: 'partial support starts on or after end of life' });
  if (request.endOfSupportDate < request.partialSupportDate)
    errors.push({ path: 'endOfSupportDate', message: 'end of support comes on or after partial support' });
  if (errors.length)
    throw new RuleViolation(
      'the milestones are out of order (GA ≤ EOL ≤ partial support ≤ end of support)',
      errors,
    );
  // The same dates again (a retried request): nothing to decide, nothing new to tell.
  if (current && MILESTONES.every(({ milestone }) => current[milestone] === request[milestone]))
    return current;
  if (current)
    for (const { milestone } of MILESTONES) {
      const passed = current[milestone] <= today;
      if (passed && request[milestone] !== current[milestone])
        throw new Conflict(
          `${product} ${major}: ${milestone} (${current[milestone]}) has passed and cannot be moved to ${request[milestone]}`,
        );
      if (!passed && request[milestone] <= today && request[milestone] !== current[milestone])
        throw new Conflict(
          `${product} ${major}: ${milestone} cannot be moved into the past (${request[milestone]})`,
        );
    }
  const phase = phaseOn(request, today);
  return {
    product,
    major,
    ...request,
    // Phases only move forward, even if a stored phase is ahead of the dates (never, by the rule above).
    phase: current && phaseRank(current.phase) > phaseRank(phase) ? current.phase : phase,
    revision: (current?.revision ?? 0) + 1,
    legacy: request.eolDate < POLICY_START,
    updatedAt: now.toISOString(),
  };
}

/**
 * What support a version gets: standard, partial (known fixes only), none (end of support),
 * or per contract (end of life before the 2006 policy: the contract's own terms apply).
 */
export type SupportPhase = 'STANDARD' | 'PARTIAL' | 'NONE' | 'PER_CONTRACT';

/** What partial support covers [FR glossary], said next to the response targets it qualifies. */
export const PARTIAL_SUPPORT_SCOPE = {
  includes: ['known fixes', 'patches', 'workarounds', 'existing maintenance packs', 'knowledge-base answers'],
  excludes: ['new code', 'reproduction', 'escalation'],
  timeMayBeLimited: true,
  summary:
    'known fixes, patches, workarounds, existing maintenance packs and knowledge-base answers only; no new code, no reproduction, no escalation; the time spent may be limited',
} as const;
export type PartialSupportScope = typeof PARTIAL_SUPPORT_SCOPE;

/** A version's support phase on a day, and why (from its major's lifecycle). */
export interface PhaseAnswer {
  supportPhase: SupportPhase;
  reason: string;
}

/** What a version's lifecycle means for a support call on `day`, and why. */
export function supportPhaseOn(
  lifecycle: MajorLifecycle | null,
  product: string,
  version: string,
  day: string,
): PhaseAnswer {
  if (!lifecycle)
    return {
      supportPhase: 'STANDARD',
      reason: `${product} ${version}: no end of life is scheduled, so it has standard support.`,
    };
  const { major } = lifecycle;
  // The schedules apply from the policy date on; earlier, the contract says what support is given.
  if (lifecycle.legacy)
    return {
      supportPhase: 'PER_CONTRACT',
      reason: `${product} ${version}: major ${major} entered end of life on ${lifecycle.eolDate}, before ${POLICY_START}; the end-of-life policy does not apply to it: the terms of your support contract continue to apply.`,
    };
  const phase = phaseOn(lifecycle, day);
  switch (phase) {
    case 'END_OF_SUPPORT':
      return {
        supportPhase: 'NONE',
        reason: `${product} ${version}: major ${major} reached end of support life on ${lifecycle.endOfSupportDate}: neither standard nor partial support, whatever the severity or the offering.`,
      };
    case 'PARTIAL_SUPPORT':
      return {
        supportPhase: 'PARTIAL',
        reason: `${product} ${version}: major ${major} is in partial support since ${lifecycle.partialSupportDate} (${PARTIAL_SUPPORT_SCOPE.summary}) until end of support on ${lifecycle.endOfSupportDate}.`,
      };
    case 'EOL':
      return {
        supportPhase: 'STANDARD',
        reason: `${product} ${version}: major ${major} reached end of life on ${lifecycle.eolDate} (no longer sold); standard support continues until partial support on ${lifecycle.partialSupportDate}.`,
      };
    default:
      return {
        supportPhase: 'STANDARD',
        reason: `${product} ${version}: standard support; end of life is scheduled for ${lifecycle.eolDate}, partial support from ${lifecycle.partialSupportDate}, end of support on ${lifecycle.endOfSupportDate}.`,
      };
  }
}

/**
 * Free text (a product name) in schedule, execution and notice names, which are identities
 * and idempotency keys: `[0-9A-Za-z-]`, at most 29 characters, the same for the same text.
 * A short readable prefix is for people; a hash of the full text (64 bits of SHA-256) keeps
 * apart texts that read alike (`Backup Exec Server Edition 86` / `… 3763`), which a
 * prefix, or a short hash, alone does not.
 */
export function slug(text: string): string {
  const readable = text
    .normalize('NFKD')
    .replace(/[^0-9A-Za-z]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_READABLE)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, SLUG_HASH);
  return readable ? `${readable}-${hash}` : hash;
}
const SLUG_READABLE = 12;
const SLUG_HASH = 16;

/** The one name a milestone's transition runs under, whether the schedule or the reconciler starts it. */
export const milestoneExecutionName = (
  product: string,
  major: number,
  phase: MilestonePhase,
  date: string,
  /** A later day's retry by the reconciler, when the run of the milestone's own name did not finish. */
  attempt?: string,
) => `lc-${slug(product)}-${major}-${phase}-${date}${attempt ? `-${attempt}` : ''}`;

export const milestoneScheduleName = (product: string, major: number, phase: MilestonePhase) =>
  `lifecycle-${slug(product)}-${major}-${phase}`;

/** The run that tells customers of a (re)scheduled lifecycle: one per revision. */
export const scheduledNoticeRunName = (product: string, major: number, revision: number) =>
  `lc-${slug(product)}-${major}-r${revision}`;

/** What a lifecycle-transition run is told: a milestone due on its date, or a schedule's revision to tell. */
export type LifecycleEventInput = {
  product: string;
  major: number;
  event: LifecycleNoticeEvent;
  /** A milestone's date as scheduled: a run for a date since moved is stale. */
  date?: string;
  revision?: number;
};

/** The run that applies a milestone on its date, whether its schedule or the reconciler starts it. */
export const milestoneRun = (
  product: string,
  major: number,
  phase: MilestonePhase,
  date: string,
  attempt?: string,
): NamedRun<LifecycleEventInput> => ({
  name: milestoneExecutionName(product, major, phase, date, attempt),
  input: { product, major, event: phase, date },
});

/** The run that tells customers of a (re)scheduled lifecycle: one per revision. */
export const scheduledNoticeRun = ({
  product,
  major,
  revision,
}: Pick<MajorLifecycle, 'product' | 'major' | 'revision'>): NamedRun<LifecycleEventInput> => ({
  name: scheduledNoticeRunName(product, major, revision),
  input: { product, major, event: 'SCHEDULED', revision },
});

/** One one-time schedule per milestone still to come on `today`; one passed is in the phase stored. */
export function milestoneSchedules(
  lifecycle: MajorLifecycle,
  today: string,
): ScheduledRun<LifecycleEventInput>[] {
  const { product, major } = lifecycle;
  return MILESTONES.filter(({ milestone }) => lifecycle[milestone] > today).map(({ milestone, phase }) =>
    scheduledOn(
      milestoneScheduleName(product, major, phase),
      lifecycle[milestone],
      milestoneRun(product, major, phase, lifecycle[milestone]),
    ),
  );
}

/**
 * Why a lifecycle-transition run changes nothing, or null when it is current: a schedule
 * revision since superseded, or a milestone since moved to another date.
 */
export function staleLifecycleEvent(lifecycle: MajorLifecycle, input: LifecycleEventInput): string | null {
  if (input.event === 'SCHEDULED')
    return input.revision !== undefined && input.revision !== lifecycle.revision
      ? `revision ${input.revision} was superseded by ${lifecycle.revision}`
      : null;
  const milestone = milestoneOf(input.event);
  return lifecycle[milestone] !== input.date
    ? `${milestone} is now ${lifecycle[milestone]}, not ${input.date}`
    : null;
}

/**
 * Product managers schedule and announce for what customers run: the first schedule of a
 * major, or the first announcement of a release, needs a registered serial of it (else 404:
 * nobody to tell, most likely a misspelt product). One stored stays changeable.
 */
export function requireRegisteredSerials(subject: { product: string; major?: number }, registered: boolean) {
  if (registered) return;
  throw new NotFound(
    subject.major === undefined
      ? `no serial of ${subject.product} is registered: an unknown product`
      : `no serial of ${subject.product} ${subject.major} is registered: nobody to tell, nothing to schedule`,
  );
}
