/**
 * Erase a contact's personal data (DELETE /contacts/{contactId}/personal-data), licensing ops:
 * 1. load the contact (404 unknown), the certificate holding it, the certificates it holds
 *    contacts for, their audit entries and the notices owed to the contact;
 * 2. decide (core/personal-data): already erased → the same answer, nothing written; a current
 *    contact of a live certificate, or one a renewal's void would reinstate → 409;
 * 3. commit the rewrite in one transaction conditioned on what was read, with the audit entry
 *    PERSONAL_DATA_ERASED naming the actor. Nothing is emailed. A lost race reads and decides again.
 */
import type { PersonalDataStore } from '../adapters/personal-data.ts';
import type { Actor } from '../core/actors.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { decideErasure, type ErasureAnswer } from '../core/personal-data.ts';
import { logger } from '../shared/logger.ts';

export interface EraseCommand {
  contactId: string;
  actor: Actor;
  requestId: string;
  receivedAt: string;
}

const MAX_ATTEMPTS = 5;

export function erasePersonalData(store: PersonalDataStore) {
  return async (command: EraseCommand): Promise<ErasureAnswer> => {
    const { contactId } = command;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const context = await store.load(contactId);
      if (!context) throw new NotFound(`no Contact ID ${contactId} was ever issued`);
      const decision = decideErasure(context, {
        actor: command.actor,
        requestId: command.requestId,
        at: command.receivedAt,
      });
      if (decision.kind === 'ALREADY_ERASED') return decision.answer;
      try {
        await store.commit(decision, context.holder.certificateNumber);
        logger.info('personal data erased', {
          contactId,
          auditEntries: decision.audits.length,
          notices: decision.answer.erased.notices.length,
        });
        return decision.answer;
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        logger.info('erasure lost a race; reading again', { contactId, attempt });
        await new Promise((r) => setTimeout(r, 10 * attempt));
      }
    }
    throw new Conflict(`Contact ID ${contactId} kept changing: retry the erasure`);
  };
}
