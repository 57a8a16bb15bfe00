/**
 * `npm run bench` — prints the figures issue #2 sets targets for:
 * bundle size and cold module load per function, registrations per second on the
 * local stack at concurrency 1 and 20, DynamoDB write units and Step Functions state
 * transitions per registration, how long `npm start` takes to be ready, and the console's
 * figures (bench/console.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { invocationCounts } from '../local/lambda.ts';
import { freePort } from '../local/ports.ts';
import { ROOT } from '../local/stack.ts';
import { measureBundles } from './bundles.ts';
import { billedSince, countConsumed, startBenchStack } from './reads.ts';

const TARGETS = { bundleKb: 250, loadMs: 150, writeUnits: 8, transitions: 6, startSeconds: 15 };
const mark = (ok: boolean) => (ok ? 'ok ' : 'OVER');

console.log('== Function bundles (esbuild metafile; @aws-sdk/* provided by the nodejs24.x runtime) ==');
const bundles = await measureBundles(ROOT);
console.log('function              size (KB)   module load, median of 10 fresh processes (ms)');
for (const b of bundles)
  console.log(
    `${b.name.padEnd(20)}  ${(b.bytes / 1024).toFixed(1).padStart(8)} ${mark(b.bytes / 1024 <= TARGETS.bundleKb)}  ${b.loadMsMedian.toFixed(1).padStart(8)} ${mark(b.loadMsMedian <= TARGETS.loadMs)}`,
  );

// The handlers' own client, imported after the stack set the environment (as a cold start would).
const { stack, documentClient, stop } = await startBenchStack('registrations');
const { access_token: token } = await stack.tokens.issue({ role: 'integration', subject: 'bench' });
// Count every DynamoDB unit the handlers consume, by asking for it on each call.
const consumed = countConsumed(documentClient);

let serial = 0;
const body = () => {
  serial++;
  const n = String(10_000_000 + serial);
  return {
    certificateNumber: `${n}-${String(1_000_000 + serial)}`,
    salesOrderNumber: n,
    tier: 'ESSENTIAL',
    term: { start: '2026-01-01', end: '2026-12-31' },
    company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
    primaryContact: { name: 'Marie Curie', email: `c${serial}@acme.example`, language: 'fr' },
    products: [
      {
        serialNumber: `M${String(1_000_000_000 + serial)}`,
        supportIdentifier: `1234-5678-${String(serial % 10000).padStart(4, '0')}`,
        product: 'Backup Exec',
        version: '12.0',
      },
    ],
  };
};
async function register(): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body()),
  });
  if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
}

console.log(
  '\n== Registrations on the local stack (HTTP → Express workflow → DynamoDB Local; email delivered) ==',
);
for (const [concurrency, total] of [
  [1, 150],
  [20, 400],
] as const) {
  const before = { ...consumed };
  // By ARN: list() groups executions by state machine, so a count would not mark where this stretch begins.
  const executionsBefore = new Set(stack.stepFunctions.list().map((e) => e.executionArn));
  const invocationsBefore = new Map(invocationCounts);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await register();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await stack.stepFunctions.idle();
  const executions = stack.stepFunctions.list().filter((e) => !executionsBefore.has(e.executionArn));
  const transitions = executions.reduce((sum, e) => sum + e.stateTransitions, 0) / total;
  const billed = billedSince(executions, invocationsBefore, invocationCounts);
  const tableWrites = (consumed.tableWrite - before.tableWrite) / total;
  const indexWrites = (consumed.indexWrite - before.indexWrite) / total;
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: ${(total / seconds).toFixed(1).padStart(6)} registrations/s (${total} in ${seconds.toFixed(2)} s)`,
  );
  console.log(
    `   per registration: ${tableWrites.toFixed(2)} table write units ${mark(tableWrites <= TARGETS.writeUnits)} (+ ${indexWrites.toFixed(2)} index write units), ` +
      `${((consumed.read - before.read) / total).toFixed(2)} read units, ${transitions.toFixed(2)} state transitions ${mark(transitions <= TARGETS.transitions)}`,
  );
  console.log(
    `   billed by the request: ${(billed.lambda / total).toFixed(2)} Lambda invocations (HTTP route included), ${(billed.expressExecutions / total).toFixed(2)} Express executions, ${(billed.standardTransitions / total).toFixed(2)} Standard state transitions`,
  );
}
await stop();

console.log('\n== npm start (in memory) until GET /health answers ==');
const ports = { PORT: await freePort(), SES_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
const startedAt = performance.now();
const child = spawn(
  process.execPath,
  [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'local/start.ts'), '--in-memory'],
  {
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
    stdio: 'ignore',
  },
);
let ready = -1;
while (performance.now() - startedAt < 60_000) {
  try {
    if ((await fetch(`http://127.0.0.1:${ports.PORT}/health`)).status === 200) {
      ready = (performance.now() - startedAt) / 1000;
      break;
    }
  } catch {}
  await new Promise((r) => setTimeout(r, 50));
}
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
console.log(`ready in ${ready.toFixed(1)} s ${mark(ready > 0 && ready <= TARGETS.startSeconds)}`);

// The console: npm start with it, its JavaScript, a deep link to the answer (bench/console.ts).
const consoleBench = spawn(
  process.execPath,
  [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/console.ts')],
  {
    stdio: 'inherit',
  },
);
const consoleExit = await new Promise<number>((r) => consoleBench.once('exit', (code) => r(code ?? 1)));
if (consoleExit !== 0) process.exit(consoleExit);

// The GA run at 50,000 serials: decisions per second and items read per decision.
const upgrades = spawn(
  process.execPath,
  [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/upgrades.ts')],
  {
    stdio: 'inherit',
  },
);
process.exit(await new Promise<number>((r) => upgrades.once('exit', (code) => r(code ?? 1))));
