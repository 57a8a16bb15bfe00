/**
 * Last Task of upgrade-decisions (the GA run), once every notice is handed to delivery:
 * the release is DECIDED and leaves the due-date index, so the reconciler leaves it and a
 * repeated start stops at the plan — only if its GA date is still the one decided.
 */
import { ReleaseStore } from '../adapters/releases.ts';
import { gaRunKey } from '../core/upgrades.ts';
import type { GaRun } from '../plan-upgrade-run/handler.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';

/** `at`, when the run was planned, is the release's `decidedAt`. */
export type MarkDecidedInput = Pick<GaRun, 'product' | 'versionKey' | 'gaDate' | 'at'>;

export function makeMarkReleaseDecided(store: ReleaseStore) {
  /** `marked` is false when the GA date moved meanwhile: the release waits for its new date's run. */
  return async (input: MarkDecidedInput): Promise<{ marked: boolean }> => ({
    marked: await store.markDecided(input.product, input.versionKey, input.gaDate, input.at),
  });
}

export const handler = logged(
  makeMarkReleaseDecided(new ReleaseStore(documentClient, config.table().tableName)),
  (input) => `${gaRunKey(input)}@${input.gaDate}`,
);
