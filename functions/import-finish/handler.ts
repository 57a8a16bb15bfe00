/**
 * Last Task of import-registrations: the report CSV from the Map's results, and the
 * import's counts and status; or FAILED with why (a refused file, a run that stopped).
 * See use-cases/import-finish.ts.
 */
import { ImportBucket, ImportStore } from '../adapters/imports.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';
import { s3Client } from '../shared/s3.ts';
import { type FinishImportInput, finishImport } from '../use-cases/import-finish.ts';

export function makeFinishImport(store: ImportStore, bucket: ImportBucket, clock: () => Date = now) {
  return (input: FinishImportInput) => finishImport(store, bucket, input, clock().toISOString());
}

export const handler = logged(
  makeFinishImport(
    new ImportStore(documentClient, config.table().tableName),
    new ImportBucket(s3Client, config.imports().bucketName),
  ),
  (input) => input.importId,
);
