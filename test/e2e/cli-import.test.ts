/**
 * `entitlements import` (and the small commands) as a person runs them: the CLI in a child
 * process (bin/entitlements.mjs) against a local stack, with a token from the local issuer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../functions/core/csv-import.ts';
import { csvRow as row } from '../support/csv-rows.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
type Child = ReturnType<typeof spawn>;

/** The CLI, as `npx entitlements …` runs it, with no token configured (the local issuer gives one). */
function cli(
  args: string[],
  env: Record<string, string> = {},
  started?: (child: Child) => void,
): Promise<Run> {
  const {
    ENTITLEMENTS_TOKEN: _t,
    ENTITLEMENTS_API: _a,
    ENTITLEMENTS_CLIENT_ID: _c,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, ['bin/entitlements.mjs', ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  started?.(child);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const importFile = (file: string, ...more: string[]) =>
  cli(['import', file, '--api', stack.apiUrl, '--report', `${file}.report.csv`, ...more]);

type Report = Array<Record<string, string>>;
const reportOf = (file: string): Report => parse(readFileSync(`${file}.report.csv`), { columns: true });

/** One product row of certificate n (8-digit order n, certificate n-n7, serial M+n+p). */
let files = 0;
function csvFile(rows: Array<ReturnType<typeof row>>, options: { bom?: boolean } = {}): string {
  const file = join(dir, `import-${++files}.csv`);
  writeFileSync(
    file,
    `${options.bom ? '\uFEFF' : ''}${stringify(rows, { header: true, columns: [...CSV_COLUMNS] })}`,
  );
  return file;
}
const stored = async (certificateNumber: string) =>
  JSON.stringify(await stack.items()).includes(certificateNumber);

describe('importing a file', () => {
  const file = () =>
    csvFile([row(10_000_001), row(10_000_002, 0), row(10_000_002, 1), row(10_000_003)], { bom: true });
  let first: string;

  it('registers each certificate once, one report line per row, exit 0', async () => {
    first = file();
    const run = await importFile(first);
    expect(run.stderr).not.toMatch(/entitlements:/);
    expect(run.code).toBe(0);
    const report = reportOf(first);
    expect(Object.keys(report[0]!)).toEqual([
      'line',
      'certificateNumber',
      'serialNumber',
      'outcome',
      'contactId',
      'error',
    ]);
    expect(report.map((r) => [r.line, r.certificateNumber, r.serialNumber, r.outcome])).toEqual([
      ['2', '10000001-0000001', 'M0100000010', 'CREATED'],
      ['3', '10000002-0000002', 'M0100000020', 'CREATED'],
      ['4', '10000002-0000002', 'M0100000021', 'CREATED'],
      ['5', '10000003-0000003', 'M0100000030', 'CREATED'],
    ]);
    expect(report[1]!.contactId).toMatch(/^\d{10}$/);
    expect(report[2]!.contactId).toBe(report[1]!.contactId);
    expect(run.stdout).toMatch(/4 of 4 rows: 4 CREATED/);

    const certificate = await stack.get('/certificates/10000002-0000002');
    expect(certificate.body.products).toHaveLength(2);
    expect(certificate.body.company.name).toBe('Acme, "Branch 10000002" SA');
    await stack.stepFunctions.idle();
    expect((await stack.emails()).map((e) => e.destination.to[0]).sort()).toEqual([
      'c10000001@acme.example',
      'c10000002@acme.example',
      'c10000003@acme.example',
    ]);
  });

  it('again: every row REPLAYED with the same Contact ID, nobody emailed twice', async () => {
    const again = await importFile(first);
    expect(again.code).toBe(0);
    const report = reportOf(first);
    expect(report.map((r) => r.outcome)).toEqual(['REPLAYED', 'REPLAYED', 'REPLAYED', 'REPLAYED']);
    await stack.stepFunctions.idle();
    expect(await stack.emails()).toHaveLength(3);
  });

  it('--via s3: uploads the file, the stage imports it (Distributed Map), the report comes back', async () => {
    const viaS3 = csvFile([row(10_000_201), row(10_000_202, 0), row(10_000_202, 1, { tier: 'GOLD' })]);
    const emailsBefore = (await stack.emails()).length;
    const run = await importFile(viaS3, '--via', 's3');
    expect(run.stderr).toMatch(/uploaded; the import runs on the stage now/);
    expect(run.code).toBe(1); // certificate 10000202 refused whole: its rows disagree on the tier
    expect(reportOf(viaS3).map((r) => [r.line, r.certificateNumber, r.outcome])).toEqual([
      ['2', '10000201-0000201', 'CREATED'],
      ['3', '10000202-0000202', 'REFUSED'],
      ['4', '10000202-0000202', 'REFUSED'],
    ]);
    expect(await stored('10000202-0000202')).toBe(false);
    await stack.stepFunctions.idle();
    expect((await stack.emails()).slice(emailsBefore).map((e) => e.destination.to[0])).toEqual([
      'c10000201@acme.example',
    ]);
  });

  it('--dry-run validates and sends nothing', async () => {
    const before = (await stack.items()).length;
    const dry = csvFile([row(10_000_101), row(10_000_102, 0, { tier: 'GOLD' })]);
    const run = await importFile(dry, '--dry-run');
    expect(run.code).toBe(1);
    expect(reportOf(dry).map((r) => [r.outcome, r.error])).toEqual([
      ['VALID', ''],
      ['REFUSED', expect.stringMatching(/^tier: tier is one of BASIC/)],
    ]);
    expect((await stack.items()).length).toBe(before);
  });

  it('the small commands: certificates find, entitlements check, token', async () => {
    const found = await cli(['certificates', 'find', '--serial', 'M0100000010', '--api', stack.apiUrl]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({
      certificates: [expect.objectContaining({ certificateNumber: '10000001-0000001' })],
    });
    const contactId = reportOf(first)[0]!.contactId;
    const check = await cli(['entitlements', 'check', contactId!, '--api', stack.apiUrl]);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toHaveProperty('entitled');
    const token = await cli(['token', '--role', 'support-engineer', '--api', stack.apiUrl]);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const both = await cli(['certificates', 'find', '--serial', 'M0100000010', '--order', '10000001']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --serial/);
  });
});

describe('bad input: a clear message, exit 2, nothing imported', () => {
  const unusable = async (content: string | Buffer, message: RegExp, env: Record<string, string> = {}) => {
    const file = join(dir, `bad-${++files}.csv`);
    writeFileSync(file, content);
    const before = (await stack.items()).length;
    const run = await cli(['import', file, '--api', stack.apiUrl], env);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect((await stack.items()).length).toBe(before);
    return file;
  };
  const header = CSV_COLUMNS.join(',');
  const line = (n: number) => stringify([row(n)], { columns: [...CSV_COLUMNS] });

  it('an empty file', () => unusable('', /is empty: its first line must be the header certificateNumber,/));
  it('a file of blank lines', () => unusable('\n\n', /is empty/));
  it('a header and no rows', () => unusable(`${header}\n`, /has a header but no rows/));
  it('a file without the header', () =>
    unusable(line(10_000_201), /has no header: its first line must be certificateNumber,salesOrderNumber,/));
  it('unknown and missing columns', async () => {
    await unusable(`${header},discount\n${line(10_000_202)}`, /unknown column\(s\): "discount"/);
    await unusable(`${header.replace(',tier', '')}\n${line(10_000_203)}`, /missing column\(s\): tier\b/);
  });
  it('a file that is not UTF-8, even after good rows', async () => {
    const latin1 = Buffer.from(
      `${header}\n${line(10_000_204)}${line(10_000_205).replace('Marie', 'M\u00fcller')}`,
      'latin1',
    );
    await unusable(latin1, /is not UTF-8 \(bytes that are not UTF-8 on line 3\).*CSV UTF-8/);
    expect(await stored('10000204-0000204')).toBe(false);
  });
  it('a UTF-16 file', () =>
    unusable(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n`, 'utf16le')]),
      /it looks like UTF-16/,
    ));
  it('a 200 MB file, before reading it', async () => {
    const file = join(dir, 'huge.csv');
    writeFileSync(file, `${header}\n`);
    truncateSync(file, 200 * 1024 * 1024); // sparse: no disk used
    const run = await cli(['import', file, '--api', stack.apiUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is 200\.0 MB: the CLI imports files of at most 100\.0 MB .*--via s3/);
  });
  it('broken CSV (a quote never closed)', () =>
    unusable(
      `${header}\n${line(10_000_206)}${line(10_000_207).replace('Acme', '"Acme')}`,
      /is not valid CSV on line 3/,
    ));
});

describe('bad rows: refused with their line and field, the rest imported, exit 1', () => {
  it('a row with too many fields, a formula-looking cell, rows of one certificate that disagree or are apart', async () => {
    const formula = "=cmd|' /C calc'!A0";
    const file = join(dir, 'bad-rows.csv');
    const good = stringify([row(10_000_301)], { columns: [...CSV_COLUMNS] });
    writeFileSync(
      file,
      [
        stringify([row(10_000_300)], { header: true, columns: [...CSV_COLUMNS] }),
        good.replace(/\n$/, ',extra\n'), // line 3: 18 fields
        stringify([row(10_000_302, 0, { serialNumber: formula })], { columns: [...CSV_COLUMNS] }), // line 4
        stringify([row(10_000_303, 0), row(10_000_303, 1, { contactEmail: 'other@acme.example' })], {
          columns: [...CSV_COLUMNS],
        }), // lines 5-6
        stringify([row(10_000_304, 0), row(10_000_305), row(10_000_304, 1)], { columns: [...CSV_COLUMNS] }), // 7-9
        stringify([row(10_000_306)], { columns: [...CSV_COLUMNS] }), // line 10
      ].join(''),
    );
    const run = await importFile(file);
    expect(run.code).toBe(1);
    const report = reportOf(file);
    const raw = readFileSync(`${file}.report.csv`, 'utf8');
    expect(report.map((r) => [r.line, r.outcome])).toEqual([
      ['2', 'CREATED'],
      ['3', 'REFUSED'],
      ['4', 'REFUSED'],
      ['5', 'REFUSED'],
      ['6', 'REFUSED'],
      ['7', 'REFUSED'],
      ['8', 'CREATED'],
      ['9', 'REFUSED'],
      ['10', 'CREATED'],
    ]);
    const error = (l: string) => report.find((r) => r.line === l)!.error;
    expect(error('3')).toMatch(/the row has 18 fields, the header 17/);
    // The formula reaches the report as text a spreadsheet will not run.
    expect(report.find((r) => r.line === '4')!.serialNumber).toBe(`'${formula}`);
    expect(raw).not.toMatch(/(^|,)=cmd/m);
    expect(error('4')).toMatch(/^serialNumber: a serial number is M and 10 digits/);
    expect(error('6')).toMatch(/^contactEmail: differs from line 5/);
    expect(error('5')).toMatch(/refused with line 6/);
    expect(error('7')).toMatch(/not next to each other \(groups start on lines 7, 9\)/);
    expect(error('9')).toBe(error('7'));
    for (const refused of ['10000301-0000301', '10000302-0000302', '10000303-0000303', '10000304-0000304'])
      expect(await stored(refused)).toBe(false);
    expect(await stored('10000306-0000306')).toBe(true);
  });
});

describe('Ctrl-C mid-import', () => {
  it('stops cleanly with a report of what is done; the same file again finishes the job, nobody emailed twice', async () => {
    const certificates = 120;
    const file = csvFile(Array.from({ length: certificates }, (_, i) => row(20_000_000 + i)));
    const emailsBefore = (await stack.emails()).length;
    const interrupted = await cli(
      ['import', file, '--api', stack.apiUrl, '--report', `${file}.report.csv`, '--concurrency', '2'],
      { ENTITLEMENTS_PROGRESS_MS: '50' },
      (child) => {
        let sent = false;
        child.stderr!.on('data', (d: Buffer) => {
          const done = Number(/: (\d+)\/\d+ rows/.exec(String(d))?.[1] ?? 0);
          if (done >= 10 && !sent) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    );
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/run the same command again to finish/);
    const partial = reportOf(file);
    expect(partial.length).toBeGreaterThanOrEqual(10);
    expect(partial.length).toBeLessThan(certificates);
    expect(new Set(partial.map((r) => r.outcome))).toEqual(new Set(['CREATED']));

    const rerun = await importFile(file);
    expect(rerun.code).toBe(0);
    const full = reportOf(file);
    expect(full).toHaveLength(certificates);
    const done = new Set(partial.map((r) => r.line));
    for (const r of full) expect(r.outcome).toBe(done.has(r.line) ? 'REPLAYED' : 'CREATED');

    await stack.stepFunctions.idle();
    const recipients = (await stack.emails()).slice(emailsBefore).map((e) => e.destination.to[0]);
    expect(recipients).toHaveLength(certificates);
    expect(new Set(recipients).size).toBe(certificates);
  });
});
