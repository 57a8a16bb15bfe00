/**
 * Last Task of register-certificate: upgrade decisions owed by a registration that came
 * after a release's GA date. The GA run decided the serials registered by then; a serial
 * registered since (on an earlier version of the product) is decided here by the same rule,
 * recorded as the GA run records it, and each entitled contact is owed the release's one
 * upgrade notice (the GA run's notice id: a contact it told is not told again), in the same
 * transaction as the decision. A decision already recorded stands (a replay, a retry, a
 * renewal of a serial the GA run decided): nothing is decided or owed again. Deliveries are
 * started by the notice's name; while the GA run is still under way, it delivers them.
 * The workflow catches a failure here: the registration stands, and a replay decides again.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { WORKFLOWS } from '../catalog.ts';
import type { Roster } from '../core/registration.ts';
import {
  decideUpgrade,
  lateUpgradesOwed,
  type UpgradeLinks,
  upgradeNoticeId,
  upgradeNoticesOwed,
} from '../core/upgrades.ts';
import type { RecordRegistrationOutput } from '../record-registration/handler.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { optionalEnv, requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';

export interface LateUpgradesResult {
  /** Serial and release pairs looked at, decisions recorded now, of them entitled. */
  considered: number;
  recorded: number;
  entitled: number;
  /** Deliveries asked for (each named after its notice: started at most once). */
  deliveries: number;
}

const NOTHING: LateUpgradesResult = { considered: 0, recorded: 0, entitled: 0, deliveries: 0 };

export function makeDecideLateUpgrades(
  releases: ReleaseStore,
  registrations: RegistrationStore,
  deliveries: Deliveries,
  links: UpgradeLinks,
  clock: () => Date = now,
) {
  return async (input: RecordRegistrationOutput): Promise<LateUpgradesResult> => {
    if (input.outcome === 'REFUSED') return NOTHING;
    const certificate = await registrations.getCertificate(input.certificateNumber);
    if (!certificate) return NOTHING;
    const at = clock().toISOString();
    const today = at.slice(0, 10);

    // Most registrations stop here: no release of their products has reached its GA date.
    const products = [...new Set(certificate.products.map((p) => p.product))];
    const announced = (await Promise.all(products.map((p) => releases.list(p)))).flat();
    if (!announced.some((r) => r.status === 'DECIDED' || r.gaDate <= today)) return NOTHING;

    const serials = await registrations.getSerials(certificate.products.map((p) => p.serialNumber));
    const owed = lateUpgradesOwed(serials, announced, today);
    if (owed.length === 0) return NOTHING;
    // Read strongly consistent: on a first registration, the roster was written a moment ago.
    const rosters = new Map<string, Roster>();
    for (const n of new Set(owed.map((o) => o.serial.contactsCertificate)))
      rosters.set(
        n,
        (n === certificate.certificateNumber ? certificate : await registrations.getCertificate(n))?.roster ??
          {},
      );

    const result = { ...NOTHING, considered: owed.length };
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
        phase === 'RUNNING'
          ? { gaDate: release.gaDate, runKey: `${release.product}#${release.versionKey}` }
          : undefined,
      );
      if (written.recorded) {
        result.recorded++;
        if (decision.entitled) result.entitled++;
        if (phase === 'DECIDED') for (const id of written.owed) toDeliver.add(id);
        continue;
      }
      // Recorded before (a replay, a retry): a notice it owed may still wait for its delivery.
      if (phase !== 'DECIDED') continue;
      const recorded = await releases.getDecision(serial.serialNumber, serial.product, release.versionKey);
      if (!recorded?.entitled) continue;
      for (const entry of Object.values(roster))
        if (entry.to && entry.serialNumbers.includes(serial.serialNumber))
          toCheck.add(upgradeNoticeId(release, entry.to));
    }
    for (const id of await releases.pendingNotices([...toCheck].filter((id) => !toDeliver.has(id))))
      toDeliver.add(id);
    await deliveries.start([...toDeliver]);
    result.deliveries = toDeliver.size;
    logger.info('late upgrade decisions', { certificateNumber: certificate.certificateNumber, ...result });
    return result;
  };
}

export const handler = makeDecideLateUpgrades(
  new ReleaseStore(documentClient, requireEnv('TABLE_NAME')),
  new RegistrationStore(documentClient, requireEnv('TABLE_NAME')),
  new Deliveries(sfnClient, requireEnv(WORKFLOWS.DeliverNotice.arnVariable)),
  {
    licensingPortalUrl: optionalEnv('LICENSING_PORTAL_URL') ?? 'https://licensing.vendor.example',
    downloadsUrl: optionalEnv('DOWNLOADS_URL') ?? 'https://downloads.vendor.example',
  },
);
