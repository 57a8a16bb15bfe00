/**
 * Names derived from free text (product names, versions) are identities and idempotency
 * keys: execution names (Step Functions refuses a second start under a name), schedule
 * names (Scheduler) and notice ids. Two products or releases must never share one; the
 * same one must always get the same; all must fit the services' limits.
 */
import { describe, expect, it } from 'vitest';
import {
  type MajorLifecycle,
  milestoneExecutionName,
  milestoneScheduleName,
  type Phase,
  scheduledNoticeRunName,
  slug,
} from '../../functions/core/lifecycle.ts';
import { lifecycleNotice } from '../../functions/core/lifecycle-notices.ts';
import { gaRunExecutionName, gaScheduleName, upgradeNoticeId } from '../../functions/core/upgrades.ts';

/** Step Functions: 1–80 of [0-9A-Za-z-_]. Notice ids name their delivery execution. */
const EXECUTION = /^[0-9A-Za-z_-]{1,80}$/;
/** EventBridge Scheduler: 1–64 of [0-9A-Za-z-_.]. */
const SCHEDULE = /^[0-9A-Za-z_.-]{1,64}$/;

const A = 'Backup Exec Server Edition 86';
const B = 'Backup Exec Server Edition 3763';
const PHASES = ['EOL', 'PARTIAL_SUPPORT', 'END_OF_SUPPORT'] as const satisfies readonly Phase[];
const EVENTS = ['SCHEDULED', ...PHASES] as const;
const recipient = { to: 'marie@acme.example', name: 'Marie', language: 'en' as const };

const lifecycle = (product: string, major = 12, revision = 1): MajorLifecycle => ({
  product,
  major,
  eolDate: '2030-06-30',
  partialSupportDate: '2031-06-30',
  endOfSupportDate: '2032-06-30',
  legacy: false,
  phase: 'GA',
  revision,
  updatedAt: '2030-01-01T00:00:00Z',
});

/** Every name the service derives from a product (and major) or a release. */
function productNames(product: string, major = 12, revision = 1): string[] {
  return [
    ...PHASES.flatMap((p) => [
      milestoneScheduleName(product, major, p),
      milestoneExecutionName(product, major, p, '2030-06-30'),
      milestoneExecutionName(product, major, p, '2030-06-30', 'r2030-07-07'),
    ]),
    scheduledNoticeRunName(product, major, revision),
    ...EVENTS.map((e) => lifecycleNotice(lifecycle(product, major, revision), e, recipient, 'now').id),
  ];
}
function releaseNames(product: string, version: string): string[] {
  return [
    gaScheduleName(product, version),
    gaRunExecutionName(product, version, '2030-06-30'),
    gaRunExecutionName(product, version, '2030-06-30', 'r2030-07-07'),
    upgradeNoticeId({ product, version }, recipient.to),
  ];
}

describe('names derived from product names', () => {
  it('keep look-alike products apart: schedules, executions and notices', () => {
    expect(slug(A)).not.toBe(slug(B));
    const a = productNames(A);
    const b = productNames(B);
    for (const name of a) expect(b).not.toContain(name);
    for (const name of releaseNames(A, '12.5')) expect(releaseNames(B, '12.5')).not.toContain(name);
    // Each product's own names are distinct from one another too.
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
  });

  it('keep apart thousands of products that differ only past the readable prefix', () => {
    const names = new Set<string>();
    for (let n = 0; n < 20_000; n++)
      names.add(milestoneScheduleName(`Backup Exec Server Edition ${n}`, 12, 'EOL'));
    expect(names.size).toBe(20_000);
  });

  it('keep apart products that read alike once slugged (case, punctuation, accents)', () => {
    const products = [
      'Backup Exec',
      'Backup-Exec',
      'backup exec',
      'Backup  Exec',
      'Backup Exéc',
      'Backup Exec ',
    ];
    expect(new Set(products.map(slug)).size).toBe(products.length);
    expect(new Set(products.map((p) => milestoneScheduleName(p, 12, 'EOL'))).size).toBe(products.length);
  });

  it('are deterministic: the same product always gets the same names', () => {
    expect(productNames(A)).toEqual(productNames(A));
    expect(releaseNames(A, '12.0 MP 1')).toEqual(releaseNames(A, '12.0 MP 1'));
  });

  it('show people which product they are about', () => {
    expect(milestoneScheduleName(A, 12, 'EOL')).toMatch(/^lifecycle-Backup-Exec-[0-9a-f]{16}-12-EOL$/);
    expect(gaScheduleName(A, '12.0 MP 1')).toMatch(/^ga-Backup-Exec-[0-9a-f]{16}-12-0-MP1$/);
  });

  it('fit the services’ limits, whatever the product (longest, symbols only, non-Latin)', () => {
    const products = [
      A,
      'x'.repeat(100),
      `${'Enterprise Vault Discovery Accelerator '.repeat(3)}`.slice(0, 100),
      '<script>alert(1)</script> & "quotes"',
      '!!! ---',
      'Резервное копирование 12',
      '日本語の製品',
      '🙂',
    ];
    for (const product of products) {
      for (const [major, revision] of [
        [0, 1],
        [9999, 123_456],
      ] as const) {
        const names = productNames(product, major, revision);
        const schedules = PHASES.map((p) => milestoneScheduleName(product, major, p));
        for (const name of names)
          expect(name, product).toMatch(schedules.includes(name) ? SCHEDULE : EXECUTION);
      }
      for (const version of [
        '1.0',
        '9999.9999.9999 MP 999',
        '12-0',
        'not a version at all, but long'.repeat(4),
      ]) {
        const [schedule, ...executions] = releaseNames(product, version);
        expect(schedule, `${product} ${version}`).toMatch(SCHEDULE);
        for (const name of executions) expect(name, `${product} ${version}`).toMatch(EXECUTION);
      }
    }
  });
});

describe('names derived from versions', () => {
  it('keep distinct releases apart', () => {
    const versions = [
      '12.0',
      '1.20',
      '12.0.1',
      '12.0 MP 1',
      '12.0.1 MP 1',
      '1.2',
      '12.1',
      '121.0',
      '12.10',
      '12-0',
    ];
    const names = versions.map((v) => releaseNames(A, v));
    for (const [i, a] of names.entries())
      for (const [j, b] of names.entries())
        if (i !== j) for (const name of a) expect(b, `${versions[i]} / ${versions[j]}`).not.toContain(name);
  });

  it('name one release the same, however its version is written', () => {
    for (const same of [
      ['12.0', '12.00', '12', '12.0.0'],
      ['12.0 MP 1', '12.00 MP 01', '12.0.0 MP 1'],
    ])
      expect(new Set(same.map((v) => JSON.stringify(releaseNames(A, v)))).size).toBe(1);
  });
});
