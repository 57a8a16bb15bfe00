/**
 * `npm run bench:memory` — does the local stack's memory stay bounded? Starts an
 * in-memory local stack in this process (the HTTP API, the handlers, the local Step
 * Functions, the scheduler; DynamoDB Local in its own JVM), registers 10,000 unique
 * certificates over HTTP at concurrency 20, and prints this process's resident memory,
 * after a forced garbage collection, once 1,000 and once 10,000 are registered and
 * their emails delivered, and the ratio. Target: ≤ 1.5.
 *
 * The mailbox keeps every email by design (it is what a developer reads), so it runs in
 * a process of its own, as the stack allows with `SES_ENDPOINT`, outside the measure.
 *   MAILBOX=in-process npm run bench:memory     the mailbox in the measured process, as `npm start` runs it
 *   REGISTRATIONS=20000 npm run bench:memory   another total (the first mark stays at 1,000)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

process.env.LOG_LEVEL = 'ERROR';
const { startLocalSes } = await import('../local/ses.ts');
const { TEMPLATE_PREFIX } = await import('../local/stack.ts');

if (process.argv.includes('--mailbox')) {
  // The mailbox's own process: prints its URL, ends when its parent does (stdin closes).
  const mailbox = await startLocalSes({ port: 0, templatePrefix: TEMPLATE_PREFIX });
  console.log(mailbox.url);
  process.stdin.resume().once('end', () => process.exit(0));
} else await main();

async function main() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const TOTAL = Number(process.env.REGISTRATIONS ?? 10_000);
  const FIRST_MARK = 1_000;
  const CONCURRENCY = 20;
  const TARGET_RATIO = 1.5;

  const { startDynamoDbLocal } = await import('../local/dynamodb.ts');
  const { startLocalStack } = await import('../local/stack.ts');
  const mailboxInProcess = process.env.MAILBOX === 'in-process';
  const mailboxProcess = mailboxInProcess
    ? undefined
    : spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--mailbox'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
  const mailboxUrl = mailboxProcess
    ? ((await createInterface({ input: mailboxProcess.stdout! })[Symbol.asyncIterator]().next())
        .value as string)
    : undefined;
  const dynamodb = await startDynamoDbLocal({ port: 0, dbPath: null });
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    ...(mailboxUrl ? { sesEndpoint: mailboxUrl } : {}),
    dynamodb: { endpoint: dynamodb.endpoint },
    inMemory: true,
    tableName: `bench-memory-${randomUUID()}`,
  });
  const { access_token: token } = await stack.tokens.issue({ role: 'integration', subject: 'bench' });

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const measure = async () => {
    await stack.stepFunctions.idle();
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 200));
    }
    return process.memoryUsage();
  };
  const body = (i: number) => {
    const n = String(20_000_000 + i);
    return {
      certificateNumber: `${n}-${String(1_000_000 + i)}`,
      salesOrderNumber: n,
      tier: 'ESSENTIAL',
      term: { start: '2026-01-01', end: '2026-12-31' },
      company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
      primaryContact: { name: 'Marie Curie', email: `m${i}@acme.example`, language: 'fr' },
      products: [
        {
          serialNumber: `M${String(2_000_000_000 + i)}`,
          supportIdentifier: `${String(2000 + Math.floor(i / 10_000)).slice(-4)}-5678-${String(i % 10_000).padStart(4, '0')}`,
          product: 'Backup Exec',
          version: '12.0',
        },
      ],
    };
  };
  let next = 0;
  const registerUpTo = (total: number) =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < total) {
          const i = next++;
          const res = await fetch(`${stack.apiUrl}/registrations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body(i)),
          });
          const text = await res.text();
          if (res.status !== 201) throw new Error(`registration ${i} answered ${res.status}: ${text}`);
        }
      }),
    );
  const line = (count: number, m: NodeJS.MemoryUsage) =>
    `after ${String(count).padStart(6)} registrations: RSS ${mb(m.rss).padStart(9)}  (heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}; ${stack.stepFunctions.list().length} execution records kept)`;

  console.log(`== Memory of the local stack over ${TOTAL} registrations (concurrency ${CONCURRENCY}) ==`);
  const started = performance.now();
  await registerUpTo(FIRST_MARK);
  const first = await measure();
  console.log(line(FIRST_MARK, first));
  // Every further 1,000 too, to see the trend.
  for (let mark = 2 * FIRST_MARK; mark < TOTAL; mark += FIRST_MARK) {
    await registerUpTo(mark);
    console.log(line(mark, await measure()));
  }
  await registerUpTo(TOTAL);
  const last = await measure();
  const seconds = (performance.now() - started) / 1000;
  console.log(line(TOTAL, last));
  const ratio = last.rss / first.rss;
  console.log(
    `ratio ${ratio.toFixed(2)} ${ratio <= TARGET_RATIO ? 'ok ' : 'OVER'} (target ≤ ${TARGET_RATIO}); ${(TOTAL / seconds).toFixed(0)} registrations/s`,
  );
  const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] };
  let mailboxRss = '';
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${mailboxProcess?.pid}/status`, 'utf8'))?.[1];
    if (kb) mailboxRss = `, RSS ${mb(Number(kb) * 1024)}`;
  } catch {} // not Linux
  console.log(
    mailboxInProcess
      ? `mailbox (in this process, measured): ${store.emails.length} emails`
      : `mailbox (its own process, not measured): ${store.emails.length} emails${mailboxRss}`,
  );

  await stack.stop();
  await dynamodb.stop();
  mailboxProcess?.kill();
  process.exit(ratio <= TARGET_RATIO ? 0 : 1);
}
