/**
 * A crash harness for fault tests: the local stack in a child process (`local/start.ts`,
 * as `npm start` runs it), with its storage and its mailbox in the test process so that
 * they outlive it. The test can SIGKILL the stack at any moment and start it again on the
 * same data (same table, same data directory for the clock and the schedules, same API
 * port), then read every email ever sent.
 *
 *   const h = await startChildStack();              // mailbox + child stack, ready
 *   await h.post('/registrations', body);           // or fetch(`${h.apiUrl}/…`)
 *   await h.kill();                                 // SIGKILL, waits for the exit
 *   await h.start();                                // again, on the same data
 *   await h.idle();                                 // no execution running in the child
 *   await h.emails(to);                             // the mailbox
 *   await h.stop();                                 // SIGTERM the child, close the mailbox
 *
 * DynamoDB Local is the test run's own (global-setup), unless `dynamodbEndpoint` says
 * otherwise. The mailbox is `aws-ses-v2-local`, whose store is one per process: a test
 * file using this harness should not start in-process stacks too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Role } from '../../functions/core/actors.ts';
import { freePort } from '../../local/ports.ts';
import { type RunningSes, startLocalSes } from '../../local/ses.ts';
import { ROOT, TEMPLATE_PREFIX } from '../../local/stack.ts';
import { type Email, rolesFor } from './stack.ts';

export interface ChildStackOptions {
  /** Default: the test run's DynamoDB Local. */
  dynamodbEndpoint?: string;
  /** Default: a new unique name, kept across restarts. */
  tableName?: string;
  /** Pause between Step Functions retries in the child; default 5 ms. */
  retryIntervalMs?: number;
  /** More environment for the child (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** How long a start may take before it is an error; default 90 s. */
  startTimeoutMs?: number;
}

export interface Answer {
  status: number;
  body: any;
}

export interface ChildStack {
  readonly apiUrl: string;
  readonly sesUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly dataDir: string;
  /** The running child's pid (undefined while it is down). */
  readonly pid: number | undefined;
  /** Starts the child (again, on the same data) and resolves once it is ready. */
  start(): Promise<void>;
  /** Sends `signal` (default SIGKILL: a crash) to the child and resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** kill() then start(). */
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once no execution (registration, delivery, …) runs in the child. */
  idle(): Promise<void>;
  request(method: string, path: string, body?: unknown): Promise<Answer>;
  post(path: string, body: unknown): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** Every email the mailbox received (from every run of the child), or those to `to`. */
  emails(to?: string): Promise<Email[]>;
  /** What the child printed (all runs), for failure messages. */
  output(): string;
  /** SIGTERM to the child (if running), then the mailbox closed and the data directory removed. */
  stop(): Promise<void>;
}

export async function startChildStack(options: ChildStackOptions = {}): Promise<ChildStack> {
  const dynamodbEndpoint = options.dynamodbEndpoint ?? inject('dynamodbEndpoint');
  const tableName = options.tableName ?? `child-${randomUUID()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'entitlements-child-stack-'));
  const mailbox: RunningSes = await startLocalSes({ port: 0, templatePrefix: TEMPLATE_PREFIX });
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  let nextId = 0;

  const start = async () => {
    if (child) throw new Error('the child stack is already running');
    const spawned = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local/start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'ERROR',
        LOCAL_CONSOLE: 'off',
        ...options.env,
        PORT: String(port),
        SES_PORT: '0',
        SES_ENDPOINT: mailbox.url,
        DYNAMODB_ENDPOINT: dynamodbEndpoint,
        LOCAL_DATA_DIR: dataDir,
        LOCAL_TABLE_NAME: tableName,
        LOCAL_RETRY_INTERVAL_MS: String(options.retryIntervalMs ?? 5),
        // What these tests count is email; the shared DynamoDB Local keeps no stream for them.
        LOCAL_DOMAIN_EVENTS: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = spawned;
    const collect = (chunk: Buffer) => (log = (log + chunk).slice(-50_000));
    spawned.stdout?.on('data', collect);
    spawned.stderr?.on('data', collect);
    exited = new Promise<void>((resolve) =>
      spawned.once('exit', (code, signal) => {
        log += `\n[child ${spawned.pid} exited: ${signal ?? code}]\n`;
        if (child === spawned) child = undefined;
        resolve();
      }),
    );
    const timeout = options.startTimeoutMs ?? 90_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        spawned.kill('SIGKILL');
        reject(new Error(`the child stack was not ready within ${timeout / 1000} s:\n${log}`));
      }, timeout);
      spawned.on('message', (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the child stack exited while starting:\n${log}`));
      });
    });
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const running = child;
    if (!running) return;
    running.kill(signal);
    await exited;
  };

  // A token for the route's first role from the child's local issuer (POST /_local/token).
  const tokens = new Map<Role, string>();
  const tokenFor = async (role: Role) => {
    if (!tokens.has(role)) {
      const answer = await fetch(`${apiUrl}/_local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role, subject: 'fault-test' }),
      });
      if (!answer.ok) throw new Error(`the local issuer answered ${answer.status}: ${await answer.text()}`);
      tokens.set(role, ((await answer.json()) as { access_token: string }).access_token);
    }
    return tokens.get(role)!;
  };
  const request = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const role = rolesFor(method, path)[0];
    const headers: Record<string, string> = {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(role ? { authorization: `Bearer ${await tokenFor(role)}` } : {}),
    };
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsed };
  };

  const harness: ChildStack = {
    apiUrl,
    sesUrl: mailbox.url,
    dynamodbEndpoint,
    tableName,
    dataDir,
    get pid() {
      return child?.pid;
    },
    start,
    kill,
    async restart(signal) {
      await kill(signal);
      await start();
    },
    idle() {
      const running = child;
      if (!running?.connected) return Promise.reject(new Error('the child stack is not running'));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        const onMessage = (message: { type?: string; id?: number }) => {
          if (message?.type !== 'idle' || message.id !== id) return;
          running.off('message', onMessage);
          resolve();
        };
        running.on('message', onMessage);
        void exited.then(() => reject(new Error(`the child stack exited before it was idle:\n${log}`)));
        running.send({ type: 'idle', id });
      });
    },
    request,
    post: (path, body) => request('POST', path, body),
    get: (path) => request('GET', path),
    async emails(to) {
      const store = (await (await fetch(`${mailbox.url}/store`)).json()) as { emails: Email[] };
      return store.emails.filter((e) => !to || e.destination.to.includes(to));
    },
    output: () => log,
    async stop() {
      const running = child;
      if (running) {
        running.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child === running) await kill('SIGKILL');
      }
      await mailbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await start();
  return harness;
}
