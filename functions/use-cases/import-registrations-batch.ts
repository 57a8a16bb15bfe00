/**
 * One batch of an import through S3 (a child of the Distributed Map): each certificate's
 * rows → the POST /registrations body (core/csv-import.ts) → the same use case and
 * conditional writes as the register-certificate workflow (use-cases/register-certificate.ts)
 * → its Contact ID email handed to deliver-notice under the notice's name, as the workflow's
 * StartContactIdDelivery does (a second start is refused: one email; a crash before it leaves
 * the notice PENDING for the re-driver) → the late upgrade decisions the workflow's last Task
 * makes. One report row per input row.
 *
 * A retried batch replays what it registered already: those rows then say REPLAYED.
 */
import type { NoticeDelivery } from '../adapters/notices.ts';
import type { Actor } from '../core/actors.ts';
import { CSV_COLUMNS, certificateFromRows, type RowError } from '../core/csv-import.ts';
import { DomainError } from '../core/errors.ts';
import { logger } from '../shared/logger.ts';
import type { CertificateGroup } from './import-prepare.ts';
import type { registerCertificate } from './register-certificate.ts';

export type ImportOutcome = 'CREATED' | 'RENEWED' | 'REPLAYED' | 'REFUSED';

/** One line of the report (core/csv-import.ts REPORT_COLUMNS), before its cells are made safe. */
export interface ReportRow {
  line: number;
  certificateNumber: string;
  serialNumber: string;
  outcome: ImportOutcome;
  contactId: string;
  error: string;
}

export interface ImportBatchInput {
  BatchInput: { importId: string; actor: Actor };
  Items: CertificateGroup[];
}

export interface ImportBatchDeps {
  register: (
    request: Parameters<typeof registerCertificate>[1],
    received: Parameters<typeof registerCertificate>[2],
  ) => ReturnType<typeof registerCertificate>;
  /** Starts the delivery under its name; a name already used is not an error. */
  deliver: (delivery: NoticeDelivery) => Promise<unknown>;
  /** The register-certificate workflow's last Task: never fails the registration. */
  decideLateUpgrades: (certificateNumber: string) => Promise<unknown>;
  now: () => Date;
}

/** Certificates of a batch registered at once: each is a transaction of its own. */
const CONCURRENCY = 5;

export async function importRegistrationsBatch(
  deps: ImportBatchDeps,
  input: ImportBatchInput,
): Promise<ReportRow[]> {
  const { importId, actor } = input.BatchInput;
  const reports: ReportRow[][] = new Array(input.Items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, input.Items.length) }, async () => {
      while (next < input.Items.length) {
        const index = next++;
        reports[index] = await importCertificate(deps, importId, actor, input.Items[index]!);
      }
    }),
  );
  return reports.flat();
}

async function importCertificate(
  deps: ImportBatchDeps,
  importId: string,
  actor: Actor,
  group: CertificateGroup,
): Promise<ReportRow[]> {
  const rows = group.lines.map((line, i) => ({
    line,
    row: Object.fromEntries(CSV_COLUMNS.map((column, c) => [column, group.rows[i]![c] ?? ''])),
  }));
  const rowOf = (i: number) => ({
    line: group.lines[i]!,
    certificateNumber: rows[i]!.row.certificateNumber!.trim(),
    serialNumber: rows[i]!.row.serialNumber!.trim(),
  });
  const refusedAll = (errors: RowError[], reason: string): ReportRow[] =>
    group.lines.map((line, i) => {
      const own = errors.filter((e) => e.line === line);
      return {
        ...rowOf(i),
        outcome: 'REFUSED',
        contactId: '',
        error: own.length ? own.map((e) => `${e.field}: ${e.message}`).join('; ') : reason,
      };
    });

  if (group.errors?.length) return refusedAll(group.errors, refusedWith(group.errors));
  const mapped = certificateFromRows(rows);
  if (!mapped.ok) return refusedAll(mapped.errors, refusedWith(mapped.errors));

  const { request } = mapped;
  try {
    const registered = await deps.register(request, {
      requestId: `import-${importId}-${group.lines[0]}`,
      receivedAt: deps.now().toISOString(),
      actor,
    });
    if (registered.delivery) await deps.deliver(registered.delivery);
    await deps.decideLateUpgrades(registered.certificateNumber).catch((error: unknown) =>
      // As in the workflow: the registration stands; a replay decides again.
      logger.warn('late upgrade decisions failed', {
        certificateNumber: registered.certificateNumber,
        error,
      }),
    );
    return group.lines.map((_, i) => ({
      ...rowOf(i),
      outcome: registered.outcome,
      contactId: registered.contactId,
      error: '',
    }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const fields =
      'errors' in error && Array.isArray(error.errors)
        ? (error.errors as Array<{ path: string; message: string }>)
        : [];
    const detail = [error.message, ...fields.map((f) => `${f.path}: ${f.message}`)].join('; ');
    return refusedAll([], `${error.status} ${error.title}: ${detail}`);
  }
}

const refusedWith = (errors: RowError[]) =>
  `refused with its certificate (see line ${[...new Set(errors.map((e) => e.line))].join(', ')})`;
