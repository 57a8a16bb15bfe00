/** The local Step Functions keeps a bounded memory of finished executions. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/stepfunctions.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-sfn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'pass.asl.json');
writeFileSync(file, JSON.stringify({ StartAt: 'Pass', States: { Pass: { Type: 'Pass', End: true } } }));

function machines(keepFinished: number) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const sfn = new LocalStepFunctions({
    functions: {},
    dynamodb: {} as DynamoDBClient,
    retryIntervalMs: 1,
    keepFinished,
    now: () => new Date(now),
  });
  return {
    sfn,
    express: sfn.register('Fast', file, 'EXPRESS', {}),
    standard: sfn.register('Slow', file, 'STANDARD', {}),
    advance: (days: number) => (now += days * 24 * 3600 * 1000),
  };
}

describe('LocalStepFunctions memory', () => {
  it('keeps the latest finished executions only, in the order they started', async () => {
    const { sfn, express } = machines(3);
    const runs: Array<{ executionArn: string }> = [];
    for (let i = 0; i < 10; i++) runs.push(await sfn.startSync(express, JSON.stringify({ i })));
    expect(sfn.list().map((e) => JSON.parse(e.input).i)).toEqual([7, 8, 9]);
    expect(sfn.describe(runs[9]!.executionArn).status).toBe('SUCCEEDED');
    expect(() => sfn.describe(runs[0]!.executionArn)).toThrow(/Execution Does Not Exist/);
  });

  it('keeps them per state machine: many of one leave the others’ records', async () => {
    const { sfn, standard, express } = machines(2);
    const slow = await sfn.startSync(standard, '{}', 'slow');
    for (let i = 0; i < 5; i++) await sfn.startSync(express, '{}');
    expect(sfn.describe(slow.executionArn).status).toBe('SUCCEEDED');
    expect(sfn.list('Slow')).toHaveLength(1);
    expect(sfn.list('Fast')).toHaveLength(2);
    expect(sfn.list()).toHaveLength(3);
  });

  it('refuses a finished Standard execution’s name after its record is gone, for 90 days', async () => {
    const { sfn, standard, advance } = machines(1);
    const first = await sfn.startSync(standard, '{}', 'once');
    await sfn.startSync(standard, '{}', 'another');
    expect(() => sfn.describe(first.executionArn)).toThrow(/Execution Does Not Exist/);
    expect(() => sfn.start(standard, '{}', 'once')).toThrow(/Execution Already Exists/);
    advance(89);
    expect(() => sfn.start(standard, '{}', 'once')).toThrow(/Execution Already Exists/);
    advance(2);
    expect((await sfn.startSync(standard, '{}', 'once')).status).toBe('SUCCEEDED');
  });

  it('answers a running Standard execution started again with the same input, and idles', async () => {
    const { sfn, standard } = machines(10);
    const a = sfn.start(standard, '{"x":1}', 'same');
    expect(sfn.start(standard, '{"x":1}', 'same')).toBe(a);
    expect(() => sfn.start(standard, '{"x":2}', 'same')).toThrow(/Execution Already Exists/);
    await sfn.idle();
    expect(sfn.list('Slow').map((e) => e.status)).toEqual(['SUCCEEDED']);
  });
});

describe('LocalStepFunctions query language', () => {
  it('refuses a JSONata definition instead of ignoring it', () => {
    const jsonata = join(dir, 'jsonata.asl.json');
    writeFileSync(
      jsonata,
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% 1 %}', End: true } },
      }),
    );
    const sfn = new LocalStepFunctions({ functions: {}, dynamodb: {} as DynamoDBClient, retryIntervalMs: 1 });
    expect(() => sfn.register('Jsonata', jsonata, 'STANDARD', {})).toThrow(/JSONPath only/);
  });
});
