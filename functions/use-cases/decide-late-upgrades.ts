/**
 * Upgrade decisions owed by a registration that came after a release's GA date (the GA
 * run decided the serials registered by then):
 * 1. load the certificate, and the releases of its products; most registrations stop here,
 *    no release of their products having reached its GA date;
 * 2. pair each serial with each later release whose GA date has come (core/upgrades);
 * 3. read the rosters of the serials' contacts, strongly consistent (on a first registration
 *    the roster was written a moment ago);
 * 4. each pair: decide by the GA run's rule (core/upgrades `decideUpgrade`: coverage continuous
 *    since the first registration, a contract established before the release's first
 *    announcement day, which the listed release carries) and record the decision, with the
 *    release's one upgrade notice owed to each entitled contact (the GA run's notice id: a
 *    contact it told is not told again), in one transaction; while the GA run is under way,
 *    it delivers them;
 * 5. a decision recorded before (a replay, a retry, a renewal of a serial the GA run
 *    decided) stands: nothing is decided or owed again, but a notice it owed may still wait;
 * 6. start the deliveries, each named after its notice (started at most once).
 */
import type { Deliveries } from '../adapters/deliveries.ts';
import type { RegistrationStore } from '../adapters/registrations.ts';
import type { ReleaseStore } from '../adapters/releases.ts';
import { dayOf } from '../core/calendar.ts';
import {
  decideUpgrade,
  gaRunKey,
  lateUpgradesOwed,
  type UpgradeLinks,
  upgradeNoticesOwed,
} from '../core/upgrades.ts';

export interface LateUpgradesResult {
  /** Serial and release pairs looked at, decisions recorded now, of them entitled. */
  considered: number;
  recorded: number;
  entitled: number;
  /** Deliveries asked for (each named after its notice: started at most once). */
  deliveries: number;
}

export const NO_LATE_UPGRADES: LateUpgradesResult = {
  considered: 0,
  recorded: 0,
  entitled: 0,
  deliveries: 0,
};

export async function decideLateUpgrades(
  stores: { releases: ReleaseStore; registrations: RegistrationStore; deliveries: Deliveries },
  links: UpgradeLinks,
  certificateNumber: string,
  at: string,
): Promise<LateUpgradesResult> {
  const { releases, registrations, deliveries } = stores;
  const certificate = await registrations.getCertificate(certificateNumber);
  if (!certificate) return NO_LATE_UPGRADES;
  const today = dayOf(at);
  const products = [...new Set(certificate.products.map((p) => p.product))];
  const announced = (await Promise.all(products.map((p) => releases.list(p)))).flat();
  if (!announced.some((r) => r.status === 'DECIDED' || r.gaDate <= today)) return NO_LATE_UPGRADES;

  const serials = await registrations.getSerials(certificate.products.map((p) => p.serialNumber));
  const owed = lateUpgradesOwed(serials, announced, today);
  if (owed.length === 0) return NO_LATE_UPGRADES;
  const rosters = await registrations.rostersOf(
    owed.map((o) => o.serial.contactsCertificate),
    certificate,
  );

  const result = { ...NO_LATE_UPGRADES, considered: owed.length };
  const toDeliver = new Set<string>();
  const toCheck = new Set<string>();
  // One pair at a time: a contact's serials go onto the same notice item.
  for (const { serial, release, phase } of owed) {
    const roster = rosters.get(serial.contactsCertificate) ?? {};
    const decision = decideUpgrade(serial, release, at);
    const notices = upgradeNoticesOwed(decision, roster, release, links, at);
    const written = await releases.recordLateDecision(
      decision,
      release.versionKey,
      notices,
      // The run under way delivers its notices once every page is decided: these with them.
      phase === 'RUNNING' ? { gaDate: release.gaDate, runKey: gaRunKey(release) } : undefined,
    );
    if (written.recorded) {
      result.recorded++;
      if (decision.entitled) result.entitled++;
      if (phase === 'DECIDED') for (const id of written.owed) toDeliver.add(id);
      continue;
    }
    if (phase !== 'DECIDED') continue;
    const recorded = await releases.getDecision(serial.serialNumber, serial.product, release.versionKey);
    for (const { notice } of recorded ? upgradeNoticesOwed(recorded, roster, release, links, at) : [])
      toCheck.add(notice.id);
  }
  for (const id of await releases.pendingNotices([...toCheck].filter((id) => !toDeliver.has(id))))
    toDeliver.add(id);
  await deliveries.start([...toDeliver]);
  result.deliveries = toDeliver.size;
  return result;
}
