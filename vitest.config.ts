/**
 * Five projects, one run (`npm test`, what CI runs):
 * - `unit` and `handlers`: the core, and each handler with its AWS clients mocked;
 * - `infra`: the CDK app, synthesized once per worker without bundling (test/infra/synth.ts);
 * - `build`: the synth as `npx cdk synth` makes it, functions bundled, and a synth that proves
 *   the validation live (test/build);
 * - `local`: everything on DynamoDB Local (one JVM for the run, started by this project's
 *   globalSetup only): handlers on a real table, the ASL files on the local stack, the
 *   end-to-end and fault suites.
 * `npm run test:fast` runs `unit`, `handlers` and `infra`: no JVM, no esbuild.
 */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Handler tests that run the real adapters on a real table in DynamoDB Local. */
const HANDLERS_ON_DYNAMODB = [
  'test/handlers/record-registration.test.ts',
  'test/handlers/send-notice.test.ts',
  'test/handlers/get-certificate.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine.
    // Test files mostly wait on synth, DynamoDB Local or SES, so every core gets a worker.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        // The core and local helpers: one module cache per worker (files load in milliseconds, not a
        // fork each). A file that changes the environment, a spy or a module registry restores it.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Each file sets its environment and mocks its clients before importing a handler: isolated.
        test: {
          name: 'handlers',
          include: ['test/handlers/**/*.test.ts'],
          exclude: HANDLERS_ON_DYNAMODB,
        },
      },
      {
        extends: true,
        // Files share a worker's module cache, so the synth memoized in test/infra/synth.ts is shared.
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Whole-service synths the infra suite leaves out: esbuild bundles, a failing canary (tens of seconds).
        test: { name: 'build', include: ['test/build/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'local',
          include: [
            ...HANDLERS_ON_DYNAMODB,
            'test/workflows/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/faults/**/*.test.ts',
          ],
          // DynamoDB Local (one JVM) is started once for this project; each test file that needs
          // it creates its own table, so files run in parallel without sharing state.
          globalSetup: ['test/support/global-setup.ts'],
          // A test that moves the local clock across a year runs every daily job of each day
          // crossed: over a minute when both cores are shared with another file and the JVM.
          testTimeout: 180_000,
        },
      },
    ],
  },
});
