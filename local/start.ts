/**
 * `npm start` — the local stack, until Ctrl-C or SIGTERM (either stops everything it
 * started, DynamoDB Local's JVM included, and frees its ports).
 *   npm start -- --in-memory   keep no data on disk
 *   npm start -- --today 2026-11-27   start the clock on that day (an ISO date or instant; a
 *                              clock kept on disk only moves forward to it, never back)
 *   PORT, SES_PORT, DYNAMODB_PORT choose the ports (3000, 8005, 8000).
 *   LOCAL_DATA_DIR             where data is kept (default .local/)
 *   LOCAL_TABLE_NAME           the table (default Entitlements)
 *   DYNAMODB_ENDPOINT          use a DynamoDB Local already running there instead of starting one
 *   SES_ENDPOINT               use a local SES already running there (its mailbox outlives the
 *                              stack) instead of starting one; the email templates are loaded into it
 *   LOCAL_RETRY_INTERVAL_MS    pause between Step Functions retries (default 1000)
 *   LOCAL_DOMAIN_EVENTS=off    no table stream and no local bus (GET /_local/events answers 409)
 *   LOCAL_CONSOLE=off          no console pages (otherwise built in the background when stale)
 *   CONSOLE_DIST               where the console is built (default console/dist)
 * Spawned with an IPC channel (as test/support/child-stack.ts does), it sends
 * `{type: 'ready', apiUrl, sesUrl, dynamodbEndpoint, tableName}` once ready, answers
 * `{type: 'idle', id}` with the same message once no execution is running, and stops
 * when the channel closes (its parent is gone).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseInstant } from './clock.ts';
import { ROOT, startLocalStack } from './stack.ts';

const started = Date.now();
const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name}=${process.env[name]} is not a port number`);
    process.exit(2);
  }
  return value;
};
const inMemory = process.argv.includes('--in-memory');
const todayArgument = (() => {
  const at = process.argv.findIndex((a) => a === '--today' || a.startsWith('--today='));
  if (at < 0) return undefined;
  const value = process.argv[at]!.includes('=') ? process.argv[at]!.split('=')[1] : process.argv[at + 1];
  try {
    return parseInstant(value);
  } catch {
    console.error(
      `--today ${value ?? ''}: give a date like 2026-11-27 or an instant like 2026-11-27T09:00:00Z`,
    );
    process.exit(2);
  }
})();
const dataDir = resolve(process.env.LOCAL_DATA_DIR || resolve(ROOT, '.local'));
const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT || undefined;
const sesEndpoint = process.env.SES_ENDPOINT || undefined;

// Stop what was started however this process is asked to end (a Ctrl-C reaches it twice:
// from the terminal and relayed by tsx). A stop that hangs ends it after 10 s; DynamoDB
// Local is killed on exit regardless.
let stop: (() => Promise<void>) | undefined;
let stopping = false;
const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping…`);
  setTimeout(() => {
    console.error('the stack did not stop within 10 s; exiting anyway');
    process.exit(1);
  }, 10_000).unref();
  await stop?.().catch((error: Error) => console.error(`stopping: ${error.message}`));
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
watchLauncher(() => void shutdown('the process that launched it ended'));

/**
 * `npm start` runs this file through `sh -c` and tsx's launcher. A SIGTERM sent to npm
 * alone (not to the whole process group, as Ctrl-C does) kills npm and the shell but
 * never reaches the launcher; a launcher killed outright leaves this process orphaned.
 * So the processes between this one and npm (or the direct parent, without npm) are
 * watched, and the stack stops as soon as one of them is gone. POSIX only.
 */
function watchLauncher(onGone: () => void): void {
  if (process.platform === 'win32') return;
  const ancestors: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    ancestors.push(pid);
    const ps = spawnSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], { encoding: 'utf8' });
    const match = /^\s*(\d+)\s+(.*)$/s.exec(ps.stdout ?? '');
    if (ps.error || !match || !process.env.npm_lifecycle_event || /\bnpm\b|npm-cli/.test(match[2]!)) break;
    pid = Number(match[1]);
  }
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    }
    try {
      // A zombie no one reaps is gone too (Linux).
      return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${p}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  const timer = setInterval(() => {
    if (ancestors.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, 500);
  timer.unref();
}

try {
  const stack = await startLocalStack({
    port: port('PORT', 3000),
    sesPort: port('SES_PORT', 8005),
    ...(sesEndpoint ? { sesEndpoint } : {}),
    dynamodb: dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : { port: port('DYNAMODB_PORT', 8000) },
    inMemory,
    dataDir,
    ...(todayArgument ? { startAt: todayArgument } : {}),
    ...(process.env.LOCAL_DOMAIN_EVENTS === 'off' ? { domainEvents: false } : {}),
    ...(process.env.LOCAL_CONSOLE === 'off' ? { console: false } : {}),
    ...(process.env.LOCAL_TABLE_NAME ? { tableName: process.env.LOCAL_TABLE_NAME } : {}),
    ...(process.env.LOCAL_RETRY_INTERVAL_MS
      ? { retryIntervalMs: Number(process.env.LOCAL_RETRY_INTERVAL_MS) }
      : {}),
  });
  stop = stack.stop;
  if (process.send) {
    const send = process.send.bind(process);
    process.on('message', (message: { type?: string; id?: unknown }) => {
      if (message?.type === 'idle')
        void stack.stepFunctions.idle().then(() => send({ type: 'idle', id: message.id }));
    });
    process.once('disconnect', () => void shutdown('its parent closed the IPC channel'));
    send({
      type: 'ready',
      apiUrl: stack.apiUrl,
      sesUrl: stack.sesUrl,
      dynamodbEndpoint: stack.dynamodbEndpoint,
      tableName: stack.tableName,
    });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
Entitlement service — local stack ready in ${seconds} s${inMemory ? ' (in memory: nothing is kept)' : ` (data kept in ${dataDir})`}
  API       ${stack.apiUrl}          OpenAPI at ${stack.apiUrl}/openapi.json${stack.console ? `\n  Console   ${stack.apiUrl}/console/   (staff; customers: ${stack.apiUrl}/customer/contact-id)` : ''}
  Tokens    TOKEN=$(curl -s ${stack.apiUrl}/_local/token -H 'accept: text/plain' -d '{"role":"licensing-ops","subject":"alice"}')
            then: curl -X POST ${stack.apiUrl}/registrations -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d @examples/registration.json
  Mailbox   ${stack.sesUrl}          (JSON at ${stack.sesUrl}/store)
  DynamoDB  ${stack.dynamodbEndpoint}  table ${stack.tableName}
  Clock     ${stack.apiUrl}/_local/clock   now ${stack.clock.now().toISOString()}
Ctrl-C stops it.`);
} catch (error) {
  console.error(`The local stack could not start: ${(error as Error).message}`);
  process.exit(1);
}
