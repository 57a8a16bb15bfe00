/**
 * Upgrade entitlement (DOMAIN.md "Upgrade entitlement"): a serial on an earlier version
 * is entitled to a new release when a support contract was current on the release's
 * general-availability date and established before it. Decided once, on the GA date,
 * and kept as a record with its inputs and the rule that fired. Pure: time is passed in.
 */
import { type CoverageTerm, isActiveOn } from './coverage.ts';
import { Conflict } from './errors.ts';
import { IsoDate, type Language } from './identifiers.ts';
import { slug } from './lifecycle.ts';
import { addressHash, type Notice } from './notices.ts';
import type { RegisteredSerial } from './registration.ts';
import { compareVersions, majorOf, versionSortKey } from './versions.ts';
import * as z from './zod.ts';

export const ReleaseRequest = z.strictObject({ gaDate: IsoDate });
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export interface Release {
  product: string;
  version: string;
  versionKey: string;
  gaDate: string;
  /** SCHEDULED until the GA run has decided every serial; then DECIDED. */
  status: 'SCHEDULED' | 'DECIDED';
  revision: number;
  announcedAt: string;
  updatedAt: string;
  decidedAt?: string;
}

/**
 * A product manager's announcement, checked against what is stored: the same GA date
 * again changes nothing; another GA date is a reschedule, refused (409) once the GA date
 * has come, because serials have been (or are being) decided on it.
 */
export function decideRelease(
  product: string,
  version: string,
  request: ReleaseRequest,
  current: Release | null,
  now: Date,
): { release: Release; changed: boolean } {
  const today = now.toISOString().slice(0, 10);
  if (current && current.gaDate === request.gaDate) return { release: current, changed: false };
  if (current && (current.status === 'DECIDED' || current.gaDate <= today))
    throw new Conflict(
      `${product} ${version}: general availability on ${current.gaDate} has come and its upgrade decisions are taken; it cannot move to ${request.gaDate}`,
    );
  return {
    release: {
      product,
      version,
      versionKey: versionSortKey(version),
      gaDate: request.gaDate,
      status: 'SCHEDULED',
      revision: (current?.revision ?? 0) + 1,
      announcedAt: current?.announcedAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    },
    changed: true,
  };
}

export type UpgradeRule =
  | 'CURRENT_ON_GA'
  | 'ALREADY_ON_RELEASE'
  | 'NO_COVERAGE'
  | 'STARTED_ON_OR_AFTER_GA'
  | 'REGISTERED_AFTER_GA'
  | 'LAPSED_BEFORE_GA'
  | 'GAP_OVER_GA';

export interface UpgradeDecision {
  serialNumber: string;
  product: string;
  fromVersion: string;
  toVersion: string;
  gaDate: string;
  entitled: boolean;
  rule: UpgradeRule;
  /** The inputs: every term the serial had when decided. */
  termsConsidered: CoverageTerm[];
  /** The term that entitled it, if any. */
  qualifyingTerm?: CoverageTerm;
  reasons: string[];
  decidedAt: string;
}

const termText = (t: CoverageTerm) => `the term ${t.start} to ${t.end} of certificate ${t.certificateNumber}`;

/**
 * Entitled iff a term was active on the GA day (start ≤ GA ≤ end, both inclusive) and began
 * before it. A renewal counts only if registered by the GA date: one registered later (after
 * the contract lapsed) never reaches back to a GA date in the gap, even back-dated. A first
 * purchase registered late still counts: it was established before GA.
 */
