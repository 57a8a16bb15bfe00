/**
 * Upgrade entitlement (DOMAIN.md "Upgrade entitlement"): a serial on an earlier version
 * is entitled to a new release when its coverage ran unbroken from its first registration
 * through the release's general-availability date, under a contract established before the
 * release was announced (or before GA, when announced after the fact). Decided once, on
 * the GA date, and kept as a record with its inputs and the rule that fired. A serial moves
 * to a later major only when so entitled (`decideVersionMove`). Pure: time is passed in.
 */
import { createHash } from 'node:crypto';
import type { Actor } from './actors.ts';
import { addDays, dayOf } from './calendar.ts';
import { type CoverageTerm, isActiveOn, termInForce } from './coverage.ts';
import { Conflict, RuleViolation } from './errors.ts';
import { IsoDate } from './identifiers.ts';
import { slug } from './lifecycle.ts';
import { addressHash, type Notice } from './notices.ts';
import { contactsOfSerials, type Recipient, recipientsOf } from './recipients.ts';
import type { RegisteredSerial, Roster } from './registration.ts';
import { type NamedRun, type ScheduledRun, scheduledOn } from './runs.ts';
import { compareVersions, majorOf, parseVersion, VersionString, versionSortKey } from './versions.ts';
import { readableDate } from './wording.ts';
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
  /**
   * The day the release was first announced to this service, kept by every later PUT: the
   * upgrade rule's reference. Absent on records older than it (`announcementDay` reads `announcedAt`).
   */
  announcedOn?: string;
  updatedAt: string;
  /** Who first announced it (kept by every later PUT, like `announcedAt`); absent on records older than roles. */
  announcedBy?: Actor;
  /** Who made the last change (a first announcement, or a new GA date). */
  updatedBy?: Actor;
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
  actor: Actor,
): { release: Release; changed: boolean } {
  const today = dayOf(now);
  if (current && current.gaDate === request.gaDate) return { release: current, changed: false };
  if (current && (current.status === 'DECIDED' || current.gaDate <= today))
    throw new Conflict(
      `${product} ${version}: general availability on ${current.gaDate} has come and its upgrade decisions are taken; it cannot move to ${request.gaDate}`,
    );
  // Who announced first stays; a record older than roles is not given an announcer after the fact.
  const announcedBy = current ? current.announcedBy : actor;
  return {
    release: {
      product,
      version,
      versionKey: versionSortKey(version),
      gaDate: request.gaDate,
      status: 'SCHEDULED',
      revision: (current?.revision ?? 0) + 1,
      announcedAt: current?.announcedAt ?? now.toISOString(),
      // The first announcement's day, never moved by a reschedule.
      announcedOn: (current && announcementDay(current)) ?? today,
      updatedAt: now.toISOString(),
      ...(announcedBy ? { announcedBy } : {}),
      updatedBy: actor,
    },
    changed: true,
  };
}

export type UpgradeRule =
  | 'CURRENT_ON_GA'
  | 'ALREADY_ON_RELEASE'
  | 'NO_COVERAGE'
  | 'STARTED_ON_OR_AFTER_GA'
  | 'STARTED_AFTER_ANNOUNCEMENT'
  | 'REGISTERED_AFTER_GA'
  | 'LAPSED_BEFORE_GA'
  | 'GAP_BEFORE_GA'
  | 'GAP_OVER_GA';

/**
 * The day a contract must have been established before: the day the release was first
 * announced to this service when that came before its GA date; the GA date itself when it
 * was announced on or after it (after the fact), or when no announcement day is on record.
 */
export interface ReferenceDate {
  date: string;
  kind: 'ANNOUNCEMENT' | 'GA_DATE';
  announcedOn: string | null;
}

/** The release as the rule reads it: stored releases carry the day they were first announced. */
export type ReleaseForDecision = Pick<Release, 'product' | 'version' | 'gaDate'> &
  Partial<Pick<Release, 'announcedOn' | 'announcedAt'>>;

/** The day a release was first announced (`announcedOn`; from `announcedAt` on records older than it). */
export const announcementDay = (release: Partial<Pick<Release, 'announcedOn' | 'announcedAt'>>) =>
  release.announcedOn ?? (release.announcedAt ? dayOf(release.announcedAt) : null);

