/**
 * The browser suite (`npm test` runs it after vitest): Playwright drives Debian's chromium
 * (never a downloaded browser build; .ci/run installs the package when missing) against a
 * fresh in-memory local stack that serves the console, as a person would use it.
 * BROWSER_PORT, BROWSER_SES_PORT, BROWSER_DYNAMODB_PORT choose the stack's ports (3910, 8915, 8910),
 * CHROMIUM_PATH the browser (/usr/bin/chromium).
 */
import { defineConfig } from '@playwright/test';

const port = Number(process.env.BROWSER_PORT ?? 3910);
const sesPort = Number(process.env.BROWSER_SES_PORT ?? 8915);
const dynamodbPort = Number(process.env.BROWSER_DYNAMODB_PORT ?? 8910);
export const BASE_URL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'test/browser',
  outputDir: process.env.BROWSER_RESULTS ?? 'test/browser/.results',
  // One stack, one table: the files register their own certificates, so they can share it.
  workers: Number(process.env.BROWSER_WORKERS ?? 2),
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // As the machine's own probe starts it: no sandbox (root in CI), no calls to Google's hosts.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx local/start.ts --in-memory --today 2026-11-27',
    // The console answers 503 until it is built: the suite starts once it serves.
    url: `${BASE_URL}/console/`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      SES_PORT: String(sesPort),
      DYNAMODB_PORT: String(dynamodbPort),
      LOCAL_DOMAIN_EVENTS: 'off',
      LOCAL_RETRY_INTERVAL_MS: '50',
      LOG_LEVEL: 'ERROR',
    },
  },
});
