/**
 * `npm run bench:import` — the CLI's import on the local stack (issue 14): generates a CSV
 * of 100,000 rows (about 40,000 certificates of 1–5 products), starts an in-memory local
 * stack in this process, runs `entitlements import` as a child process against it, and
 * prints rows per second, DynamoDB write units per row (as DynamoDB reports them consumed,
 * email deliveries included), the Scans issued (target 0), the CLI's peak resident memory
 * (target ≤ 200 MB whatever the file size), then the same for a second run of the same file
 * (everything REPLAYED: reads only, no write expected).
 *   IMPORT_ROWS=2000 npm run bench:import     a quick check
 *   IMPORT_CONCURRENCY=16 npm run bench:import
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { CSV_COLUMNS } from '../functions/core/csv-import.ts';
import { ROOT } from '../local/stack.ts';
import { csvRow } from '../test/support/csv-rows.ts';
import { countConsumed, countIo, startBenchStack } from './reads.ts';

const ROWS = Number(process.env.IMPORT_ROWS ?? 100_000);
const CONCURRENCY = Number(process.env.IMPORT_CONCURRENCY ?? 8);
const TARGET_PEAK_MB = 200;
const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const file = join(dir, 'registrations.csv');

// A deterministic mix of 1 to 5 products per certificate (2.5 on average).
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
csv.pipe(createWriteStream(file));
let certificates = 0;
for (let rows = 0; rows < ROWS; ) {
  const n = 30_000_000 + certificates++;
  const products = Math.min(1 + Math.floor(random() * 5), ROWS - rows);
  for (let p = 0; p < products; p++, rows++) {
    const ok = csv.write(csvRow(n, p));
    if (!ok) await new Promise((resolve) => csv.once('drain', resolve));
  }
}
csv.end();
await finished(csv);
await new Promise((resolve) => setTimeout(resolve, 100));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `== Import of ${ROWS} rows (${certificates} certificates, ${mb(statSync(file).size)}) through the CLI ==`,
);

const { stack, documentClient, stop } = await startBenchStack('import');
const consumed = countConsumed(documentClient);
const io = countIo(documentClient);

async function run(label: string) {
  const before = { ...consumed, scans: io.scans };
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'entitlements.mjs'),
      'import',
      file,
      '--api',
      stack.apiUrl,
      '--concurrency',
      String(CONCURRENCY),
    ],
    {
      env: { ...process.env, ENTITLEMENTS_REPORT_PEAK_RSS: '1', ENTITLEMENTS_PROGRESS_MS: '10000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let peakKb = 0;
  let summary = '';
  child.stdout!.on('data', (d) => (summary += d));
  child.stderr!.on('data', (d: Buffer) => {
    const text = String(d);
    peakKb = Number(/peak RSS: (\d+) KB/.exec(text)?.[1] ?? peakKb);
    process.stderr.write(text.replace(/peak RSS.*\n/, ''));
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  // Emails owed by the run are delivered (and their SENT recorded) before counting.
  await stack.stepFunctions.idle();
  const writes = consumed.tableWrite - before.tableWrite + (consumed.indexWrite - before.indexWrite);
  console.log(`-- ${label}: exit ${code}; ${summary.trim()}`);
  console.log(
    `   rows/s                         ${(ROWS / seconds).toFixed(0)}  (${seconds.toFixed(1)} s, concurrency ${CONCURRENCY})`,
  );
  console.log(
    `   write units per row            ${(writes / ROWS).toFixed(2)}  (per certificate ${(writes / certificates).toFixed(2)}; table ${((consumed.tableWrite - before.tableWrite) / ROWS).toFixed(2)}, indexes ${((consumed.indexWrite - before.indexWrite) / ROWS).toFixed(2)})`,
  );
  console.log(`   read units per row             ${((consumed.read - before.read) / ROWS).toFixed(2)}`);
  console.log(`   Scans                          ${io.scans - before.scans}`);
  console.log(
    `   CLI peak RSS                   ${(peakKb / 1024).toFixed(1)} MB ${peakKb / 1024 <= TARGET_PEAK_MB ? 'ok' : 'OVER'} (target ≤ ${TARGET_PEAK_MB} MB)`,
  );
  return writes;
}

try {
  await run('first run');
  const emails = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] };
  console.log(
    `   emails                         ${emails.emails.length} (one per certificate: ${certificates})`,
  );
  const again = await run('second run, same file');
  console.log(`   second run: ${again} write units in all`);
} finally {
  await stop();
}
