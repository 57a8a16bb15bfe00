/**
 * Batch import from CSV (CONTRACT.md "Batch import and integrations"): the columns, the
 * header check, one certificate's rows → the POST /registrations body, and the report's
 * cells. Pure: the CLI (cli/import.ts) and the AWS import both parse and stream; this
 * module only decides.
 */
import { RegistrationRequest } from './registration.ts';
import type * as z from './zod.ts';

/** The header, in CONTRACT.md's order: one row per product. */
export const CSV_COLUMNS = [
  'certificateNumber',
  'salesOrderNumber',
  'tier',
  'termStart',
  'termEnd',
  'companyName',
  'companyAddress',
  'companyPhone',
  'contactName',
  'contactEmail',
  'contactPhone',
  'contactLanguage',
  'serialNumber',
  'supportIdentifier',
  'product',
  'version',
  'productLine',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One report line per input row. */
export const REPORT_COLUMNS = [
  'line',
  'certificateNumber',
  'serialNumber',
  'outcome',
  'contactId',
  'error',
] as const;

/** Columns every row of a certificate repeats; they must agree. */
export const CERTIFICATE_COLUMNS = CSV_COLUMNS.slice(0, 12) as readonly CsvColumn[];
/** Columns that describe one product (one row). */
export const PRODUCT_COLUMNS = CSV_COLUMNS.slice(12) as readonly CsvColumn[];

/** Cells that may be left empty (the API's optional fields, or its default language). */
const OPTIONAL_COLUMNS = new Set<CsvColumn>(['contactPhone', 'contactLanguage', 'productLine']);

/** Where each certificate-level column lands in the request, and back (for zod's issue paths). */
const CERTIFICATE_PATHS: Record<string, readonly string[]> = {
  certificateNumber: ['certificateNumber'],
  salesOrderNumber: ['salesOrderNumber'],
  tier: ['tier'],
  termStart: ['term', 'start'],
  termEnd: ['term', 'end'],
  companyName: ['company', 'name'],
  companyAddress: ['company', 'address'],
  companyPhone: ['company', 'phone'],
  contactName: ['primaryContact', 'name'],
  contactEmail: ['primaryContact', 'email'],
  contactPhone: ['primaryContact', 'phone'],
  contactLanguage: ['primaryContact', 'language'],
};
const COLUMN_OF_PATH = new Map(
  Object.entries(CERTIFICATE_PATHS).map(([column, path]) => [path.join('.'), column]),
);

/** A message naming what is wrong with the header, or null when it is CONTRACT.md's. */
export function checkHeader(header: string[]): string | null {
  const names = header.map((h) => h.trim());
  const known = new Set<string>(CSV_COLUMNS);
  const seen = new Set<string>();
  const duplicate = [...new Set(names.filter((n) => seen.size === seen.add(n).size))];
  const unknown = names.filter((n) => !known.has(n));
  const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
  const problems = [
    unknown.length ? `unknown column(s): ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : '',
    missing.length ? `missing column(s): ${missing.join(', ')}` : '',
    duplicate.length ? `column(s) given twice: ${duplicate.join(', ')}` : '',
  ].filter(Boolean);
  if (!problems.length) return null;
  return `the header is not the one expected (${problems.join('; ')}). The first line must be: ${CSV_COLUMNS.join(',')}`;
}

export interface CsvRow {
  /** The row's line in the file (1 = the header), where a spreadsheet user will look. */
  line: number;
  row: Record<string, string>;
}
export interface RowError {
  line: number;
  field: string;
  message: string;
}
export type CertificateResult =
  | { ok: true; request: RegistrationRequest }
  | { ok: false; errors: RowError[] };

const cell = (row: Record<string, string>, column: CsvColumn) => (row[column] ?? '').trim();

type Tree = { [key: string]: string | Tree | Array<Record<string, string>> };
function setPath(target: Tree, path: readonly string[], value: string) {
  let at = target;
  for (const key of path.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Tree;
  }
  at[path.at(-1)!] = value;
}

/**
 * One certificate's rows (in file order) → the POST /registrations body, or every error
 * with the line and column a person fixes. Rows that disagree on a certificate-level
 * column refuse the whole certificate: guessing which row is right could email the wrong
 * person.
 */
export function certificateFromRows(rows: CsvRow[]): CertificateResult {
  if (!rows.length)
    return { ok: false, errors: [{ line: 0, field: 'certificateNumber', message: 'no rows' }] };
  const [first] = rows as [CsvRow, ...CsvRow[]];
  const disagreements: RowError[] = [];
  for (const { line, row } of rows.slice(1))
    for (const column of CERTIFICATE_COLUMNS)
      if (cell(row, column) !== cell(first.row, column))
        disagreements.push({
          line,
          field: column,
          message: `differs from line ${first.line} of the same certificate: its rows must repeat the same ${column}, so the whole certificate is refused`,
        });
  if (disagreements.length) return { ok: false, errors: disagreements };

  const body: Tree = {};
  for (const column of CERTIFICATE_COLUMNS) {
    const value = cell(first.row, column);
    if (value || !OPTIONAL_COLUMNS.has(column)) setPath(body, CERTIFICATE_PATHS[column]!, value);
  }
  body.products = rows.map(({ row }) => {
    const product: Record<string, string> = {};
    for (const column of PRODUCT_COLUMNS) {
      const value = cell(row, column);
      if (value || !OPTIONAL_COLUMNS.has(column)) product[column] = value;
    }
    return product;
  });

  const parsed = RegistrationRequest.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => rowErrorOf(issue, rows)) };
}

/** A zod issue on the request → the line and column it came from. */
function rowErrorOf(issue: z.core.$ZodIssue, rows: CsvRow[]): RowError {
  const [head, index, field] = issue.path.map(String);
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
  if (head === 'products') {
    const at = rows[Number(index)];
    if (at && field) return { line: at.line, field, message };
    // About the list itself (too many products): the certificate's first row.
    return { line: rows[0]!.line, field: 'serialNumber', message };
  }
  const column = COLUMN_OF_PATH.get(issue.path.map(String).join('.'));
  return { line: rows[0]!.line, field: column ?? head ?? 'certificateNumber', message };
}

/**
 * A report cell a spreadsheet will show as text: one starting with = + - @, a tab or a
 * carriage return would be read as a formula (CSV injection, OWASP), so it gets a leading
 * single quote.
 */
export function reportCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
