/**
 * A customer asks for their Contact ID again (POST /self-service/contact-id-requests):
 * 1. parse the four identifiers (400 when malformed: nothing read, nothing stored);
 * 2. read the certificate named and the day's count together, whatever the identifiers;
 * 3. decide (core/self-service): no match (unknown, voided, or an identifier wrong) or the
 *    day's limit reached → nothing more is done;
 * 4. a match under the limit: the registered primary contact's Contact ID email again (the
 *    same notice the licensing-ops resend owes, core/contacts), committed with the count and
 *    the audit in one transaction; a lost race reads and decides again, so twenty requests
 *    at once owe three emails; then start its delivery (named after the notice: sent once).
 * The caller is told none of this: the answer is the same whatever the outcome.
 */
import type { Deliveries } from '../adapters/deliveries.ts';
import type { SelfServiceStore } from '../adapters/self-service.ts';
import { dayOf } from '../core/calendar.ts';
import { contactIdResentNotice } from '../core/contacts.ts';
import {
  ContactIdRequest,
  counterExpiry,
  decideContactIdRequest,
  primaryContactId,
  SELF_SERVICE_ACTOR,
} from '../core/self-service.ts';
import { parseOrThrow } from '../core/validation.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { logger } from '../shared/logger.ts';

export interface ContactIdRequestCommand {
  request: unknown;
  requestId: string;
  receivedAt: string;
}

/** What happened, for logs and tests only: never told to the caller. */
export type ContactIdRequestOutcome =
  | { outcome: 'SENT'; noticeId: string }
  | { outcome: 'NOT_MATCHED' | 'LIMIT_REACHED' | 'NO_PRIMARY_CONTACT' | 'NOT_RECORDED' };

/** Twenty simultaneous requests settle in four rounds (three wins, then the limit); room for conflicts. */
const MAX_ATTEMPTS = 10;

export function requestContactId(
  store: SelfServiceStore,
  deliveries: Pick<Deliveries, 'start'>,
  links: NoticeLinks = DEFAULT_LINKS,
  random: () => number = Math.random,
) {
  return async (command: ContactIdRequestCommand): Promise<ContactIdRequestOutcome> => {
    const request = parseOrThrow(ContactIdRequest, command.request, 'the request is malformed');
    const day = dayOf(command.receivedAt);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loaded = await store.load(request.certificateNumber, day);
      const decision = decideContactIdRequest(loaded.certificate, request, loaded.sentToday, day);
      if (decision.kind !== 'OWED') return { outcome: decision.kind };
      const { certificate } = decision;

      // Past here the identifiers matched: a failure is logged, never answered differently.
      try {
        const holder =
          certificate.contactsCertificate === certificate.certificateNumber
            ? certificate
            : await store.getCertificate(certificate.contactsCertificate);
        const recipientId = holder ? primaryContactId(holder.roster ?? {}) : null;
        const recipient = recipientId ? await store.getContact(recipientId) : null;
        if (!holder || recipient?.status !== 'ACTIVE') {
          logger.warn('self-service request matched a certificate without an active primary contact', {
            certificateNumber: certificate.certificateNumber,
          });
          return { outcome: 'NO_PRIMARY_CONTACT' };
        }
        // The resend's notice (same template, to the registered primary contact only), under
        // the day's sequence number instead of the resend window.
        const notice = {
          ...contactIdResentNotice(recipient, certificate, command.receivedAt, links),
          id: decision.noticeId,
        };
        await store.commitResend({
          certificateNumber: certificate.certificateNumber,
          day,
          seen: loaded.sentToday,
          expiresAt: counterExpiry(day),
          contactId: recipient.contactId,
          rosterCertificate: holder.certificateNumber,
          notice,
          audit: {
            action: 'CONTACT_ID_SELF_SERVICE_RESENT',
            at: command.receivedAt,
            requestId: command.requestId,
            via: certificate.certificateNumber,
            contactId: recipient.contactId,
            email: recipient.email,
            noticeId: notice.id,
            actor: SELF_SERVICE_ACTOR,
          },
        });
        logger.info('self-service Contact ID email owed', {
          certificateNumber: certificate.certificateNumber,
          noticeId: notice.id,
        });
        // Owed durably (pending index): a start lost here is the re-driver's to make.
        await deliveries.start([notice.id]).catch((error: Error) =>
          logger.warn('self-service notice not started; the re-driver will deliver it', {
            noticeId: notice.id,
            error,
          }),
        );
        return { outcome: 'SENT', noticeId: notice.id };
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') {
          logger.error('self-service request not recorded', { error: error as Error });
          return { outcome: 'NOT_RECORDED' };
        }
        // Another request took this count first (or the certificate or contact changed): again.
        await new Promise((r) => setTimeout(r, random() * 20 * attempt));
      }
    }
    logger.warn('self-service request still contended; others were owed the email', {
      certificateNumber: request.certificateNumber,
    });
    return { outcome: 'NOT_RECORDED' };
  };
}
