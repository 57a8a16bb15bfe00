/**
 * `npm run bench:console` (and part of `npm run bench`): the console's figures issue 15 sets.
 * - `npm start` ready (GET /health) with the console, and the console served (its build,
 *   when stale, runs in the background): once from a fresh build, once with the build kept.
 * - JavaScript of the first load, gzipped as CloudFront sends it: every script the browser
 *   fetched for the sign-in page, and for a deep link once signed in.
 * - A deep link opened signed in (`/console/entitlements/{contactId}`) until the answer is on
 *   screen (the ENTITLED banner): median and worst of 10, in Debian's chromium.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { freePort } from '../local/ports.ts';
import { ROOT } from '../local/stack.ts';

const TARGETS = { firstLoadKb: 400, deepLinkMs: 1500, startSeconds: 15 };
const mark = (ok: boolean) => (ok ? 'ok ' : 'OVER');
const dist = mkdtempSync(join(tmpdir(), 'bench-console-'));

async function until(check: () => Promise<boolean>, started: number, limitMs = 180_000): Promise<number> {
  while (performance.now() - started < limitMs) {
    try {
      if (await check()) return (performance.now() - started) / 1000;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.NaN;
}

async function start(): Promise<{ child: ChildProcess; url: string; health: number; console: number }> {
  const ports = { PORT: await freePort(), SES_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
  const url = `http://127.0.0.1:${ports.PORT}`;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
      join(ROOT, 'local/start.ts'),
      '--in-memory',
      '--today',
      '2026-11-27',
    ],
    {
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        CONSOLE_DIST: dist,
        LOCAL_DOMAIN_EVENTS: 'off',
      },
      stdio: 'ignore',
    },
  );
  const health = await until(async () => (await fetch(`${url}/health`)).status === 200, started);
  const consoleReady = await until(async () => (await fetch(`${url}/console/`)).status === 200, started);
  return { child, url, health, console: consoleReady };
}

const stopChild = async (child: ChildProcess) => {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
};

console.log('== npm start with the console (in memory) ==');
const fresh = await start();
await stopChild(fresh.child);
console.log(
  `console built fresh: API ready in ${fresh.health.toFixed(1)} s ${mark(fresh.health <= TARGETS.startSeconds)}, console served after ${fresh.console.toFixed(1)} s ${mark(fresh.console <= TARGETS.startSeconds)}`,
);
const stack = await start();
console.log(
  `console already built: API ready in ${stack.health.toFixed(1)} s ${mark(stack.health <= TARGETS.startSeconds)}, console served after ${stack.console.toFixed(1)} s ${mark(stack.console <= TARGETS.startSeconds)}`,
);

try {
  // A certificate to look up, registered as the order system would.
  const token = (await (
    await fetch(`${stack.url}/_local/token`, {
      method: 'POST',
      body: JSON.stringify({ role: 'integration' }),
    })
  ).json()) as { access_token: string };
  const registration = await fetch(`${stack.url}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
    body: JSON.stringify({
      certificateNumber: '87654321-7654321',
      salesOrderNumber: '87654321',
      tier: 'ESSENTIAL',
      term: { start: '2026-01-01', end: '2026-12-31' },
      company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
      primaryContact: { name: 'Marie Curie', email: 'marie@acme.example', language: 'fr' },
      products: [
        {
          serialNumber: 'M8765432101',
          supportIdentifier: '8765-4321-0001',
          product: 'Backup Exec',
          version: '12.0',
        },
      ],
    }),
  });
  const { contactId } = (await registration.json()) as { contactId: string };

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  let scripts = new Map<string, number>();
  page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return;
    try {
      scripts.set(res.url(), gzipSync(await res.body(), { level: 6 }).length);
    } catch {}
  });
  const total = () => [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;

  await page.goto(`${stack.url}/console/`);
  await page.getByRole('button', { name: 'Support engineer', exact: true }).waitFor();
  await page.waitForLoadState('networkidle');
  const signInKb = total();
  const signInFiles = scripts.size;

  await page.getByRole('button', { name: 'Support engineer', exact: true }).click();
  await page.waitForURL('**/console/entitlements');
  const deepLink = `${stack.url}/console/entitlements/${contactId}`;
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    scripts = new Map();
    const t0 = performance.now();
    await page.goto(deepLink);
    await page.getByText('ENTITLED', { exact: true }).first().waitFor();
    if (i > 0) times.push(performance.now() - t0); // the first warms the browser's cache of nothing: a full load
    if (i === 0) {
      await page.waitForLoadState('networkidle');
      console.log(
        `\n== JavaScript, gzipped ==\nsign-in page: ${signInKb.toFixed(1)} KB in ${signInFiles} files ${mark(signInKb <= TARGETS.firstLoadKb)}\ndeep link (entitlement page, signed in, first load): ${total().toFixed(1)} KB in ${scripts.size} files ${mark(total() <= TARGETS.firstLoadKb)}`,
      );
      console.log(`deep link first load to answer on screen: ${(performance.now() - t0).toFixed(0)} ms`);
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `deep link reloaded, signed in, to answer on screen: median ${median.toFixed(0)} ms ${mark(median <= TARGETS.deepLinkMs)}, worst ${times.at(-1)!.toFixed(0)} ms of ${times.length}`,
  );
  await browser.close();
} finally {
  await stopChild(stack.child);
  rmSync(dist, { recursive: true, force: true });
}
