/**
 * Bundles every function the way CDK does (esbuild, ESM, minified, node24, the AWS
 * SDK v3 left to the runtime) and measures each bundle's size and cold module load.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { build } from 'esbuild';
import { TASK_FUNCTIONS, WORKFLOWS, type WorkflowName } from '../functions/catalog.ts';
import { ROUTES } from '../functions/http/routes.ts';
import { configEnvironment, workflowEnvironment } from '../functions/shared/config.ts';

export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  metafile: true,
  // CDK writes licence comments to a file beside the bundle: the code's own bytes are measured.
  legalComments: 'none',
};

export interface BundleFigure {
  name: string;
  bytes: number;
  loadMsMedian: number;
  loadMsRuns: number[];
}

export async function measureBundles(root: string, runs = 10): Promise<BundleFigure[]> {
  const outDir = join(root, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const entries: Array<[string, string]> = [
    ...Object.entries(TASK_FUNCTIONS).map(([name, f]) => [name, f.entry] as [string, string]),
    ...ROUTES.map((r) => [r.id, r.entry] as [string, string]),
  ];
  const figures: BundleFigure[] = [];
  for (const [name, entry] of entries) {
    const outfile = join(outDir, `${name}.mjs`);
    const result = await build({
      ...BUNDLE_OPTIONS,
      entryPoints: [join(root, entry)],
      outfile,
      logLevel: 'error',
    });
    const bytes = Object.values(result.metafile!.outputs).reduce((sum, o) => sum + o.bytes, 0);
    const loadMsRuns = Array.from({ length: runs }, () => loadOnce(outfile));
    figures.push({ name, bytes, loadMsRuns, loadMsMedian: median(loadMsRuns) });
    if (statSync(outfile).size !== bytes) throw new Error(`${name}: metafile and file sizes disagree`);
  }
  return figures;
}

/** A fresh Node process imports the bundle, as a Lambda cold start does (env set, no invocation). */
function loadOnce(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      // Every variable a handler may require at load, as CDK sets them.
      ...configEnvironment('table', { tableName: 'bench' }),
      ...configEnvironment('mailer', { from: 'bench@example.com', templatePrefix: 'bench-' }),
      ...configEnvironment('schedules', {
        groupName: 'bench',
        roleArn: 'arn:aws:iam::000000000000:role/bench',
        deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:bench',
      }),
      ...Object.assign(
        {},
        ...(Object.keys(WORKFLOWS) as WorkflowName[]).map((w) =>
          workflowEnvironment(w, 'arn:aws:states:us-east-1:000000000000:stateMachine:bench'),
        ),
      ),
    },
  });
  if (out.status !== 0) throw new Error(`loading ${file} failed: ${out.stderr.slice(-600)}`);
  return Number(out.stdout);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
