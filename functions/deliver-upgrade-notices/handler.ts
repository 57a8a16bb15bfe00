/**
 * Task of the GA run, once every page is decided: starts the delivery of one page of the
 * run's upgrade notices in one shard of the GA day (each delivery is named after its
 * notice, so a re-run starts none twice). Returns where the next page starts, or null.
 */
import { Deliveries } from '../adapters/deliveries.ts';
import { type PageStart, ReleaseStore } from '../adapters/releases.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';

export interface DeliverPageInput {
  gaDate: string;
  runKey: string;
  shard: number;
  start: PageStart;
  started?: number;
}

export function makeDeliverUpgradeNotices(store: ReleaseStore, deliveries: Deliveries) {
  return async (input: DeliverPageInput): Promise<DeliverPageInput> => {
    const { noticeIds, next } = await store.owedNotices(input.gaDate, input.shard, input.runKey, input.start);
    await deliveries.start(noticeIds);
    return { ...input, start: next, started: (input.started ?? 0) + noticeIds.length };
  };
}

export const handler = logged(
  makeDeliverUpgradeNotices(
    new ReleaseStore(documentClient, config.table().tableName),
    new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
  ),
  (input) => `${input.runKey}@${input.gaDate}`,
);
