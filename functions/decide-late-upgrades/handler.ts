/**
 * Last Task of register-certificate: the upgrade decisions a registration owes because it
 * came after a release's GA date (use-cases/decide-late-upgrades.ts): a serial registered
 * since is decided by the GA run's rule, recorded as the GA run records it, and each
 * entitled contact is owed the release's one upgrade notice. A refused registration owes
 * nothing. The workflow catches a failure here: the registration stands, and a replay
 * decides again.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import type { UpgradeLinks } from '../core/upgrades.ts';
import type { RecordRegistrationOutput } from '../record-registration/handler.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';
import {
  decideLateUpgrades,
  type LateUpgradesResult,
  NO_LATE_UPGRADES,
} from '../use-cases/decide-late-upgrades.ts';

export function makeDecideLateUpgrades(
  releases: ReleaseStore,
  registrations: RegistrationStore,
  deliveries: Deliveries,
  links: UpgradeLinks,
  clock: () => Date = now,
) {
  return async (input: RecordRegistrationOutput): Promise<LateUpgradesResult> => {
    if (input.outcome === 'REFUSED') return NO_LATE_UPGRADES;
    const { certificateNumber } = input;
    const stores = { releases, registrations, deliveries };
    const result = await decideLateUpgrades(stores, links, certificateNumber, clock().toISOString());
    if (result.considered) logger.info('late upgrade decisions', { certificateNumber, ...result });
    return result;
  };
}

const { tableName } = config.table();
export const handler = logged(
  makeDecideLateUpgrades(
    new ReleaseStore(documentClient, tableName),
    new RegistrationStore(documentClient, tableName),
    new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
    config.links(),
  ),
  (input) => (input.outcome === 'REFUSED' ? undefined : input.certificateNumber),
);
