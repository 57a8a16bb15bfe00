/**
 * `entitlements import FILE.csv`: register every certificate of a CSV file through
 * POST /registrations, and write a report with one line per row.
 *
 * Two streaming passes, so that a file-level problem (not UTF-8, broken CSV, a wrong
 * header, a certificate whose rows are apart) is found before anything is sent:
 *   1. scan: the header, the row count (for the ETA), and the certificates whose rows are
 *      not contiguous (refused whole: sending the first part would half-import them);
 *   2. import: rows grouped by certificate, validated by the same schema as the API,
 *      sent with bounded concurrency. The parser is pulled only while the window has room,
 *      so memory stays bounded whatever the file size.
 * Ctrl-C stops taking rows, lets the requests in flight finish and writes the report:
 * running the same file again finishes the job (done rows come back REPLAYED).
 */
import { createWriteStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import {
  CSV_COLUMNS,
  type CsvRow,
  certificateFromRows,
  checkHeader,
  REPORT_COLUMNS,
  reportCell,
} from '../functions/core/csv-import.ts';
import { MAX_PRODUCTS_PER_CERTIFICATE } from '../functions/core/registration.ts';
import { Api, apiUrlOf, CliError, detailOf, Unavailable } from './api.ts';
import { csvRecords } from './csv-source.ts';
import { progressOf } from './progress.ts';

/** Bigger files go through S3 and a Distributed Map on AWS (`--via s3`), not one laptop. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Stop sending after this many certificates in a row found the API unavailable (after retries). */
const MAX_CONSECUTIVE_UNAVAILABLE = 3;

export interface ImportOptions {
  file: string;
  api?: string;
  report?: string;
  dryRun?: boolean;
  concurrency?: number;
}

type Outcome = 'CREATED' | 'RENEWED' | 'REPLAYED' | 'REFUSED' | 'VALID';
interface ReportLine {
  line: number;
  certificateNumber: string;
  serialNumber: string;
  outcome: Outcome;
  contactId: string;
  error: string;
}
interface Row extends CsvRow {
  /** Set when the row itself cannot be read (a wrong number of fields). */
  problem?: string;
}
interface Group {
  key: string | number;
  rows: Row[];
  /** Rows beyond what a certificate may hold: counted, not kept. */
  extraRows: Row[];
}

/** A certificate number as a compact key (a number when well formed: the scan keeps one per certificate). */
const keyOf = (value: string): string | number => {
  const v = value.trim();
  return /^\d{8}-\d{7}$/.test(v) ? Number(v.replace('-', '')) : v;
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function reportPathOf(file: string): string {
  return `${file.replace(/\.csv$/i, '')}.report.csv`;
}

export async function runImport(options: ImportOptions): Promise<number> {
  const { file, dryRun = false } = options;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new CliError('--concurrency is a whole number from 1 to 64');
  const reportPath = options.report ?? reportPathOf(file);
  if (reportPath === file) throw new CliError('--report must not be the file being imported');

  let info: Stats;
  try {
    info = await stat(file);
  } catch {
    throw new CliError(`cannot read ${file}: no such file`);
  }
  if (!info.isFile()) throw new CliError(`${file} is not a file`);
  const maxBytes = Number(process.env.ENTITLEMENTS_IMPORT_MAX_BYTES ?? DEFAULT_MAX_BYTES);
  if (info.size > maxBytes)
    throw new CliError(
      `${file} is ${mb(info.size)}: the CLI imports files of at most ${mb(maxBytes)} through the API; import bigger files on AWS with --via s3 (a Distributed Map reads it from S3). Nothing was imported.`,
    );
  if (info.size === 0)
    throw new CliError(`${file} is empty: its first line must be the header ${CSV_COLUMNS.join(',')}`);

  const plan = await scan(file);
  const api = dryRun ? undefined : new Api({ url: apiUrlOf(options.api), localRole: 'integration' });
  if (api) {
    await api.checkReachable();
    await api.bearer();
  }
  process.stderr.write(
    `${dryRun ? 'checking' : 'importing'} ${file}: ${plan.rows} rows, ${plan.certificates} certificates${api ? ` into ${api.url}` : ' (dry run: nothing is sent)'}\n`,
  );

  // The report, in file order whatever order the answers come back in.
  const report = stringify({ header: true, columns: [...REPORT_COLUMNS] });
  const reportFile = createWriteStream(reportPath);
  report.pipe(reportFile);
  const reportOpen = new Promise<void>((resolve, reject) => {
    reportFile.once('open', () => resolve());
    reportFile.once('error', reject);
  });
  await reportOpen.catch((error: Error) => {
    throw new CliError(`cannot write the report ${reportPath}: ${error.message}`);
  });
  let reportBusy = false;
  report.on('drain', () => {
    reportBusy = false;
    wake();
  });

  const counts: Record<Outcome, number> = { CREATED: 0, RENEWED: 0, REPLAYED: 0, REFUSED: 0, VALID: 0 };
  const progress = progressOf(dryRun ? 'checking' : 'importing', plan.rows);
  let rowsDone = 0;
  const waiting = new Map<number, ReportLine[]>();
  let nextSeq = 0;
  let seq = 0;
  let inFlight = 0;
  const maxUnwritten = concurrency * 32;
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    wakeUp?.();
    wakeUp = undefined;
  };
  const changed = () => new Promise<void>((resolve) => (wakeUp = resolve));

  const complete = (at: number, lines: ReportLine[]) => {
    waiting.set(at, lines);
    while (waiting.has(nextSeq)) {
      for (const l of waiting.get(nextSeq)!) {
        counts[l.outcome]++;
        rowsDone++;
        const ok = report.write(
          [l.line, l.certificateNumber, l.serialNumber, l.outcome, l.contactId, l.error].map((v) =>
            reportCell(String(v)),
          ),
        );
        if (!ok) reportBusy = true;
      }
      waiting.delete(nextSeq);
      nextSeq++;
    }
    progress.update(rowsDone);
    wake();
  };

  // Ctrl-C (or SIGTERM): stop taking rows, finish what is in flight; a second Ctrl-C a moment later quits at once.
  let interrupted = false;
  let fatal: string | undefined;
  let unavailable = 0;
  let consecutiveUnavailable = 0;
  let interruptedAt = 0;
  const onSignal = () => {
    if (interrupted) {
      if (Date.now() - interruptedAt > 1000) process.exit(130);
      return;
    }
    interrupted = true;
    interruptedAt = Date.now();
    process.stderr.write(
      `\nstopping: no new rows; waiting for ${inFlight} request(s) in flight (Ctrl-C again to quit at once)\n`,
    );
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopping = () => interrupted || fatal !== undefined;

  const lineOf = (row: Row, outcome: Outcome, fields: Partial<ReportLine> = {}): ReportLine => ({
    line: row.line,
    certificateNumber: row.row.certificateNumber ?? '',
    serialNumber: row.row.serialNumber ?? '',
    outcome,
    contactId: '',
    error: '',
    ...fields,
  });
  const refuseAll = (group: Group, error: string) =>
    [...group.rows, ...group.extraRows].map((row) => lineOf(row, 'REFUSED', { error }));

  /** Why a certificate is refused before anything is sent, one line per row; null when it is sendable. */
  const localVerdict = (group: Group): { lines: ReportLine[] } | { request: unknown } => {
    const cn = group.rows[0]!.row.certificateNumber?.trim() ?? '';
    const apart = plan.split.get(group.key);
    if (apart)
      return {
        lines: refuseAll(
          group,
          `the rows of certificate ${cn} are not next to each other (groups start on lines ${apart.join(', ')}): put one certificate's rows together; nothing of it was imported`,
        ),
      };
    if (group.extraRows.length)
      return {
        lines: refuseAll(
          group,
          `a certificate covers at most ${MAX_PRODUCTS_PER_CERTIFICATE} products: ${cn} has ${group.rows.length + group.extraRows.length} rows`,
        ),
      };
    const unreadable = group.rows.find((r) => r.problem);
    if (unreadable)
      return {
        lines: group.rows.map((row) =>
          lineOf(row, 'REFUSED', {
            error: row.problem ?? `the certificate is refused with line ${unreadable.line}`,
          }),
        ),
      };
    const result = certificateFromRows(group.rows);
    if (!result.ok) {
      const first = result.errors[0]!.line;
      return {
        lines: group.rows.map((row) => {
          const own = result.errors.filter((e) => e.line === row.line);
          return lineOf(row, 'REFUSED', {
            error: own.length
              ? own.map((e) => `${e.field}: ${e.message}`).join('; ')
              : `the certificate is refused with line ${first}`,
          });
        }),
      };
    }
    return { request: result.request };
  };

  const send = async (group: Group, request: unknown): Promise<ReportLine[]> => {
    try {
      const answer = await api!.call('POST', '/registrations', request);
      consecutiveUnavailable = 0;
      if (answer.status === 200 || answer.status === 201) {
        const body = answer.body as { outcome?: string; contactId?: string } | null;
        const outcome: Outcome =
          answer.status === 200 ? 'REPLAYED' : body?.outcome === 'RENEWED' ? 'RENEWED' : 'CREATED';
        return group.rows.map((row) => lineOf(row, outcome, { contactId: String(body?.contactId ?? '') }));
      }
      if (answer.status === 401 || answer.status === 403) {
        fatal = `the API refused the token (${answer.status}: ${detailOf(answer.body)})`;
        return [];
      }
      return refuseAll(group, `${answer.status}: ${detailOf(answer.body)}`);
    } catch (error) {
      if (error instanceof Unavailable) {
        unavailable++;
        if (++consecutiveUnavailable >= MAX_CONSECUTIVE_UNAVAILABLE)
          fatal = `the API stopped answering: ${error.message}`;
        return refuseAll(group, `not registered: ${error.message}; run the same file again to finish`);
      }
      fatal = (error as Error).message;
      return [];
    }
  };

  const dispatch = async (group: Group) => {
    const verdict = localVerdict(group);
    const sending = 'request' in verdict && !dryRun;
    while (
      !stopping() &&
      (reportBusy || seq - nextSeq >= maxUnwritten || (sending && inFlight >= concurrency))
    )
      await changed();
    if (stopping()) return;
    const at = seq++;
    if ('lines' in verdict) return complete(at, verdict.lines);
    if (!sending)
      return complete(
        at,
        group.rows.map((row) => lineOf(row, 'VALID')),
      );
    inFlight++;
    void send(group, verdict.request).then((lines) => {
      inFlight--;
      complete(at, lines);
    });
  };

  try {
    const header = plan.header;
    let group: Group | undefined;
    let first = true;
    for await (const record of csvRecords(file)) {
      if (first) {
        first = false;
        continue;
      }
      if (stopping()) break;
      const row: Row = { line: record.line, row: {} };
      header.forEach((column, i) => {
        row.row[column] = record.fields[i] ?? '';
      });
      if (record.fields.length !== header.length)
        row.problem = `the row has ${record.fields.length} fields, the header ${header.length}${record.fields.length > header.length ? ' (a comma in a value must be inside double quotes)' : ''}`;
      const key = keyOf(row.row.certificateNumber ?? '');
      if (group && group.key !== key) {
        await dispatch(group);
        group = undefined;
        if (stopping()) break;
      }
      group ??= { key, rows: [], extraRows: [] };
      // More rows than a certificate may hold: keep what the report needs, not the row.
      if (group.rows.length < MAX_PRODUCTS_PER_CERTIFICATE) group.rows.push(row);
      else
        group.extraRows.push({
          line: row.line,
          row: {
            certificateNumber: row.row.certificateNumber ?? '',
            serialNumber: row.row.serialNumber ?? '',
          },
        });
    }
    if (group && !stopping()) await dispatch(group);
    while (inFlight > 0) await changed();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.stop();
    report.end();
    await finished(reportFile).catch(() => undefined);
  }

  const summary = (Object.entries(counts) as Array<[Outcome, number]>)
    .filter(
      ([outcome, n]) =>
        n > 0 || (dryRun ? outcome === 'VALID' || outcome === 'REFUSED' : outcome !== 'VALID'),
    )
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  process.stdout.write(`${rowsDone} of ${plan.rows} rows: ${summary}. Report: ${reportPath}\n`);
  if (fatal) {
    process.stderr.write(
      `stopped: ${fatal}. Run the same file again once this is fixed: rows already done come back REPLAYED.\n`,
    );
    return 2;
  }
  if (interrupted) {
    process.stderr.write(
      `stopped by a signal after ${rowsDone} of ${plan.rows} rows: run the same command again to finish (rows already done come back REPLAYED, nobody is emailed twice)\n`,
    );
    return 130;
  }
  if (unavailable) {
    process.stderr.write(
      `${unavailable} certificate(s) not registered: the API did not answer; run the same file again to finish\n`,
    );
    return 2;
  }
  return counts.REFUSED > 0 ? 1 : 0;
}

interface Plan {
  header: string[];
  rows: number;
  certificates: number;
  /** Certificates whose rows are not contiguous → the first line of each of their groups. */
  split: Map<string | number, number[]>;
}

/** Pass 1: everything that makes the file unusable, before anything is sent. */
async function scan(file: string): Promise<Plan> {
  let header: string[] | undefined;
  let column = 0;
  let rows = 0;
  const firstLine = new Map<string | number, number>();
  const split = new Map<string | number, number[]>();
  let current: string | number | undefined;
  for await (const record of csvRecords(file)) {
    if (!header) {
      const names = record.fields.map((f) => f.trim());
      if (!names.some((n) => (CSV_COLUMNS as readonly string[]).includes(n)))
        throw new CliError(
          `${file} has no header: its first line must be ${CSV_COLUMNS.join(',')} (line ${record.line} reads as data). Nothing was imported.`,
        );
      const problem = checkHeader(names);
      if (problem) throw new CliError(`${file}: ${problem}. Nothing was imported.`);
      header = names;
      column = names.indexOf('certificateNumber');
      continue;
    }
    rows++;
    const key = keyOf(record.fields[column] ?? '');
    if (key === current) continue;
    current = key;
    const seen = firstLine.get(key);
    if (seen === undefined) firstLine.set(key, record.line);
    else split.set(key, [...(split.get(key) ?? [seen]), record.line]);
  }
  if (!header)
    throw new CliError(`${file} is empty: its first line must be the header ${CSV_COLUMNS.join(',')}`);
  if (!rows) throw new CliError(`${file} has a header but no rows: nothing to import`);
  return { header, rows, certificates: firstLine.size, split };
}
