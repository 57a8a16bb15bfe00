/**
 * Resend a Contact ID (POST /certificates/{n}/contact-id/resend):
 * 1. parse the request (the proofs; optionally the Contact ID of the contact to resend to);
 * 2. load the certificate named and the certificate holding its roster; check the proofs;
 * 3. find the recipient (core/contacts): the active primary contact, or the active contact
 *    named, holding the serials proved (404 when there is none, 422 for other serials);
 * 4. owe the same Contact ID email again (core/contacts: one notice per contact and resend
 *    window) with the audit, in one transaction: a second request in the window is
 *    ALREADY_RESENT, one email. Never a second Contact ID.
 */
import type { ContactsStore } from '../adapters/contacts.ts';
import { contactIdDelivery } from '../adapters/notices.ts';
import { checkProofs, contactIdResentNotice, ResendRequest, resendRecipient } from '../core/contacts.ts';
import { NotFound } from '../core/errors.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import {
  auditOf,
  type ContactChangeCommand,
  type ContactChanged,
  loadContacts,
  parseRequest,
} from './contact-change.ts';

export const resendContactId =
  (store: ContactsStore, links: NoticeLinks = DEFAULT_LINKS) =>
  async (command: ContactChangeCommand): Promise<ContactChanged> => {
    const request = parseRequest(ResendRequest, command.request);
    const context = await loadContacts(store, command.certificateNumber);
    checkProofs(context, request);
    const recipientId = resendRecipient(context, request);
    const recipient = await store.getContact(recipientId);
    if (recipient?.status !== 'ACTIVE')
      throw new NotFound(
        `Contact ID ${recipientId} is not an active contact of certificate ${command.certificateNumber}`,
      );

    const notice = contactIdResentNotice(recipient, context.certificate, command.receivedAt, links);
    const audit = { ...auditOf(command, 'CONTACT_ID_RESENT', recipient.contactId), email: recipient.email };
    const outcome = await store
      .commitResend(context.roster.certificateNumber, recipient.contactId, notice, audit)
      .then(
        () => 'RESENT' as const,
        (error: unknown) => {
          if ((error as Error).name !== 'TransactionCanceledException') throw error;
          return 'ALREADY_RESENT' as const; // the same window's resend is already owed or sent
        },
      );
    return {
      outcome,
      contactId: recipient.contactId,
      delivery: contactIdDelivery(notice.id, recipient.contactId),
    };
  };
