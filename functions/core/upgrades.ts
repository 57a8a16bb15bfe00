/**
 * Upgrade entitlement (DOMAIN.md "Upgrade entitlement"): a serial on an earlier version
 * is entitled to a new release when a support contract was current on the release's
 * general-availability date and established before it. Decided once, on the GA date,
 * and kept as a record with its inputs and the rule that fired. Pure: time is passed in.
 */
import { createHash } from 'node:crypto';
import { dayOf } from './calendar.ts';
import { type CoverageTerm, isActiveOn } from './coverage.ts';
import { Conflict } from './errors.ts';
import { IsoDate } from './identifiers.ts';
import { slug } from './lifecycle.ts';
import { addressHash, type Notice } from './notices.ts';
import { contactsOfSerials, type Recipient, recipientsOf } from './recipients.ts';
import type { RegisteredSerial, Roster } from './registration.ts';
import { type NamedRun, type ScheduledRun, scheduledOn } from './runs.ts';
import { compareVersions, majorOf, parseVersion, versionSortKey } from './versions.ts';
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
  const today = dayOf(now);
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

/**
 * A version in names, as the release it is (its sort key), not as typed: `12.0`, `12.00`
 * and `12` → `12-0`; `12.0.1` → `12-0-1`; `12.0 MP 1` → `12-0-MP1`. One name per release,
 * two releases never share one; at most 20 characters of `[0-9A-Za-z-]`. Anything not a
 * version (never stored) goes by a hash of its full text.
 */
function versionSlug(version: string): string {
  const v = parseVersion(version);
  if (!v) return createHash('sha256').update(version, 'utf8').digest('hex').slice(0, 16);
  return [
    v.major,
    v.minor,
    ...(v.patch ? [v.patch] : []),
    ...(v.maintenancePack ? [`MP${v.maintenancePack}`] : []),
  ].join('-');
}

/** A release in names (at most 50 characters): its product's slug and its version. */
const releaseSlug = (product: string, version: string) => `${slug(product)}-${versionSlug(version)}`;

/** The one name the GA run of a release goes by, from its schedule or the reconciler. */
export const gaRunExecutionName = (product: string, version: string, gaDate: string, attempt?: string) =>
  `ga-${releaseSlug(product, version)}-${gaDate}${attempt ? `-${attempt}` : ''}`;

export const gaScheduleName = (product: string, version: string) => `ga-${releaseSlug(product, version)}`;

/** What the GA run of a release is started with. */
export type GaRunInput = Pick<Release, 'product' | 'version' | 'gaDate'>;

/** The GA run of a release: on its GA date by its schedule, or by the reconciler (a later day's `attempt`). */
export const gaRun = (release: GaRunInput, attempt?: string): NamedRun<GaRunInput> => ({
  name: gaRunExecutionName(release.product, release.version, release.gaDate, attempt),
  input: { product: release.product, version: release.version, gaDate: release.gaDate },
});

/** The one-time schedule that starts the GA run on a GA date still to come. */
export const gaRunSchedule = (release: GaRunInput): ScheduledRun<GaRunInput> =>
  scheduledOn(gaScheduleName(release.product, release.version), release.gaDate, gaRun(release));

/** Names a GA run's upgrade notices in the due-date index: the run delivers what carries its key. */
export const gaRunKey = (release: Pick<Release, 'product' | 'versionKey'>) =>
  `${release.product}#${release.versionKey}`;

/** One upgrade email per contact and release, whatever the number of serials it lists. */
export function upgradeNoticeId(release: Pick<Release, 'product' | 'version'>, to: string): string {
  return `upgrade-${releaseSlug(release.product, release.version)}-${addressHash(to, 16)}`;
}

export interface UpgradeLinks {
  licensingPortalUrl: string;
  downloadsUrl: string;
}

