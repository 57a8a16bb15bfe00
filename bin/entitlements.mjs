#!/usr/bin/env node
// The `entitlements` CLI: runs cli/main.ts on Node 24 through tsx (the project's own
// TypeScript, not a build). Signals go to the CLI, which stops cleanly; its exit code is ours.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Node 24 from the project's `node` package when the machine's own node is older.
const projectNode = join(root, 'node_modules', 'node', 'bin', 'node');
const node =
  Number(process.versions.node.split('.')[0]) < 24 && existsSync(projectNode)
    ? projectNode
    : process.execPath;
const tsx = createRequire(import.meta.url).resolve('tsx');

// The import's live heap is a few tens of MB whatever the file size; without a cap V8 grows
// its heap with the allocation rate (240 MB for a 100 MB file), with it the peak stays ~120 MB.
const heap = ['--max-old-space-size=128', '--max-semi-space-size=8'];
const child = spawn(
  node,
  [...heap, '--import', tsx, join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
// Ctrl-C on a terminal reaches the CLI itself too (same process group); the copy forwarded
// here arrives within milliseconds, and the CLI counts only a second Ctrl-C a second later.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});
