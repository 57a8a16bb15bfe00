/**
 * First Task of upgrade-decisions (the GA run): checks the release still has this GA date
 * and is not decided yet (a stale or repeated start stops here), then splits the
 * product's serials on earlier versions into pages for the Distributed Map.
 */
import { type PageStart, ReleaseStore } from '../adapters/releases.ts';
import { dueShards } from '../adapters/table-design.ts';
import { gaRunKey, type Release } from '../core/upgrades.ts';
import { versionSortKey } from '../core/versions.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';

export interface GaRunInput {
  product: string;
  version: string;
  gaDate: string;
}

/** What every Task of a current GA run is given about it. */
export interface GaRun extends Pick<Release, 'product' | 'version' | 'versionKey' | 'gaDate'> {
  /** Names this run's upgrade notices in the due-date index. */
  runKey: string;
  /** When the run was planned. */
  at: string;
}

export type GaRunPlan =
  | { current: false; reason: string }
  | (GaRun & { current: true; pages: PageStart[]; shards: number[] });

export function makePlanUpgradeRun(store: ReleaseStore, pageSize: number) {
  return async (input: GaRunInput): Promise<GaRunPlan> => {
    const { product, version, gaDate } = input;
    const versionKey = versionSortKey(version);
    const release = await store.get(product, versionKey);
    if (!release) return { current: false, reason: `no release ${product} ${version}` };
    if (release.gaDate !== gaDate)
      return { current: false, reason: `GA moved from ${gaDate} to ${release.gaDate}` };
    if (release.status === 'DECIDED')
      return { current: false, reason: `decided on ${release.decidedAt}: nothing to decide or send again` };
    return {
      current: true,
      product,
      version,
      versionKey,
      gaDate,
      runKey: gaRunKey({ product, versionKey }),
      at: now().toISOString(),
      pages: await store.pageStarts(product, versionKey, pageSize),
      shards: dueShards(),
    };
  };
}

export const handler = logged(
  makePlanUpgradeRun(new ReleaseStore(documentClient, config.table().tableName), config.upgrades().pageSize),
  (input) =>
    `${gaRunKey({ product: input.product, versionKey: versionSortKey(input.version) })}@${input.gaDate}`,
);
