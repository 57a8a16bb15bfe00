/**
 * Void a certificate registered in error (DELETE /certificates/{n}):
 * 1. load the certificate, its serials, the certificates that renewed it and those it renewed;
 * 2. decide (core/correction: already void → nothing; renewed by a live certificate → 409);
 * 3. commit in one transaction on its revision: VOID, out of the due index, its serials freed
 *    (deleted when it was their only term), the certificates it renewed re-armed, the audit;
 *    a renewal's roster change undone on the roster's version (core/correction
 *    `decideRosterRevert`: the contact it issued withdrawn, the former primary primary again),
 *    or kept when the seats changed since, and audited where the contacts live. No email.
 * A lost race (a renewal, a correction, a contact change, the reminder run) loads and decides again.
 */
import type { CorrectionAudit, CorrectionStore, RosterRevertAudit } from '../adapters/corrections.ts';
import type { Actor } from '../core/actors.ts';
import { type CertificateOnRecord, decideVoid, type RosterRevert } from '../core/correction.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { logger } from '../shared/logger.ts';

export interface VoidCommand {
  certificateNumber: string;
  /** Who asks for it: named in the audit trail. */
  actor: Actor;
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
        actor: command.actor,
        revision: (context.certificate.revision ?? 0) + 1,
      };
      const holder = context.roster?.holder.certificateNumber;
      if (decision.roster && holder)
        audit.rosterChange = {
          outcome: decision.roster.kind,
          contactsCertificate: holder,
          ...(decision.roster.kind === 'KEPT' ? { reason: decision.roster.reason } : {}),
        };
      const rosterAudit = decision.roster ? revertAudit(context.certificate, decision.roster, audit) : null;
      try {
        await store.commitVoid(context, decision, audit, rosterAudit);
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

/** What the void did to the renewal's roster change, as the contacts' certificate records it. */
function revertAudit(
  renewal: CertificateOnRecord,
  revert: RosterRevert,
  audit: CorrectionAudit,
): RosterRevertAudit | null {
  const change = renewal.rosterChange;
  if (!change) return null;
  const common = {
    at: audit.at,
    requestId: audit.requestId,
    actor: audit.actor,
    via: renewal.certificateNumber,
  };
  if (revert.kind === 'KEPT')
    return { ...common, action: 'RENEWAL_CONTACTS_KEPT', contactId: change.contactId, reason: revert.reason };
  const reinstated = revert.contacts.find((c) => c.kind === 'REINSTATE');
  return {
    ...common,
    action: 'RENEWAL_CONTACTS_REVERTED',
    contactId: revert.primaryContactId,
    ...(change.created
      ? { withdrawnContactId: change.contactId }
      : change.before?.role === 'DESIGNATED'
        ? { demotedContactId: change.contactId }
        : {}),
    ...(reinstated ? { reinstatedContactId: reinstated.contactId } : {}),
  };
}
