/**
 * Last step of an import through S3: the Distributed Map's ResultWriter left a manifest
 * and JSON Lines files of report rows (one per input row, batches in any order); they
 * become the report CSV, in file order, with each cell made safe for spreadsheets
 * (core/csv-import.ts reportCell), and the import's record gets its counts and SUCCEEDED.
 * Or the run failed: the record gets FAILED and why.
 *
 * The rows are sorted in memory (about 100 bytes each: a million rows fit the function's
 * memory); the report is built in memory too and written once.
 */
import { createInterface } from 'node:readline';
import { stringify } from 'csv-stringify/sync';
import { type ImportBucket, type ImportCounts, type ImportStore, importFiles } from '../adapters/imports.ts';
import { REPORT_COLUMNS, reportCell } from '../core/csv-import.ts';
import type { ReportRow } from './import-registrations-batch.ts';

/** What ResultWriter writes next to the results: where each file of child results is. */
interface ResultManifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>>;
}

export type FinishImportInput =
  | {
      importId: string;
      executionArn: string;
      rows: number;
      /** The Map's ResultWriterDetails. */
      manifest: { Bucket: string; Key: string };
    }
  | { importId: string; executionArn: string; refusal: string }
  | { importId: string; executionArn: string; failure: { Error?: string; Cause?: string } };

export interface FinishedImport {
  status: 'SUCCEEDED' | 'FAILED';
  counts?: ImportCounts;
  message?: string;
}

export async function finishImport(
  store: ImportStore,
  bucket: ImportBucket,
  input: FinishImportInput,
  at: string,
): Promise<FinishedImport> {
  const { importId, executionArn } = input;
  const failed = async (message: string): Promise<FinishedImport> => {
    try {
      await store.finish(importId, executionArn, { status: 'FAILED', message }, at);
    } catch (error) {
      // A run that failed before it claimed the import has nothing of its own to record.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    return { status: 'FAILED', message };
  };
  if ('refusal' in input) return failed(`the file was refused, nothing was registered: ${input.refusal}`);
  if ('failure' in input)
    return failed(
      `the import stopped (${input.failure.Error ?? 'error'}: ${causeOf(input.failure.Cause)}); certificates of finished batches are registered: upload the same file again under a new import to finish it (they will be REPLAYED, nobody is emailed twice)`,
    );

  const manifest = JSON.parse(
    await bucket.readText(input.manifest.Key, input.manifest.Bucket),
  ) as ResultManifest;
  const rows: ReportRow[] = [];
  for (const file of manifest.ResultFiles.SUCCEEDED ?? []) {
    const lines = createInterface({
      input: await bucket.read(file.Key, manifest.DestinationBucket),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line.trim()) rows.push(JSON.parse(line) as ReportRow);
  }
  rows.sort((a, b) => a.line - b.line);
  if (rows.length !== input.rows || (manifest.ResultFiles.FAILED ?? []).length > 0) {
    return failed(
      `the report has ${rows.length} rows of the file's ${input.rows}: upload the same file again under a new import (rows registered already will be REPLAYED)`,
    );
  }

  const counts: ImportCounts = { rows: rows.length, created: 0, renewed: 0, replayed: 0, refused: 0 };
  for (const row of rows) counts[row.outcome.toLowerCase() as Exclude<keyof ImportCounts, 'rows'>]++;
  const report = stringify(
    rows.map((row) => REPORT_COLUMNS.map((column) => reportCell(String(row[column] ?? '')))),
    { header: true, columns: [...REPORT_COLUMNS], record_delimiter: 'windows' },
  );
  const reportKey = importFiles.report(importId);
  await bucket.write(reportKey, report, 'text/csv; charset=utf-8');
  await store.finish(importId, executionArn, { status: 'SUCCEEDED', counts, reportKey }, at);
  return { status: 'SUCCEEDED', counts };
}

/** A Lambda error's Cause is its JSON (errorMessage inside); a local one is the message itself. */
function causeOf(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}
