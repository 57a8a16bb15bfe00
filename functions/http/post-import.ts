/**
 * POST /imports — licensing ops or an order system start an import through S3: 201 with a
 * presigned URL to PUT the CSV to (15 minutes; CONTRACT.md's columns) and where to follow
 * it (GET /imports/{id}). The upload starts the import-registrations workflow. No body.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { ImportBucket, ImportStore } from '../adapters/imports.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { s3Client } from '../shared/s3.ts';
import { createImport } from '../use-cases/import-requests.ts';
import { actorOf, authorize } from './auth.ts';
import { emptyRequest, type HttpEvent, type HttpResult, json, problemJson } from './http.ts';

export function makePostImport(store: ImportStore, bucket: ImportBucket, newId: () => string = randomUUID) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    // The file goes to the upload URL: a body here is a mistake, refused before anything is stored.
    emptyRequest(event, 'an import (its file goes to the upload URL)');
    const created = await createImport(store, bucket, {
      importId: newId(),
      actor: actorOf(event),
      at: now(),
    });
    return json(201, created, { location: created.links.self });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePostImport(
      new ImportStore(documentClient, config.table().tableName),
      new ImportBucket(s3Client, config.imports().bucketName),
    ),
  );
