/**
 * Task of each Distributed Map child of import-registrations: registers a batch of
 * certificates as POST /registrations does, and answers one report row per input row
 * (use-cases/import-registrations-batch.ts). ResultWriter flattens these rows into the
 * results the last Task turns into the report.
 */
import { randomInt } from 'node:crypto';
import { Deliveries } from '../adapters/deliveries.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { startOnce } from '../adapters/workflows.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';
import { decideLateUpgrades } from '../use-cases/decide-late-upgrades.ts';
import {
  type ImportBatchDeps,
  type ImportBatchInput,
  importRegistrationsBatch,
} from '../use-cases/import-registrations-batch.ts';
import { registerCertificate } from '../use-cases/register-certificate.ts';

export function makeImportRegistrationsBatch(deps: ImportBatchDeps) {
  return (input: ImportBatchInput) => importRegistrationsBatch(deps, input);
}

const { tableName } = config.table();
const registrations = new RegistrationStore(documentClient, tableName);
const releases = new ReleaseStore(documentClient, tableName);
const deliverNoticeArn = config.workflowArn('DeliverNotice');
const deliveries = new Deliveries(sfnClient, deliverNoticeArn);
const offsets = config.reminders().offsets;
const links = config.links();

export const handler = logged(
  makeImportRegistrationsBatch({
    register: (request, received) =>
      registerCertificate(registrations, request, received, randomInt, offsets, links),
    deliver: ({ executionName, noticeKey }) =>
      startOnce(sfnClient, deliverNoticeArn, executionName, { noticeKey }),
    decideLateUpgrades: (certificateNumber) =>
      decideLateUpgrades(
        { releases, registrations, deliveries },
        links,
        certificateNumber,
        now().toISOString(),
      ),
    now,
  }),
  (input) => input.BatchInput?.importId,
);
