/**
 * An import through S3 on the local stack: POST /imports, PUT the CSV to the presigned URL
 * (local S3), the upload starts import-registrations (the same ASL as on AWS: PrepareImport,
 * a Distributed Map with ItemReader, ItemBatcher and ResultWriter, FinishImport), then
 * GET /imports/{id} and the report.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, REPORT_COLUMNS } from '../../functions/core/csv-import.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const HEADER = CSV_COLUMNS.join(',');

/** One CSV row: certificate `c` (8 digits + 7), product `p` of it. */
function row(
  c: number,
  p: number,
  extra: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {},
): string {
  const cells: Record<string, string> = {
    certificateNumber: `8765${String(c).padStart(4, '0')}-${String(1000000 + c)}`,
    salesOrderNumber: `8765${String(c).padStart(4, '0')}`,
    tier: 'ESSENTIAL',
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    companyName: `Acme ${c}, "the" SA`,
    companyAddress: '1 rue X, Paris',
    companyPhone: '+33 1 23 45 67 89',
    contactName: `Contact ${c}`,
    contactEmail: `contact${c}@acme.example`,
    contactPhone: '',
    contactLanguage: 'en',
    serialNumber: `M${String(c * 10 + p).padStart(10, '0')}`,
    supportIdentifier: `4321-${String(c).padStart(4, '0')}-${String(p).padStart(4, '0')}`,
    product: 'Backup Exec',
    version: '12.0',
    productLine: '',
    ...extra,
  };
  return CSV_COLUMNS.map((col) => {
    const v = cells[col]!;
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

/** POST /imports, PUT the file to the URL it gives, wait for the run; the import as GET shows it. */
async function importFile(body: string | Buffer, as = stack as Pick<TestStack, 'post'>) {
  const created = await as.post('/imports', undefined);
  expect(created.status).toBe(201);
  const { importId, upload } = created.body;
  expect(upload.method).toBe('PUT');
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
  expect(put.status).toBe(200);
  await stack.stepFunctions.idle();
  const view = await stack.get(`/imports/${importId}`);
  expect(view.status).toBe(200);
  return view.body;
}

async function report(view: { report: { url: string } }): Promise<Array<Record<string, string>>> {
  const res = await fetch(view.report.url);
  expect(res.status).toBe(200);
  return parse(await res.text(), { columns: true, bom: true });
}

describe('an import through S3', () => {
  // 30 certificates of 1 to 3 products: more than one batch (25 certificates each).
  const lines = [HEADER];
  for (let c = 1; c <= 30; c++) for (let p = 1; p <= (c % 3) + 1; p++) lines.push(row(c, p));
  const file = `\uFEFF${lines.join('\r\n')}\r\n`;
  const rows = lines.length - 1;

  it('registers every certificate, reports each row and emails each Contact ID once', async () => {
    const created = await stack.post('/imports', undefined);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/imports/${created.body.importId}`);
    expect(created.body).toMatchObject({ status: 'PENDING_UPLOAD', upload: { method: 'PUT' } });
    expect((await stack.get(`/imports/${created.body.importId}`)).body.status).toBe('PENDING_UPLOAD');

    const view = await importFile(file);
    expect(view).toMatchObject({
      status: 'SUCCEEDED',
      counts: { rows, created: rows, renewed: 0, replayed: 0, refused: 0 },
      createdBy: { subject: 'test-licensing-ops', role: 'licensing-ops' },
    });
    const lines = await report(view);
    expect(lines).toHaveLength(rows);
    expect(Object.keys(lines[0]!)).toEqual([...REPORT_COLUMNS]);
    expect(lines.map((l) => Number(l.line))).toEqual(Array.from({ length: rows }, (_, i) => 2 + i));
    expect(new Set(lines.map((l) => l.outcome))).toEqual(new Set(['CREATED']));

    const certificate = await stack.get('/certificates/87650001-1000001');
    expect(certificate.status).toBe(200);
    expect(certificate.body.company.name).toBe('Acme 1, "the" SA');
    expect(certificate.body.auditTrail?.[0]?.actor ?? certificate.body.audit?.[0]?.actor).toMatchObject({
      subject: 'test-licensing-ops',
    });
    const contactId = lines.find((l) => l.certificateNumber === '87650001-1000001')!.contactId;
    const emails = await stack.emails('contact1@acme.example');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toContain(contactId);
    expect((await stack.emails()).length).toBe(30);
  });

  it('again under a new import: every row REPLAYED, nobody emailed again', async () => {
    const before = (await stack.emails()).length;
    const view = await importFile(file);
    expect(view).toMatchObject({
      status: 'SUCCEEDED',
      counts: { rows, created: 0, renewed: 0, replayed: rows, refused: 0 },
    });
    expect(new Set((await report(view)).map((l) => l.outcome))).toEqual(new Set(['REPLAYED']));
    await stack.stepFunctions.idle();
    expect((await stack.emails()).length).toBe(before);
  });

  it('refuses bad rows with their line and field, registers the rest, and keeps formulas inert', async () => {
    const bad = [
      HEADER,
      row(101, 1),
      row(102, 1, { contactEmail: 'not-an-email' }),
      row(103, 1),
      row(103, 2, { companyName: 'Other SA' }), // disagrees with its certificate's first row
      row(104, 1, { contactName: '=cmd|calc' }),
      `${row(105, 1)},extra`,
      row(106, 1, { companyAddress: '1 rue X\nParis' }), // lines 9 and 10 of the file
      row(107, 1),
    ].join('\n');
    const view = await importFile(bad);
    expect(view.status).toBe('SUCCEEDED');
    const lines = await report(view);
    const at = (n: number) => lines.find((l) => l.line === String(n))!;
    expect(at(2).outcome).toBe('CREATED');
    expect(at(3)).toMatchObject({ outcome: 'REFUSED', error: expect.stringContaining('contactEmail') });
    // A certificate whose rows disagree is refused whole: each row says why, or where to look.
    expect(at(4)).toMatchObject({ outcome: 'REFUSED', error: expect.stringContaining('see line 5') });
    expect(at(5)).toMatchObject({ outcome: 'REFUSED', error: expect.stringContaining('companyName') });
    expect(at(7)).toMatchObject({ outcome: 'REFUSED', error: expect.stringContaining('fields') });
    // A quoted line break: the row starts on line 8, the next one on line 10.
    expect(at(8)).toMatchObject({ outcome: 'REFUSED', error: expect.stringContaining('companyAddress') });
    expect(at(10).outcome).toBe('CREATED');
    expect((await stack.get('/certificates/87650103-1000103')).status).toBe(404);
    expect((await stack.get('/certificates/87650102-1000102')).status).toBe(404);
    // A formula-looking name registers as text; the report cell that could echo it is quoted.
    const formula = at(6);
    expect(formula.outcome).toBe('CREATED');
    for (const cell of Object.values(formula)) expect(cell).not.toMatch(/^=/);
    expect(view.counts).toMatchObject({ rows: 8, created: 3, refused: 5 });
  });

  it.each([
    ['no header', `${row(201, 1)}\n`, 'header'],
    ['an empty file', '', 'empty'],
    ['only the header', `${HEADER}\n`, 'no rows'],
    [
      'a file that is not UTF-8',
      Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xe9, 0x0a])]),
      'UTF-8',
    ],
  ])('refuses %s whole: FAILED with why, nothing stored', async (_what, body, words) => {
    const view = await importFile(body);
    expect(view.status).toBe('FAILED');
    expect(view.message).toContain(words);
    expect(view.report).toBeUndefined();
    expect((await stack.get('/certificates/87650201-1000201')).status).toBe(404);
  });

  it('is for licensing ops and integrations only', async () => {
    expect((await stack.as('support-engineer').post('/imports', undefined)).status).toBe(403);
    const created = await stack.as('integration').post('/imports', undefined);
    expect(created.status).toBe(201);
    expect((await stack.as('support-engineer').get(`/imports/${created.body.importId}`)).status).toBe(403);
    expect((await stack.anonymous.get(`/imports/${created.body.importId}`)).status).toBe(401);
    expect((await stack.get('/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('starts nothing for an object that is no import, nor twice for one upload sent again', async () => {
    const created = await stack.post('/imports', undefined);
    const { upload, importId } = created.body;
    const small = `${HEADER}\n${row(301, 1)}\n`;
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: small });
    await stack.stepFunctions.idle();
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: small });
    await stack.stepFunctions.idle();
    const runs = stack.stepFunctions.list('ImportRegistrations').filter((e) => e.input.includes(importId));
    expect(runs).toHaveLength(2);
    expect(runs[1]!.statesEntered).toEqual(['PrepareImport', 'Prepared?', 'NotThisRun']);
    expect((await stack.get(`/imports/${importId}`)).body.counts).toMatchObject({ rows: 1, created: 1 });
  });
});