export function upgradeNotice(
  release: Pick<Release, 'product' | 'version' | 'gaDate'>,
  recipient: Recipient,
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

/**
 * How a release stands for a serial registered (or renewed) now: its GA run has decided
 * every serial (`DECIDED`), or the GA date has come and the run is due or under way
 * (`RUNNING`). Before the GA date the release is not listed: its run will decide the serial.
 */
export type LateUpgradePhase = 'DECIDED' | 'RUNNING';

/**
 * The decisions a registration owes because it came after a release's GA date: each serial
 * against each release of its product on a later version whose GA date has come, as the
 * GA run decides the serials before the release (by version key). Serials on the release
 * or later are not decided, as in the GA run.
 */
export function lateUpgradesOwed<
  S extends Pick<RegisteredSerial, 'product' | 'version'>,
  R extends Pick<Release, 'product' | 'versionKey' | 'gaDate' | 'status'>,
>(
  serials: readonly S[],
  releases: readonly R[],
  today: string,
): Array<{ serial: S; release: R; phase: LateUpgradePhase }> {
  const owed: Array<{ serial: S; release: R; phase: LateUpgradePhase }> = [];
  for (const serial of serials) {
    const serialKey = versionSortKey(serial.version);
    for (const release of releases) {
      if (release.product !== serial.product || serialKey >= release.versionKey) continue;
      if (release.status === 'DECIDED') owed.push({ serial, release, phase: 'DECIDED' });
      else if (release.gaDate <= today) owed.push({ serial, release, phase: 'RUNNING' });
    }
  }
  return owed;
}

/**
 * The upgrade notices an entitled decision owes, as the GA run owes them: one per address
 * among the roster's contacts of the serial (the same notice id as the GA run's, so a contact
 * it told is not told again), each with the serial as a line. None when not entitled.
 */
export function upgradeNoticesOwed(
  decision: Pick<UpgradeDecision, 'serialNumber' | 'fromVersion' | 'entitled'>,
  roster: Roster,
  release: Pick<Release, 'product' | 'version' | 'gaDate'>,
  links: UpgradeLinks,
  at: string,
): Array<{ notice: Notice; line: string }> {
  if (!decision.entitled) return [];
  const line = JSON.stringify({ serialNumber: decision.serialNumber, version: decision.fromVersion });
  return recipientsOf(contactsOfSerials(roster, new Set([decision.serialNumber]))).map((recipient) => ({
    notice: upgradeNotice(release, recipient, links, at),
    line,
  }));
}

/**
 * A serial's entitlement to a release, as the entitlement route answers it: the decision
 * recorded (on the GA date, or when a serial registered since was registered); before the
 * GA date, not decided yet, with what today's records would give; after it, one not
 * recorded (already on the version, or its registration's decision awaits a replay) is
 * decided now by the same rule, and says so.
 */
export function upgradeEntitlement(
  serial: Pick<RegisteredSerial, 'serialNumber' | 'product' | 'version' | 'terms'>,
  release: Pick<Release, 'product' | 'version' | 'gaDate'>,
  recorded: UpgradeDecision | null,
  at: string,
  /** The version as asked for (`12.50` for the release `12.5`). */
  version = release.version,
) {
  const { product, gaDate } = release;
  const base = { serialNumber: serial.serialNumber, product, version, gaDate };
  if (recorded)
    return {
      ...base,
      entitled: recorded.entitled,
      reasons: recorded.reasons,
      rule: recorded.rule,
      decidedOn: recorded.decidedAt,
      fromVersion: recorded.fromVersion,
      termsConsidered: recorded.termsConsidered,
    };
  const live = decideUpgrade(serial, release, at);
  if (dayOf(at) < gaDate)
    return {
      ...base,
      entitled: false,
      decided: false,
      reasons: [
        `Not decided yet: ${product} ${version} becomes generally available on ${gaDate}, and serials are decided on that date.`,
        `On today's records it would be: ${live.reasons[0]}`,
      ],
    };
  return {
    ...base,
    entitled: live.entitled,
    reasons: [
      ...live.reasons,
      `Decided on request: serial ${serial.serialNumber} was not among those decided on the GA date (registered since, or not on an earlier version then).`,
    ],
    rule: live.rule,
    decidedOn: at,
    fromVersion: serial.version,
    termsConsidered: serial.terms,
  };
}
