/**
 * First Task of import-registrations, started by the upload (S3 → EventBridge): claims the
 * import, checks the file and writes one line per certificate for the Distributed Map
 * (use-cases/import-prepare.ts). A refused file or an upload of no import is data, not an
 * error: the workflow records the refusal, or stops.
 */
import { ImportBucket, ImportStore, importIdOfKey } from '../adapters/imports.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { s3Client } from '../shared/s3.ts';
import { type PreparedImport, prepareImport } from '../use-cases/import-prepare.ts';

export interface PrepareImportInput {
  bucket: string;
  key: string;
  executionArn: string;
}

export function makePrepareImport(store: ImportStore, bucket: ImportBucket, clock: () => Date = now) {
  return async (input: PrepareImportInput): Promise<PreparedImport> => {
    if (input.bucket !== bucket.bucketName) return { outcome: 'NOT_CLAIMED', key: input.key };
    const prepared = await prepareImport(store, bucket, {
      importId: importIdOfKey(input.key),
      key: input.key,
      executionArn: input.executionArn,
      at: clock().toISOString(),
    });
    logger.info('import prepared', { ...prepared, actor: undefined });
    return prepared;
  };
}

export const handler = logged(
  makePrepareImport(
    new ImportStore(documentClient, config.table().tableName),
    new ImportBucket(s3Client, config.imports().bucketName),
  ),
  (input) => importIdOfKey(input.key) ?? undefined,
);
