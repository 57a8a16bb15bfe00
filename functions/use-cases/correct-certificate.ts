/**
 * Correct a registration made with a mistake (PATCH /certificates/{n}, a JSON merge patch):
 * 1. check the patch names only correctable fields (400);
 * 2. load the certificate, its primary contact, roster holder and the serials both lists name;
 * 3. decide (core/correction: 400 malformed, 409 a serial registered elsewhere or a roster the
 *    new tier cannot hold; a patch that changes nothing is answered and writes nothing);
 * 4. commit in one transaction on the certificate's revision, with the Contact ID email owed
 *    when identifiers changed, then start its delivery (named after the notice: sent once).
 * A lost race cancels the transaction: another correction or a void got there first → 409; a
 * contact change, a renewal or the reminder run moved something else → load and decide again.
 */

import type { CorrectionAudit, CorrectionStore } from '../adapters/corrections.ts';
import type { Deliveries } from '../adapters/deliveries.ts';
import type { Actor } from '../core/actors.ts';
import {
  type CorrectionContext,
  type CorrectionDecision,
  checkPatchFields,
  decideCorrection,
} from '../core/correction.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { contactIdIssuedNotice, type Notice } from '../core/notices.ts';
import type { Contact } from '../core/registration.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { logger } from '../shared/logger.ts';

export interface CorrectionCommand {
  certificateNumber: string;
  /** Who asks for it: named in the audit trail. */
  actor: Actor;
  patch: Record<string, unknown>;
  requestId: string;
  receivedAt: string;
}

export interface CertificateCorrected {
  outcome: 'CORRECTED' | 'UNCHANGED';
  certificateNumber: string;
  /** The Contact ID email owed again, when identifiers changed. */
  noticeId?: string;
}

const MAX_ATTEMPTS = 6;

/** The primary contact's Contact ID email again, with the corrected details: one per revision. */
export const correctionNoticeId = (certificateNumber: string, revision: number): string =>
  `correction-${certificateNumber}-r${revision}`;

export function correctCertificate(
  store: CorrectionStore,
  deliveries: Deliveries,
  reminderOffsets: ReminderOffsets = {},
  /** The stage's links and support contacts, written into the Contact ID email. */
  links: NoticeLinks = DEFAULT_LINKS,
) {
  return async (command: CorrectionCommand): Promise<CertificateCorrected> => {
    const { certificateNumber, patch } = command;
    checkPatchFields(patch);
    const patchSerials = Array.isArray(patch.products)
      ? patch.products.flatMap((p) =>
          typeof p === 'object' && p && typeof (p as { serialNumber?: unknown }).serialNumber === 'string'
            ? [(p as { serialNumber: string }).serialNumber]
            : [],
        )
      : [];
    let revision: number | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const context = await store.loadCorrection(certificateNumber, patchSerials);
      if (!context) throw new NotFound(`no certificate ${certificateNumber} is registered`);
      const read = context.certificate.revision ?? 0;
      if (revision !== undefined && read !== revision) throw changedMeanwhile(certificateNumber);
      revision = read;
      const decision = decideCorrection(patch, context, {
        now: new Date(command.receivedAt),
        reminderOffsets,
      });
      if (decision.kind === 'UNCHANGED') return { outcome: 'UNCHANGED', certificateNumber };

      const notice = decision.identifiersChanged
        ? correctionNotice(context, decision, command.receivedAt, links)
        : null;
      const audit: CorrectionAudit = {
        action: 'CERTIFICATE_CORRECTED',
        at: command.receivedAt,
        requestId: command.requestId,
        actor: command.actor,
        revision: decision.certificate.revision,
        changes: decision.changes,
      };
      try {
        await store.commitCorrection(context, decision, audit, notice);
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        logger.info('correction lost a race; reading again', { certificateNumber, attempt });
        await new Promise((r) => setTimeout(r, 10 * attempt));
        continue;
      }
      logger.info('certificate corrected', { certificateNumber, revision: decision.certificate.revision });
      // The notice is owed durably (pending index): a start lost here is the re-driver's to make.
      if (notice)
        await deliveries.start([notice.id]).catch((error: Error) =>
          logger.warn('correction notice not started; the re-driver will deliver it', {
            noticeId: notice.id,
            error,
          }),
        );
      return { outcome: 'CORRECTED', certificateNumber, ...(notice ? { noticeId: notice.id } : {}) };
    }
    throw changedMeanwhile(certificateNumber);
  };
}

const changedMeanwhile = (certificateNumber: string) =>
  new Conflict(`certificate ${certificateNumber} changed meanwhile: read it again and retry the correction`);

/** To the contact now primary on the roster (the registered one, unless replaced since). */
function correctionNotice(
  context: CorrectionContext,
  decision: Extract<CorrectionDecision, { kind: 'CORRECTED' }>,
  at: string,
  links: NoticeLinks,
): Notice {
  const { primary } = context;
  const seated = Object.entries(decision.roster).find(([, e]) => e.role === 'PRIMARY' && e.to);
  const recipient: Contact =
    primary.status === 'ACTIVE' || !seated
      ? { ...primary, ...(decision.primaryDetails ?? {}) }
      : {
          ...primary,
          contactId: seated[0],
          email: seated[1].to ?? primary.email,
          name: seated[1].name ?? primary.name,
          language: seated[1].language ?? primary.language,
          serialNumbers: seated[1].serialNumbers,
        };
  return {
    ...contactIdIssuedNotice(recipient, decision.certificate, at, undefined, links),
    id: correctionNoticeId(decision.certificate.certificateNumber, decision.certificate.revision),
  };
}
