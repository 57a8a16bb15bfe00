/**
 * statemachines/import-registrations.asl.json on the local stack, started by its ARN with
 * the upload's bucket and key, as the EventBridge rule on the imports bucket starts it: the
 * Distributed Map reads the certificates file (ItemReader, JSON Lines), batches it
 * (ItemBatcher), and ResultWriter leaves a manifest and flattened JSON Lines of report rows,
 * which FinishImport turns into the report. A key of no import stops at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../functions/core/csv-import.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pathOf, run } from '../support/workflows.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const line = (c: number) =>
  [
    `5555${String(c).padStart(4, '0')}-${1000000 + c}`,
    `5555${String(c).padStart(4, '0')}`,
    'ESSENTIAL',
    '2026-01-01',
    '2026-12-31',
    'Acme SA',
    '1 rue X',
    '+33 1 23 45 67 89',
    `Contact ${c}`,
    `c${c}@acme.example`,
    '',
    'en',
    `M${String(5_000_000_000 + c)}`,
    `5555-${String(c).padStart(4, '0')}-0001`,
    'Backup Exec',
    '12.0',
    '',
  ].join(',');

describe('import-registrations', () => {
  it('batches the certificates through the Distributed Map and writes their rows with ResultWriter', async () => {
    const created = await stack.post('/imports', undefined);
    const { importId } = created.body;
    const key = `imports/${importId}/input.csv`;
    // Put directly: the run is started below, as the rule would, rather than by the upload.
    const csv = [CSV_COLUMNS.join(','), ...Array.from({ length: 60 }, (_, i) => line(i + 1))].join('\n');
    const uploads = stack.stepFunctions.list('ImportRegistrations').length;
    await stack.s3.putObject(stack.importsBucket, key, csv);
    await stack.stepFunctions.idle();
    // The upload started one run (the local rule); a second start of the same upload stops at the claim.
    expect(stack.stepFunctions.list('ImportRegistrations')).toHaveLength(uploads + 1);
    const [first] = stack.stepFunctions.list('ImportRegistrations').slice(-1);
    expect(pathOf(first!)).toEqual(['PrepareImport', 'Prepared?', 'RegisterCertificates', 'FinishImport']);
    expect(JSON.parse(first!.output!)).toMatchObject({
      status: 'SUCCEEDED',
      counts: { rows: 60, created: 60 },
    });

    // ResultWriter: a manifest naming the results, flattened to one JSON line per report row.
    const [manifestKey, ...others] = stack.s3
      .keys(stack.importsBucket, `imports/${importId}/results/`)
      .filter((k) => k.endsWith('manifest.json'));
    expect(others).toEqual([]);
    expect(manifestKey).toMatch(new RegExp(`^imports/${importId}/results/[0-9a-f-]+/manifest\\.json$`));
    const manifest = JSON.parse((await stack.s3.getObject(stack.importsBucket, manifestKey!)).toString());
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    const rows = (
      await Promise.all(
        manifest.ResultFiles.SUCCEEDED.map(async (f: { Key: string }) =>
          (await stack.s3.getObject(stack.importsBucket, f.Key)).toString().trim().split('\n'),
        ),
      )
    )
      .flat()
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.outcome === 'CREATED')).toBe(true);

    const again = await run(stack, 'ImportRegistrations', { bucket: stack.importsBucket, key });
    expect(again.status).toBe('SUCCEEDED');
    expect(pathOf(again)).toEqual(['PrepareImport', 'Prepared?', 'NotThisRun']);
  });

  it('stops at once for an object that is no import', async () => {
    const stray = await run(stack, 'ImportRegistrations', {
      bucket: stack.importsBucket,
      key: 'imports/x/input.csv',
    });
    expect(stray.status).toBe('SUCCEEDED');
    expect(pathOf(stray)).toEqual(['PrepareImport', 'Prepared?', 'NotThisRun']);
  });
});
