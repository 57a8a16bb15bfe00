/**
 * The HTTP side of an import through S3: POST /imports makes the import (PENDING_UPLOAD,
 * the caller kept as the actor every registration of the file will carry) and a presigned
 * URL to PUT the CSV to; the upload itself starts the run. GET /imports/{id} reads where it
 * is, and once SUCCEEDED a presigned URL of the report.
 */
import { type ImportBucket, type ImportRecord, type ImportStore, importFiles } from '../adapters/imports.ts';
import type { Actor } from '../core/actors.ts';
import { NotFound } from '../core/errors.ts';

/** How long the upload and report URLs work. */
export const URL_SECONDS = 15 * 60;

export interface ImportCreated {
  importId: string;
  status: 'PENDING_UPLOAD';
  upload: { url: string; method: 'PUT'; headers: Record<string, string> };
  expiresAt: string;
  links: { self: string };
}

export async function createImport(
  store: ImportStore,
  bucket: ImportBucket,
  input: { importId: string; actor: Actor; at: Date },
): Promise<ImportCreated> {
  const { importId, actor, at } = input;
  const expiresAt = new Date(at.getTime() + URL_SECONDS * 1000).toISOString();
  // The URL first: a record is made only when the caller can be given a way to upload.
  const upload = await bucket.uploadUrl(importFiles.input(importId), URL_SECONDS);
  await store.create({
    importId,
    status: 'PENDING_UPLOAD',
    actor,
    createdAt: at.toISOString(),
    uploadExpiresAt: expiresAt,
  });
  return {
    importId,
    status: 'PENDING_UPLOAD',
    upload: { url: upload.url, method: 'PUT', headers: upload.headers },
    expiresAt,
    links: { self: `/imports/${importId}` },
  };
}

export interface ImportView {
  importId: string;
  status: ImportRecord['status'];
  createdAt: string;
  createdBy: Actor;
  uploadExpiresAt: string;
  startedAt?: string;
  finishedAt?: string;
  counts?: NonNullable<ImportRecord['counts']>;
  message?: string;
  report?: { url: string; expiresAt: string };
  links: { self: string };
}

export async function viewImport(
  store: ImportStore,
  bucket: ImportBucket,
  importId: string,
  at: Date,
): Promise<ImportView> {
  const record = await store.get(importId);
  if (!record) throw new NotFound(`no import ${importId}`);
  const report = record.reportKey
    ? {
        url: await bucket.downloadUrl(record.reportKey, `import-${importId}-report.csv`, URL_SECONDS),
        expiresAt: new Date(at.getTime() + URL_SECONDS * 1000).toISOString(),
      }
    : undefined;
  return {
    importId,
    status: record.status,
    createdAt: record.createdAt,
    createdBy: record.actor,
    uploadExpiresAt: record.uploadExpiresAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.counts ? { counts: record.counts } : {}),
    ...(record.message ? { message: record.message } : {}),
    ...(report ? { report } : {}),
    links: { self: `/imports/${importId}` },
  };
}