export function decideUpgrade(
  serial: Pick<RegisteredSerial, 'serialNumber' | 'product' | 'version' | 'terms'>,
  release: Pick<Release, 'product' | 'version' | 'gaDate'>,
  at: string,
): UpgradeDecision {
  const { gaDate } = release;
  const label = `Serial ${serial.serialNumber} (${serial.product} ${serial.version})`;
  const base = {
    serialNumber: serial.serialNumber,
    product: serial.product,
    fromVersion: serial.version,
    toVersion: release.version,
    gaDate,
    termsConsidered: serial.terms,
    decidedAt: at,
  };
  const refuse = (rule: UpgradeRule, reason: string): UpgradeDecision => ({
    ...base,
    entitled: false,
    rule,
    reasons: [
      reason,
      `Rule: a contract current on the GA date of ${release.product} ${release.version} (${gaDate}) and established before it entitles the serial to the upgrade.`,
    ],
  });

  if (compareVersions(serial.version, release.version) >= 0)
    return refuse(
      'ALREADY_ON_RELEASE',
      `${label} is already on ${release.version} or later: there is nothing to upgrade to.`,
    );
  const firstStart = serial.terms.map((t) => t.start).sort()[0];
  const inTime = (t: CoverageTerm) => (t.registeredOn ?? t.start) <= gaDate || t.start === firstStart;
  const qualifying = serial.terms
    .filter((t) => isActiveOn(t, gaDate) && t.start < gaDate && inTime(t))
    .sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  if (qualifying)
    return {
      ...base,
      entitled: true,
      rule: 'CURRENT_ON_GA',
      qualifyingTerm: qualifying,
      reasons: [
        `${label} is entitled to upgrade to ${release.product} ${release.version}: ${termText(qualifying)} was current on the GA date ${gaDate} and began before it.`,
      ],
    };

  if (serial.terms.length === 0) return refuse('NO_COVERAGE', `${label} has no support contract on record.`);
  const activeOnGa = serial.terms.filter((t) => isActiveOn(t, gaDate));
  const startedThatDay = activeOnGa.find((t) => t.start === gaDate);
  if (startedThatDay)
    return refuse(
      'STARTED_ON_OR_AFTER_GA',
      `${label}: ${termText(startedThatDay)} began on the GA date ${gaDate}, not before it.`,
    );
  const registeredLate = activeOnGa.find((t) => !inTime(t));
  if (registeredLate)
    return refuse(
      'REGISTERED_AFTER_GA',
      `${label}: ${termText(registeredLate)} covers ${gaDate} but is a renewal registered on ${registeredLate.registeredOn}, after the GA date; a renewal after a lapse grants no version released in the gap.`,
    );
  const before = serial.terms.filter((t) => t.end < gaDate).sort((a, b) => (a.end < b.end ? 1 : -1))[0];
  const after = serial.terms.filter((t) => t.start > gaDate).sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  if (before && after)
    return refuse(
      'GAP_OVER_GA',
      `${label}: the GA date ${gaDate} fell in a gap in coverage, between the end of ${termText(before)} and the start of ${termText(after)}; a renewal after a lapse grants no version released in the gap.`,
    );
  if (before)
    return refuse(
      'LAPSED_BEFORE_GA',
      `${label}: coverage lapsed on ${before.end} (certificate ${before.certificateNumber}), before the GA date ${gaDate}.`,
    );
  return refuse(
    'STARTED_ON_OR_AFTER_GA',
    `${label}: coverage began on ${after!.start} (certificate ${after!.certificateNumber}), after the GA date ${gaDate}.`,
  );
}

/** A version in names: `12.0 MP 1` → `12-0-MP-1`. */
const versionSlug = (version: string) => version.replace(/[^0-9A-Za-z]+/g, '-');

/** The one name the GA run of a release goes by, from its schedule or the reconciler. */
export const gaRunExecutionName = (product: string, version: string, gaDate: string, attempt?: string) =>
  `ga-${slug(product)}-${versionSlug(version)}-${gaDate}${attempt ? `-${attempt}` : ''}`;

export const gaScheduleName = (product: string, version: string) =>
  `ga-${slug(product)}-${versionSlug(version)}`;

/** One upgrade email per contact and release, whatever the number of serials it lists. */
export function upgradeNoticeId(release: Pick<Release, 'product' | 'version'>, to: string): string {
  return `upgrade-${slug(release.product)}-${versionSlug(release.version)}-${addressHash(to, 16)}`;
}

export interface UpgradeLinks {
  licensingPortalUrl: string;
  downloadsUrl: string;
}

export function upgradeNotice(
  release: Pick<Release, 'product' | 'version' | 'gaDate'>,
  recipient: { to: string; name: string; language: Language },
  links: UpgradeLinks,
  at: string,
): Notice {
  return {
    id: upgradeNoticeId(release, recipient.to),
    kind: 'UPGRADE',
    template: 'UpgradeAvailable',
    to: recipient.to,
    language: recipient.language,
    data: {
      contactName: recipient.name,
      product: release.product,
      version: release.version,
      gaDate: release.gaDate,
      licensingPortalUrl: links.licensingPortalUrl,
      downloadsUrl: links.downloadsUrl,
      // The entitled serials are added as lines, page by page, and listed as `serials`.
      listName: 'serials',
    },
    status: 'PENDING',
    createdAt: at,
  };
}

/** Each major's general availability: the GA date of its earliest release. */
export function majorGaDates(
  releases: ReadonlyArray<Pick<Release, 'version' | 'gaDate'>>,
): Map<number, string> {
  const found = new Map<number, string>();
  for (const r of releases) {
    const major = majorOf(r.version);
    const known = found.get(major);
    if (!known || r.gaDate < known) found.set(major, r.gaDate);
  }
  return found;
}
