/**
 * One CSV row of an import file (CONTRACT.md's columns): certificate `n`, its product `p`.
 * Identifiers are unique per (n, p); the company name carries a comma and quotes, as real
 * files do. The CLI's tests and `npm run bench:import` write the same rows.
 */
import type { CsvColumn } from '../../functions/core/csv-import.ts';

export function csvRow(n: number, p = 0, overrides: Partial<Record<CsvColumn, string>> = {}) {
  const order = String(n).padStart(8, '0');
  return {
    certificateNumber: `${order}-${String(n).padStart(7, '0').slice(-7)}`,
    salesOrderNumber: order,
    tier: 'ESSENTIAL',
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    companyName: `Acme, "Branch ${n}" SA`,
    companyAddress: '1 rue X, Paris',
    companyPhone: '+33 1 23 45 67 89',
    contactName: 'Marie Curie',
    contactEmail: `c${n}@acme.example`,
    contactPhone: '',
    contactLanguage: 'fr',
    serialNumber: `M${String(n * 10 + p).padStart(10, '0')}`,
    supportIdentifier: `${String(Math.floor(n / 10_000) % 10_000).padStart(4, '0')}-${String(n % 10_000).padStart(4, '0')}-${String(p).padStart(4, '0')}`,
    product: 'Backup Exec',
    version: '12.0',
    productLine: '',
    ...overrides,
  };
}
