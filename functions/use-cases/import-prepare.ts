/**
 * First step of an import through S3 (import-registrations workflow): the uploaded CSV,
 * streamed (never whole in memory), becomes one JSON line per certificate for the
 * Distributed Map to read and batch.
 *
 * Why not let the Map read the CSV itself (ItemReader InputType CSV): its ItemBatcher cuts
 * by count, so the rows of one certificate could land in two batches and register as two
 * different certificates; and a bad header, a non-UTF-8 byte or a row with too many
 * fields must refuse the file (or the row) with a line a person can find. So this step
 * checks the header, validates the encoding, groups consecutive rows by certificate
 * number, refuses a certificate whose rows are not together, and writes the groups.
 * Mapping a certificate's rows to a registration is left to the batch (core/csv-import.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { type ImportBucket, type ImportStore, importFiles } from '../adapters/imports.ts';
import type { Actor } from '../core/actors.ts';
import { CSV_COLUMNS, checkHeader, type RowError } from '../core/csv-import.ts';

/** One certificate's rows, as a line of the groups file: cells in CSV_COLUMNS order. */
export interface CertificateGroup {
  lines: number[];
  rows: string[][];
  /** Set when the rows are refused before any registration is tried (field count, rows apart). */
  errors?: RowError[];
}

export type PreparedImport =
  | {
      outcome: 'READY';
      importId: string;
      bucket: string;
      groupsKey: string;
      resultsPrefix: string;
      actor: Actor;
      rows: number;
      certificates: number;
    }
  | { outcome: 'REFUSED'; importId: string; message: string }
  | { outcome: 'NOT_CLAIMED'; key: string };

/** Larger files are refused before reading: the import's working space in Lambda is bounded. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** A record (row) longer than this is refused: no cell of a registration is anywhere near. */
const MAX_RECORD_BYTES = 64 * 1024;

/** Why a file cannot be imported at all; the whole file is refused, nothing registered. */
export class ImportFileRefused extends Error {
  override readonly name = 'ImportFileRefused';
}

export async function prepareImport(
  store: ImportStore,
  bucket: ImportBucket,
  input: { importId: string | null; key: string; executionArn: string; at: string },
): Promise<PreparedImport> {
  const { importId, key } = input;
  const record = importId ? await store.claim(importId, input.executionArn, input.at) : null;
  if (!importId || !record) return { outcome: 'NOT_CLAIMED', key };

  const size = await bucket.size(key);
  const refuse = (message: string): PreparedImport => ({ outcome: 'REFUSED', importId, message });
  if (size === null) return refuse('the uploaded file is gone from the bucket');
  if (size === 0) return refuse('the file is empty: it needs the header line, then one row per product');
  if (size > MAX_IMPORT_BYTES)
    return refuse(
      `the file is ${size} bytes, more than the ${MAX_IMPORT_BYTES} an import takes: split it into several files`,
    );

  const work = await mkdtemp(join(tmpdir(), `import-${importId}-`));
  try {
    const groupsFile = join(work, 'certificates.jsonl');
    let counted: { rows: number; certificates: number; split: Set<string> };
    try {
      counted = await writeGroups(await bucket.read(key), groupsFile);
    } catch (error) {
      if (error instanceof ImportFileRefused) return refuse(error.message);
      throw error;
    }
    let upload = groupsFile;
    if (counted.split.size > 0) {
      upload = join(work, 'certificates-checked.jsonl');
      await refuseSplit(groupsFile, upload, counted.split);
    }
    const groupsKey = importFiles.groups(importId);
    await bucket.write(groupsKey, createReadStream(upload), 'application/jsonl', (await stat(upload)).size);
    return {
      outcome: 'READY',
      importId,
      bucket: bucket.bucketName,
      groupsKey,
      resultsPrefix: importFiles.results(importId),
      actor: record.actor,
      rows: counted.rows,
      certificates: counted.certificates,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One CSV record and the line it starts on (1 = the header). */
interface CsvRecord {
  line: number;
  cells: string[];
}

/** The file's records: UTF-8 (BOM or not) checked as it streams, RFC 4180 parsed. */
export async function* csvRecords(source: Readable): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const utf8 = new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, text);
      } catch {
        done(
          new ImportFileRefused(
            `the file is not UTF-8 (a byte near offset ${offset} is not): save it as CSV UTF-8`,
          ),
        );
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(
          new ImportFileRefused('the file is not UTF-8 (it ends inside a character): save it as CSV UTF-8'),
        );
      }
    },
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  source.on('error', (error) => utf8.destroy(error));
  utf8.on('error', (error) => parser.destroy(error));
  source.pipe(utf8).pipe(parser);
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
      raw: string;
    }>) {
      // The line the record starts on: its last line, less the line breaks inside its cells.
      const inner = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
      yield { line: info.lines - (inner.match(/\n/g)?.length ?? 0), cells: record };
    }
  } catch (error) {
    if (error instanceof ImportFileRefused) throw error;
    const e = error as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_'))
      throw new ImportFileRefused(`the file is not valid CSV near line ${e.lines ?? '?'}: ${e.message}`);
    throw error;
  }
}

