/**
 * Void a certificate registered in error (DELETE /certificates/{n}):
 * 1. load the certificate, its serials, the certificates that renewed it and those it renewed;
 * 2. decide (core/correction: already void → nothing; renewed by a live certificate → 409);
 * 3. commit in one transaction on its revision: VOID, out of the due index, its serials freed
 *    (deleted when it was their only term), the certificates it renewed re-armed, the audit.
 * A lost race (a renewal, a correction, the reminder run) loads and decides again.
 */
import type { CorrectionAudit, CorrectionStore } from '../adapters/corrections.ts';
import { decideVoid } from '../core/correction.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { logger } from '../shared/logger.ts';

export interface VoidCommand {
  certificateNumber: string;
  requestId: string;
  receivedAt: string;
}

const MAX_ATTEMPTS = 6;

export function voidCertificate(store: CorrectionStore, reminderOffsets: ReminderOffsets = {}) {
  return async (command: VoidCommand): Promise<{ outcome: 'VOIDED' | 'ALREADY_VOID' }> => {
    const { certificateNumber } = command;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const context = await store.loadVoid(certificateNumber);
      if (!context) throw new NotFound(`no certificate ${certificateNumber} is registered`);
      const decision = decideVoid(context, { now: new Date(command.receivedAt), reminderOffsets });
      if (decision.kind === 'ALREADY_VOID') return { outcome: 'ALREADY_VOID' };
      const audit: CorrectionAudit = {
        action: 'CERTIFICATE_VOIDED',
        at: command.receivedAt,
        requestId: command.requestId,
        revision: (context.certificate.revision ?? 0) + 1,
      };
      try {
        await store.commitVoid(context, decision, audit);
        logger.info('certificate voided', { certificateNumber });
        return { outcome: 'VOIDED' };
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        logger.info('void lost a race; reading again', { certificateNumber, attempt });
        await new Promise((r) => setTimeout(r, 10 * attempt));
      }
    }
    throw new Conflict(`certificate ${certificateNumber} kept changing: retry the void`);
  };
}
