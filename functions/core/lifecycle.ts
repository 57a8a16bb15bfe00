/**
 * Version lifecycle (DOMAIN.md "Versions and their lifecycle"). A major version (and its
 * minors and maintenance packs) moves only forward: GA → EOL → partial support → end of
 * support, on dates product managers schedule. A milestone that has passed cannot move.
 * Versions that entered end of life before 6 November 2006 keep their contract's terms.
 */
import { createHash } from 'node:crypto';
import { Conflict, RuleViolation } from './errors.ts';
import { IsoDate } from './identifiers.ts';
import * as z from './zod.ts';

export const POLICY_START = '2006-11-06';

export const PHASES = ['GA', 'EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT'] as const;
export type Phase = (typeof PHASES)[number];
export type Milestone = 'eolDate' | 'partialSupportDate' | 'endOfSupportDate';
export const MILESTONES: ReadonlyArray<{ milestone: Milestone; phase: Phase }> = [
  { milestone: 'eolDate', phase: 'EOL' },
  { milestone: 'partialSupportDate', phase: 'PARTIAL_SUPPORT' },
  { milestone: 'endOfSupportDate', phase: 'END_OF_SUPPORT' },
];

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
  const today = now.toISOString().slice(0, 10);
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

export type SupportPhase = 'STANDARD' | 'PARTIAL' | 'NONE';

/** What a version's lifecycle means for a support call on `day`, and why. */
export function supportPhaseOn(
  lifecycle: MajorLifecycle | null,
  product: string,
  version: string,
  day: string,
): { supportPhase: SupportPhase; reason: string } {
  if (!lifecycle)
    return {
      supportPhase: 'STANDARD',
      reason: `${product} ${version}: no end of life is scheduled, so it has standard support.`,
    };
  const { major } = lifecycle;
  if (lifecycle.legacy)
    return {
      supportPhase: 'STANDARD',
      reason: `${product} ${version}: major ${major} entered end of life on ${lifecycle.eolDate}, before ${POLICY_START}; the end-of-life policy does not apply to it and it keeps the terms of the contract it was sold under.`,
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
        reason: `${product} ${version}: major ${major} is in partial support since ${lifecycle.partialSupportDate} (known fixes, patches, workarounds, existing maintenance packs and knowledge-base answers; no new code) until end of support on ${lifecycle.endOfSupportDate}.`,
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
  phase: Phase,
  date: string,
  /** A later day's retry by the reconciler, when the run of the milestone's own name did not finish. */
  attempt?: string,
) => `lc-${slug(product)}-${major}-${phase}-${date}${attempt ? `-${attempt}` : ''}`;

export const milestoneScheduleName = (product: string, major: number, phase: Phase) =>
  `lifecycle-${slug(product)}-${major}-${phase}`;

/** The run that tells customers of a (re)scheduled lifecycle: one per revision. */
export const scheduledNoticeRunName = (product: string, major: number, revision: number) =>
  `lc-${slug(product)}-${major}-r${revision}`;