export function referenceDate(release: ReleaseForDecision): ReferenceDate {
  const announcedOn = announcementDay(release);
  return announcedOn && announcedOn < release.gaDate
    ? { date: announcedOn, kind: 'ANNOUNCEMENT', announcedOn }
    : { date: release.gaDate, kind: 'GA_DATE', announcedOn };
}

export interface UpgradeDecision {
  serialNumber: string;
  product: string;
  fromVersion: string;
  toVersion: string;
  gaDate: string;
  entitled: boolean;
  rule: UpgradeRule;
  /** The day the covering contract had to be established before, and why that day. */
  referenceDate?: ReferenceDate;
  /** Whether coverage ran unbroken from the serial's first registration through the GA date. */
  continuous?: boolean;
  /** The inputs: every term the serial had when decided. */
  termsConsidered: CoverageTerm[];
  /** The term that entitled it (the one current on the GA date), if any. */
  qualifyingTerm?: CoverageTerm;
  reasons: string[];
  decidedAt: string;
}

const termText = (t: CoverageTerm) => `the term ${t.start} to ${t.end} of certificate ${t.certificateNumber}`;

function referenceText(release: ReleaseForDecision, ref: ReferenceDate): string {
  const name = `${release.product} ${release.version}`;
  if (ref.kind === 'ANNOUNCEMENT')
    return `Reference date ${ref.date}: the day ${name} was first announced, before its GA date ${release.gaDate}; the contract had to be established before it.`;
  if (ref.announcedOn)
    return `Reference date ${ref.date}, the GA date: ${name} was announced on ${ref.announcedOn}, on or after its GA date (after the fact), so the contract had to be established before the GA date.`;
  return `Reference date ${ref.date}, the GA date: no announcement day of ${name} is on record, so the contract had to be established before the GA date.`;
}

/**
 * The unbroken run of coverage from the serial's first registration: the earliest term,
 * extended by each term that starts by the day after the run ends. A term registered
 * after the GA date never extends it (no retroactive grants), except the first purchase
 * itself, which may be registered late. `end` is the run's last covered day.
 */
function continuousRun(terms: readonly CoverageTerm[], gaDate: string) {
  const byStart = [...terms].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const first = byStart[0]!;
  const counted = byStart.filter((t) => t === first || (t.registeredOn ?? t.start) <= gaDate);
  let end = first.end;
  let last = first;
  for (const t of counted)
    if (t.start <= addDays(end, 1) && t.end > end) {
      end = t.end;
      last = t;
    }
  return { first, end, last, counted };
}

/**
 * DOMAIN.md "Upgrade entitlement": entitled iff coverage ran unbroken from the serial's
 * first registration through the GA date (both inclusive), and the contract so kept was
 * established (its first term started) before the reference date: the day the release was
 * first announced, or the GA date when it was announced on or after it. A gap breaks the
 * run for good: a renewal after a lapse, even back-dated, never reaches back to a version
 * released meanwhile; a renewal registered after the GA date does not count for it. A first
 * purchase registered late still counts. Every decision names its reference date and why,
 * and whether coverage was continuous.
 */
