/**
 * The console and the customer pages, served by the local stack under /console/ and
 * /customer/ as CloudFront serves them on AWS (lib/constructs/console.ts): the built app, its
 * files under /console/assets/, every other path the app's index.html (it routes in the
 * browser), and /console/config.json saying where to sign in. Built when needed: when
 * console/dist is missing or older than the console's sources, `vite build` runs in the
 * background, and the pages say so (503, refreshing) until it is done; the API does not wait.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from '../lib/console-headers.ts';
import { LOCAL_CLIENTS } from './tokens.ts';

const CONSOLE_DIR = resolve(import.meta.dirname, '..', 'console');
const STAMP = '.built';

// The headers CloudFront's response headers policy sets on AWS: one definition for both.
export { CONSOLE_SECURITY_HEADERS };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

type State = { status: 'building' } | { status: 'ready' } | { status: 'failed'; output: string };

export class LocalConsole {
  private state: State = { status: 'ready' };
  private building: ChildProcess | undefined;
  readonly built: Promise<void>;
  /** The pages' headers. The import page uploads to the imports bucket's presigned URL: the local S3, another origin. */
  private readonly pageHeaders = {
    ...CONSOLE_SECURITY_HEADERS,
    'content-security-policy': consoleContentSecurityPolicy(
      process.env.AWS_ENDPOINT_URL_S3 ? [process.env.AWS_ENDPOINT_URL_S3] : [],
    ),
  };

  constructor(
    private readonly apiUrl: string,
    readonly dist: string = resolve(process.env.CONSOLE_DIST ?? join(CONSOLE_DIR, 'dist')),
  ) {
    this.built = this.buildIfStale();
  }

  /** Newest modification among the console's sources and the lockfile. */
  private static newestSource(): number {
    let newest = 0;
    const visit = (path: string) => {
      const info = statSync(path);
      if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
      else newest = Math.max(newest, info.mtimeMs);
    };
    for (const name of ['src', 'index.html', 'vite.config.ts', 'public'])
      if (existsSync(join(CONSOLE_DIR, name))) visit(join(CONSOLE_DIR, name));
    const lock = resolve(CONSOLE_DIR, '..', 'package-lock.json');
    if (existsSync(lock)) newest = Math.max(newest, statSync(lock).mtimeMs);
    return newest;
  }

  private async buildIfStale(): Promise<void> {
    const stamp = join(this.dist, STAMP);
    if (existsSync(stamp) && statSync(stamp).mtimeMs >= LocalConsole.newestSource()) return;
    this.state = { status: 'building' };
    const started = Date.now();
    const output: string[] = [];
    const code = await new Promise<number>((done) => {
      const child = spawn(
        process.execPath,
        [
          resolve(CONSOLE_DIR, '..', 'node_modules/vite/bin/vite.js'),
          'build',
          '--config',
          join(CONSOLE_DIR, 'vite.config.ts'),
          '--outDir',
          this.dist,
          '--logLevel',
          'warn',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NODE_ENV: 'production', CONSOLE_DIST: this.dist },
        },
      );
      this.building = child;
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      child.on('error', (error) => {
        output.push(error.message);
        done(1);
      });
      child.on('close', (c) => done(c ?? 1));
    });
    this.building = undefined;
    if (code !== 0) {
      this.state = { status: 'failed', output: output.join('').slice(-4000) };
      console.error(`the console did not build:\n${this.state.output}`);
      return;
    }
    writeFileSync(stamp, new Date().toISOString());
    this.state = { status: 'ready' };
    console.log(`  Console   built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Stops a build still running (the stack is stopping); the next start builds again. */
  stop(): void {
    this.building?.kill('SIGTERM');
  }

  /** Serves `pathname` if it is the console's or a customer page; false if it is not. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (!(pathname === '/console' || pathname.startsWith('/console/') || pathname.startsWith('/customer/')))
      return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only');
      return true;
    }
    if (pathname === '/console') {
      res.writeHead(308, { location: '/console/' }).end();
      return true;
    }
    if (pathname === '/console/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
        JSON.stringify({
          authority: `${this.apiUrl}/_local`,
          clientId: LOCAL_CLIENTS.console,
          localSignIn: true,
          apiBase: '',
        }),
      );
      return true;
    }
    if (this.state.status === 'building') {
      res
        .writeHead(503, {
          'content-type': 'text/html; charset=utf-8',
          'retry-after': '2',
          'cache-control': 'no-store',
        })
        .end(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Building the console</title></head><body><main><h1>The console is being built</h1><p>This page reloads itself in a moment.</p></main></body></html>',
        );
      return true;
    }
    if (this.state.status === 'failed') {
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`the console did not build:\n${this.state.output}`);
      return true;
    }
    if (pathname.startsWith('/console/assets/')) {
      const file = normalize(join(this.dist, pathname.slice('/console/'.length)));
      if (!file.startsWith(this.dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return true;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Named by their content: a new build has new names.
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
      return true;
    }
    // Every page is the app's index.html: the app routes in the browser, and answers its own 404.
    res.writeHead(200, {
      'content-type': TYPES['.html']!,
      'cache-control': 'no-cache',
      ...this.pageHeaders,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(join(this.dist, 'index.html')).pipe(res);
    return true;
  }
}
