/**
 * The local stack's console pages (local/console.ts): the app's files, every page its
 * index.html with the same security headers as CloudFront, the sign-in configuration, and
 * nothing outside the build. A build newer than the sources is served as it is (no build here).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_SECURITY_HEADERS, LocalConsole } from '../../local/console.ts';
import { LOCAL_CLIENTS } from '../../local/tokens.ts';

let dist: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dist, 'secret.txt'), 'outside assets');
  // Stamped in the future: newer than any source, so nothing builds.
  writeFileSync(join(dist, '.built'), 'x');
  const { utimesSync } = await import('node:fs');
  const later = new Date(Date.now() + 3_600_000);
  utimesSync(join(dist, '.built'), later, later);
  const pages = new LocalConsole('http://127.0.0.1:9', dist);
  await pages.built;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!pages.serve(req, res, url.pathname)) res.writeHead(404).end('api');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the local console pages', () => {
  it.each([
    '/console/',
    '/console/entitlements/ABC123',
    '/customer/contact-id',
    '/customer/lifecycle/Backup%20Exec',
  ])('%s is the app, with the security headers CloudFront sets', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>app</title>');
    for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS))
      expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the built files under /console/assets/, cached as immutable', async () => {
    const res = await fetch(`${base}/console/assets/index-abc.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it.each([
    '/console/assets/missing.js',
    '/console/assets/../secret.txt',
    '/console/assets/%2e%2e/secret.txt',
  ])('answers 404 for %s, never a file outside the assets', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(await res.text()).not.toContain('outside assets');
  });

  it('says where to sign in: the local issuer, the console client, one button per role', async () => {
    const res = await fetch(`${base}/console/config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      authority: 'http://127.0.0.1:9/_local',
      clientId: LOCAL_CLIENTS.console,
      localSignIn: true,
      apiBase: '',
    });
  });

  it('redirects /console to /console/, refuses writes, and leaves other paths to the API', async () => {
    const bare = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    expect((await fetch(`${base}/console/`, { method: 'POST' })).status).toBe(405);
    const api = await fetch(`${base}/registrations`);
    expect(await api.text()).toBe('api');
  });
});