export function decideUpgrade(
  serial: Pick<RegisteredSerial, 'serialNumber' | 'product' | 'version' | 'terms'>,
  release: ReleaseForDecision,
  at: string,
): UpgradeDecision {
  const { gaDate } = release;
  const label = `Serial ${serial.serialNumber} (${serial.product} ${serial.version})`;
  const ref = referenceDate(release);
  const base = {
    serialNumber: serial.serialNumber,
    product: serial.product,
    fromVersion: serial.version,
    toVersion: release.version,
    gaDate,
    referenceDate: ref,
    termsConsidered: serial.terms,
    decidedAt: at,
  };
  const ruleText = `Rule: coverage continuous from the serial's first registration through the GA date of ${release.product} ${release.version} (${gaDate}), under a contract established before the reference date (${ref.date}), entitles the serial to the upgrade.`;
  const refuse = (rule: UpgradeRule, continuous: boolean, ...reasons: string[]): UpgradeDecision => ({
    ...base,
    entitled: false,
    rule,
    continuous,
    reasons: [...reasons, referenceText(release, ref), ruleText],
  });

  if (compareVersions(serial.version, release.version) >= 0)
    return refuse(
      'ALREADY_ON_RELEASE',
      false,
      `${label} is already on ${release.version} or later: there is nothing to upgrade to.`,
    );
  if (serial.terms.length === 0)
    return refuse('NO_COVERAGE', false, `${label} has no support contract on record.`);

  const run = continuousRun(serial.terms, gaDate);
  const { first } = run;
  const since = `since its first registration (${termText(first)})`;
  const continuous = first.start <= gaDate && run.end >= gaDate;
  const continuityText = continuous
    ? `Coverage was continuous ${since} through the GA date ${gaDate}.`
    : `Coverage was not continuous ${since} through the GA date ${gaDate}.`;

  if (first.start >= gaDate)
    return refuse(
      'STARTED_ON_OR_AFTER_GA',
      false,
      `${label}: coverage began on ${first.start} (certificate ${first.certificateNumber}), ${first.start === gaDate ? 'on' : 'after'} the GA date ${gaDate}, not before it.`,
      `Coverage was not continuous through the GA date ${gaDate}: the serial's first registration (${termText(first)}) began ${first.start === gaDate ? 'on' : 'after'} it.`,
    );

  if (continuous) {
    const qualifying = termInForce(
      run.counted.filter((t) => isActiveOn(t, gaDate)),
      gaDate,
    )!;
    if (first.start >= ref.date)
      return refuse(
        'STARTED_AFTER_ANNOUNCEMENT',
        true,
        `${label}: its contract was established on ${first.start} (certificate ${first.certificateNumber}), not before ${ref.kind === 'ANNOUNCEMENT' ? `the day ${release.product} ${release.version} was announced (${ref.date})` : `the GA date ${ref.date}`}.`,
        continuityText,
      );
    return {
      ...base,
      entitled: true,
      rule: 'CURRENT_ON_GA',
      continuous: true,
      qualifyingTerm: qualifying,
      reasons: [
        `${label} is entitled to upgrade to ${release.product} ${release.version}: ${termText(qualifying)} was current on the GA date ${gaDate}, and the contract was established on ${first.start}, before the reference date ${ref.date}.`,
        continuityText,
        referenceText(release, ref),
      ],
    };
  }

  // Not continuous: say where it broke, and what (if anything) covered the GA date.
  const lapsed = `coverage lapsed after ${run.end} (${termText(run.last)})`;
  // Covered again on the GA date, after a gap: the first term after the gap is where it resumed.
  const resumed = run.counted.some((t) => isActiveOn(t, gaDate))
    ? run.counted.find((t) => t.start > run.end)
    : undefined;
  if (resumed)
    return refuse(
      'GAP_BEFORE_GA',
      false,
      `${label}: ${lapsed} and resumed on ${resumed.start} (certificate ${resumed.certificateNumber}), before the GA date ${gaDate}; a renewal after a lapse does not restore the upgrade entitlement.`,
      continuityText,
    );
  const registeredLate = serial.terms.find((t) => !run.counted.includes(t) && isActiveOn(t, gaDate));
  if (registeredLate)
    return refuse(
      'REGISTERED_AFTER_GA',
      false,
      `${label}: ${termText(registeredLate)} covers ${gaDate} but is a renewal registered on ${registeredLate.registeredOn}, after the GA date; a renewal after a lapse grants no version released in the gap.`,
      continuityText,
    );
  const after = serial.terms.filter((t) => t.start > gaDate).sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  if (after)
    return refuse(
      'GAP_OVER_GA',
      false,
      `${label}: the GA date ${gaDate} fell in a gap in coverage: ${lapsed}, and ${termText(after)} started after it; a renewal after a lapse grants no version released in the gap.`,
      continuityText,
    );
  return refuse(
    'LAPSED_BEFORE_GA',
    false,
    `${label}: coverage lapsed on ${run.end} (certificate ${run.last.certificateNumber}), before the GA date ${gaDate}.`,
    continuityText,
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
      gaOn: readableDate(release.gaDate, recipient.language),
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
  release: ReleaseForDecision,
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

/** PUT /serials/{serialNumber}/version: the version the serial runs now. */
export const SerialVersionRequest = z.strictObject({ version: VersionString });
export type SerialVersionRequest = z.infer<typeof SerialVersionRequest>;

/** One move of a serial's version, kept on the serial in order. */
export interface VersionHistoryEntry {
  version: string;
  from: string;
  at: string;
  requestId: string;
  /** Who recorded the move. */
  actor: Actor;
  /** A move to a new major: the release whose upgrade entitlement allowed it, and the rule. */
  entitledBy?: { version: string; gaDate: string; rule: UpgradeRule };
}

export type VersionMove =
  | { kind: 'UNCHANGED' }
  | { kind: 'MOVE'; version: string; entry: VersionHistoryEntry; reasons: string[] };

/**
 * DOMAIN.md "after an upgrade, a serial runs the new version": forward only; within its
 * major freely (a minor, a maintenance pack); to a later major only when the serial is
 * entitled to a release of that major, announced for its product, generally available by
 * today, and not after the version asked for (its decision recorded on the GA date, else
 * decided now by the same rule). A major with no release of this product is not a version
 * of this product (422). The same version again changes nothing (a safe retry).
 */
export function decideVersionMove(
  serial: Pick<RegisteredSerial, 'serialNumber' | 'product' | 'version' | 'terms'>,
  version: string,
  releases: ReadonlyArray<ReleaseForDecision & Pick<Release, 'versionKey'>>,
  recorded: ReadonlyMap<string, UpgradeDecision>,
  context: { at: string; requestId: string; actor: Actor },
): VersionMove {
  const order = compareVersions(version, serial.version);
  const name = `${serial.product} ${version}`;
  const refuse = (detail: string, reasons: string[]) =>
    new RuleViolation(
      detail,
      reasons.map((message) => ({ path: 'version', message })),
    );
  if (order === 0) return { kind: 'UNCHANGED' };
  if (order < 0)
    throw refuse(`serial ${serial.serialNumber} runs ${serial.version}: a version moves forward only`, [
      `${version} is older than ${serial.version}, the version serial ${serial.serialNumber} runs; a serial's version never goes back.`,
    ]);
  const entry = {
    version,
    from: serial.version,
    at: context.at,
    requestId: context.requestId,
    actor: context.actor,
  };
  const major = majorOf(version);
  if (major === majorOf(serial.version))
    return {
      kind: 'MOVE',
      version,
      entry,
      reasons: [
        `${version} is a later version of major ${major}, which serial ${serial.serialNumber} runs: no upgrade entitlement is needed.`,
      ],
    };

  const today = dayOf(context.at);
  const ofMajor = releases.filter((r) => r.product === serial.product && majorOf(r.version) === major);
  if (ofMajor.length === 0)
    throw refuse(`${version} is not a version of ${serial.product} known here`, [
      `No release of ${serial.product} major ${major} has been announced: ${version} is not a version of this product (a version of another product, or one not announced yet), so serial ${serial.serialNumber} cannot move to it.`,
    ]);
  const targetKey = versionSortKey(version);
  const candidates = ofMajor.filter((r) => r.versionKey <= targetKey && r.gaDate <= today);
  if (candidates.length === 0)
    throw refuse(`${name} is not generally available to move to`, [
      `No release of ${serial.product} major ${major} up to ${version} is generally available yet (${ofMajor
        .map((r) => `${r.version} on ${r.gaDate}`)
        .join(', ')}): serial ${serial.serialNumber} cannot run it.`,
    ]);
  const decisions = candidates.map((r) => recorded.get(r.versionKey) ?? decideUpgrade(serial, r, context.at));
  const entitling = decisions.find((d) => d.entitled);
  if (!entitling)
    throw refuse(
      `serial ${serial.serialNumber} is not entitled to upgrade to ${serial.product} major ${major}`,
      decisions.flatMap((d) => [`Release ${d.toVersion} (GA ${d.gaDate}), rule ${d.rule}:`, ...d.reasons]),
    );
  return {
    kind: 'MOVE',
    version,
    entry: {
      ...entry,
      entitledBy: { version: entitling.toVersion, gaDate: entitling.gaDate, rule: entitling.rule },
    },
    reasons: entitling.reasons,
  };
}
