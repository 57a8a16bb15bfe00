/**
 * GET /imports/{importId} — where an import through S3 is: PENDING_UPLOAD, RUNNING,
 * SUCCEEDED (counts, and a presigned URL of the report CSV for 15 minutes) or FAILED (why).
 */
import middy from '@middy/core';
import { ImportBucket, ImportStore } from '../adapters/imports.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { s3Client } from '../shared/s3.ts';
import { viewImport } from '../use-cases/import-requests.ts';
import { authorize } from './auth.ts';
import { emptyRequest, type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

export const ImportId = z
  .string()
  .check(
    z.regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'must be an import id (a UUID)',
    ),
  );

export function makeGetImport(store: ImportStore, bucket: ImportBucket) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    emptyRequest(event, 'a read');
    const { importId } = parseOrThrow(
      z.object({ importId: ImportId }),
      { importId: pathParam(event, 'importId') },
      'the import id is malformed',
    );
    return json(200, await viewImport(store, bucket, importId, now()));
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetImport(
      new ImportStore(documentClient, config.table().tableName),
      new ImportBucket(s3Client, config.imports().bucketName),
    ),
  );