/**
 * Groups consecutive rows of one certificate into one JSON line each (cells in
 * CSV_COLUMNS order, whatever the header's order). A certificate number seen again after
 * another certificate's rows is noted: its rows are apart, and it is refused whole.
 */
async function writeGroups(
  source: Readable,
  file: string,
): Promise<{ rows: number; certificates: number; split: Set<string> }> {
  const out = createWriteStream(file);
  const write = async (group: CertificateGroup) => {
    if (!out.write(`${JSON.stringify(group)}\n`))
      await new Promise<void>((ok) => out.once('drain', () => ok()));
  };
  const seen = new Set<string>();
  const split = new Set<string>();
  let header: string[] | null = null;
  let order: number[] = [];
  let group: CertificateGroup | null = null;
  let current = '';
  let rows = 0;
  let certificates = 0;
  try {
    for await (const { line, cells } of csvRecords(source)) {
      if (!header) {
        header = cells.map((c) => c.trim());
        const problem = checkHeader(header);
        if (problem) throw new ImportFileRefused(problem);
        order = CSV_COLUMNS.map((column) => header!.indexOf(column));
        continue;
      }
      rows++;
      const row = order.map((i) => cells[i] ?? '');
      const number = row[0]!.trim();
      if (!group || number !== current) {
        if (group) await write(group);
        if (seen.has(number)) split.add(number);
        seen.add(number);
        current = number;
        certificates++;
        group = { lines: [], rows: [] };
      }
      group.lines.push(line);
      group.rows.push(row);
      if (cells.length !== header.length) {
        group.errors ??= [];
        group.errors.push({
          line,
          field: cells.length > header.length ? '(row)' : header[cells.length]!,
          message: `the row has ${cells.length} fields, the header ${header.length}: a cell with a comma or a line break needs double quotes`,
        });
      }
    }
    if (!header)
      throw new ImportFileRefused('the file is empty: it needs the header line, then one row per product');
    if (!group) throw new ImportFileRefused('the file has the header but no rows: nothing to import');
    await write(group);
  } finally {
    source.destroy(); // a refused file is not read to its end
    await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
  }
  return { rows, certificates, split };
}

/** Every group of a certificate whose rows are apart gets the error: it is refused whole, wherever it is. */
async function refuseSplit(from: string, to: string, split: Set<string>): Promise<void> {
  const out = createWriteStream(to);
  for await (const text of createInterface({
    input: createReadStream(from),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (!text) continue;
    const group = JSON.parse(text) as CertificateGroup;
    const number = group.rows[0]![0]!.trim();
    if (split.has(number)) {
      group.errors ??= [];
      group.errors.push({
        line: group.lines[0]!,
        field: 'certificateNumber',
        message: `certificate ${number} also has rows elsewhere in the file: a certificate's rows must follow each other, so it is refused whole`,
      });
    }
    if (!out.write(`${JSON.stringify(group)}\n`))
      await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
}
