/**
 * `npm start` stops everything it started on a SIGTERM sent to it alone (not only on a
 * Ctrl-C in its terminal), DynamoDB Local's JVM included, and frees its ports; and after
 * a SIGKILL (which leaves no chance to clean up) it starts again on the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { ROOT } from '../../local/stack.ts';
import { registration } from '../support/stack.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function ports() {
  return { PORT: await freePort(), SES_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
}

function launch(command: string, args: string[], env: Record<string, string | number>) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'ERROR',
      // The stack's own processes are under test here, not the console's build.
      LOCAL_CONSOLE: 'off',
      // Each start step on stderr: a start that stalls says where.
      LOCAL_START_TRACE: '1',
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, exited, output: () => output };
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
};

/** Whether something still listens on the port (a connection is accepted). */
const listening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    (error: Error) =>
      !/ECONNREFUSED/.test(String((error.cause as Error | undefined)?.message ?? error.message)),
  );

/** Alive and not a zombie (Linux tells; elsewhere a signal answered is enough). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

const javaPid = (dataDir: string) =>
  (JSON.parse(readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8')) as { pid: number }).pid;

it('SIGTERM to `npm start` stops the stack, DynamoDB Local included, and frees its ports', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'entitlements-start-'));
  dirs.push(dataDir);
  const p = await ports();
  const npm = launch('npm', ['start'], { ...p, LOCAL_DATA_DIR: dataDir });
  await until(`npm start answering /health\n${npm.output()}`, () => healthy(p.PORT), 90_000);
  const java = javaPid(dataDir);
  expect(alive(java)).toBe(true);

  npm.child.kill('SIGTERM');
  await Promise.race([
    npm.exited,
    new Promise((_, fail) => setTimeout(() => fail(new Error('npm start did not exit')), 15_000)),
  ]);
  await until('DynamoDB Local stopped', () => !alive(java), 15_000);
  for (const port of Object.values(p))
    await until(`port ${port} freed`, async () => !(await listening(port)), 15_000);
  expect(npm.output()).toContain('stopping');
}, 150_000);

it('after a SIGKILL, the stack starts again on the same data (its DynamoDB Local left behind is stopped)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'entitlements-restart-'));
  dirs.push(dataDir);
  const p = await ports();
  const env = { ...p, LOCAL_DATA_DIR: dataDir };
  const start = () => launch(process.execPath, ['--import', 'tsx', 'local/start.ts'], env);

  const first = start();
  await until(`the stack answering /health\n${first.output()}`, () => healthy(p.PORT), 90_000);
  const body = registration();
  const issued = await fetch(`http://127.0.0.1:${p.PORT}/_local/token`, {
    method: 'POST',
    headers: { accept: 'text/plain' },
    body: JSON.stringify({ role: 'licensing-ops', subject: 'restart-test' }),
  });
  const authorization = `Bearer ${await issued.text()}`;
  const created = await fetch(`http://127.0.0.1:${p.PORT}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  expect(created.status).toBe(201);
  const { contactId } = (await created.json()) as { contactId: string };
  const java = javaPid(dataDir);

  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  const second = start();
  await until(`the stack answering /health again\n${second.output()}`, () => healthy(p.PORT), 90_000);
  expect(alive(java)).toBe(false);
  // The token issued before the kill still verifies: the signing key is kept with the data.
  const read = await fetch(`http://127.0.0.1:${p.PORT}/certificates/${body.certificateNumber}`, {
    headers: { authorization },
  });
  expect(read.status).toBe(200);
  const certificate = (await read.json()) as { contacts: Array<{ contactId: string }> };
  expect(certificate.contacts.map((c) => c.contactId)).toContain(contactId);

  const restartedJava = javaPid(dataDir);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(alive(restartedJava)).toBe(false);
  expect(existsSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'))).toBe(false);
  for (const port of Object.values(p)) expect(await listening(port)).toBe(false);
}, 200_000);
