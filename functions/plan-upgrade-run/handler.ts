/**
 * First Task of upgrade-decisions (the GA run): checks the release still has this GA date
 * and is not decided yet (a stale or repeated start stops here), then splits the
 * product's serials on earlier versions into pages for the Distributed Map.
 */
import { type PageStart, ReleaseStore } from '../adapters/releases.ts';
import { DUE_SHARDS, keys } from '../adapters/table-design.ts';
import { versionSortKey } from '../core/versions.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { optionalEnv, requireEnv } from '../shared/env.ts';

export interface GaRunInput {
  product: string;
  version: string;
  gaDate: string;
}

export type GaRunPlan =
  | { current: false; reason: string }
  | {
      current: true;
      product: string;
      version: string;
      versionKey: string;
      gaDate: string;
      /** Names this run's upgrade notices in the due-date index. */
      runKey: string;
      releaseKey: { PK: string; SK: string };
      at: string;
      pages: PageStart[];
      shards: number[];
    };

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
      runKey: `${product}#${versionKey}`,
      releaseKey: keys.release(product, versionKey),
      at: now().toISOString(),
      pages: await store.pageStarts(product, versionKey, pageSize),
      shards: Array.from({ length: DUE_SHARDS }, (_, i) => i),
    };
  };
}

export const handler = makePlanUpgradeRun(
  new ReleaseStore(documentClient, requireEnv('TABLE_NAME')),
  Number(optionalEnv('UPGRADE_PAGE_SIZE') ?? 1000),
);
