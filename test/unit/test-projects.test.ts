/**
 * `npm test` runs every test: each test file belongs to exactly one project of
 * vitest.config.ts, and only the `local` project starts DynamoDB Local.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.ts';

interface Project {
  test: { name: string; include: string[]; exclude?: string[]; globalSetup?: string[] };
}
const projects = (config.test?.projects ?? []) as unknown as Project[];
const testFiles = (readdirSync('test', { recursive: true }) as string[])
  .map((f) => `test/${f.replaceAll('\\', '/')}`)
  .filter((f) => f.endsWith('.test.ts'));

const inProject = (file: string, { test }: Project) =>
  test.include.some((glob) => matchesGlob(file, glob)) &&
  !(test.exclude ?? []).some((glob) => matchesGlob(file, glob));

describe('the test projects', () => {
  it('hold every test file, each in exactly one', () => {
    expect(testFiles.length).toBeGreaterThan(40);
    for (const file of testFiles)
      expect(
        projects.filter((p) => inProject(file, p)).map((p) => p.test.name),
        file,
      ).toHaveLength(1);
  });

  it('start DynamoDB Local only for the project that uses it, which test:fast leaves out', () => {
    const withDynamoDb = projects.filter((p) => p.test.globalSetup?.length).map((p) => p.test.name);
    expect(withDynamoDb).toEqual(['local']);
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    const fast = [...scripts['test:fast']!.matchAll(/--project (\S+)/g)].map((m) => m[1]);
    expect(fast.sort()).toEqual(['handlers', 'infra', 'unit']);
    // Then the browser suite (playwright.config.ts: test/browser/*.spec.ts, not vitest's).
    expect(scripts.test).toBe('vitest run && playwright test');
  });
});
