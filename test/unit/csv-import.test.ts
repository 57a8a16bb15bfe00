import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  type CsvRow,
  certificateFromRows,
  checkHeader,
  REPORT_COLUMNS,
  reportCell,
} from '../../functions/core/csv-import.ts';

const certificate = {
  certificateNumber: '12345678-1234567',
  salesOrderNumber: '12345678',
  tier: 'ESSENTIAL',
  termStart: '2026-01-01',
  termEnd: '2026-12-31',
  companyName: 'Acme, "the" SA',
  companyAddress: '1 rue X, Paris',
  companyPhone: '+33 1 23 45 67 89',
  contactName: 'Marie Curie',
  contactEmail: 'marie@acme.example',
  contactPhone: '',
  contactLanguage: 'fr',
};
const product = (i: number, extra: Record<string, string> = {}) => ({
  serialNumber: `M123456789${i}`,
  supportIdentifier: `1234-5678-123${i}`,
  product: 'Backup Exec',
  version: '12.0',
  productLine: '',
  ...extra,
});
const rows = (...products: Array<Record<string, string>>): CsvRow[] =>
  products.map((p, i) => ({ line: i + 2, row: { ...certificate, ...p } }));

describe('the CSV header', () => {
  it("is CONTRACT.md's, in order, and the report's columns too", () => {
    expect(CSV_COLUMNS.join(',')).toBe(
      'certificateNumber,salesOrderNumber,tier,termStart,termEnd,companyName,companyAddress,companyPhone,contactName,contactEmail,contactPhone,contactLanguage,serialNumber,supportIdentifier,product,version,productLine',
    );
    expect(REPORT_COLUMNS.join(',')).toBe('line,certificateNumber,serialNumber,outcome,contactId,error');
    expect(checkHeader([...CSV_COLUMNS])).toBeNull();
    expect(checkHeader([...CSV_COLUMNS].reverse())).toBeNull();
  });

  it('names unknown, missing and duplicate columns', () => {
    expect(checkHeader([...CSV_COLUMNS, 'discount'])).toMatch(/unknown column\(s\): "discount"/);
    expect(checkHeader(CSV_COLUMNS.filter((c) => c !== 'tier'))).toMatch(/missing column\(s\): tier\b/);
    expect(checkHeader([...CSV_COLUMNS, 'tier'])).toMatch(/given twice: tier/);
    // A data row taken for the header: everything missing, and the expected header shown.
    expect(checkHeader(['12345678-1234567', '12345678'])).toMatch(
      /The first line must be: certificateNumber,/,
    );
  });
});

describe('one certificate from its rows', () => {
  it('builds the POST /registrations body, one product per row, empty optional cells left out', () => {
    const result = certificateFromRows(rows(product(0), product(1, { productLine: 'Backup' })));
    expect(result).toEqual({
      ok: true,
      request: {
        certificateNumber: '12345678-1234567',
        salesOrderNumber: '12345678',
        tier: 'ESSENTIAL',
        term: { start: '2026-01-01', end: '2026-12-31' },
        company: { name: 'Acme, "the" SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
        primaryContact: { name: 'Marie Curie', email: 'marie@acme.example', language: 'fr' },
        products: [
          {
            serialNumber: 'M1234567890',
            supportIdentifier: '1234-5678-1230',
            product: 'Backup Exec',
            version: '12.0',
          },
          {
            serialNumber: 'M1234567891',
            supportIdentifier: '1234-5678-1231',
            product: 'Backup Exec',
            version: '12.0',
            productLine: 'Backup',
          },
        ],
      },
    });
  });

  it('takes the default language when the cell is empty', () => {
    const result = certificateFromRows([
      { line: 2, row: { ...certificate, contactLanguage: ' ', ...product(0) } },
    ]);
    expect(result.ok && result.request).toMatchObject({ primaryContact: { language: 'en' } });
  });

  it('refuses the whole certificate when its rows disagree, naming the line and column', () => {
    const result = certificateFromRows(
      rows(product(0), { ...product(1), contactEmail: 'pierre@acme.example' }),
    );
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 3, field: 'contactEmail', message: expect.stringMatching(/differs from line 2/) }],
    });
  });

  it("maps each invalid value back to its row's line and column", () => {
    const result = certificateFromRows(
      rows(product(0), product(1, { supportIdentifier: '12-34' }), product(2, { version: '' })),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        { line: 3, field: 'supportIdentifier', message: expect.stringMatching(/4-4-4 digits/) },
        { line: 4, field: 'version', message: expect.any(String) },
      ]),
    );
  });

  it('names certificate-level columns (term dates, company, contact) on the first row', () => {
    const bad = { ...certificate, termEnd: '2025-12-31', companyPhone: 'call us', tier: 'GOLD' };
    const result = certificateFromRows([
      { line: 7, row: { ...bad, ...product(0) } },
      { line: 8, row: { ...bad, ...product(1) } },
    ]);
    expect(!result.ok && result.errors.map((e) => `${e.line} ${e.field}`).sort()).toEqual([
      '7 companyPhone',
      '7 termEnd',
      '7 tier',
    ]);
  });

  it('refuses a serial listed twice on the row that repeats it', () => {
    const result = certificateFromRows(rows(product(0), product(0)));
    expect(!result.ok && result.errors).toEqual([
      { line: 3, field: 'serialNumber', message: 'serial M1234567890 is listed twice' },
    ]);
  });
});

describe('report cells', () => {
  it('neutralise what a spreadsheet would run as a formula', () => {
    expect(reportCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(reportCell(`${lead}1`)).toBe(`'${lead}1`);
    expect(reportCell('Acme, "the" SA')).toBe('Acme, "the" SA');
    expect(reportCell('')).toBe('');
    expect(reportCell('12345678-1234567')).toBe('12345678-1234567');
  });
});
