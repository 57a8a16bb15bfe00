/**
 * Resend the primary contact's Contact ID (POST /certificates/{n}/contact-id/resend):
 * 1. parse the request (the proofs);
 * 2. load the certificate named and the certificate holding its roster; check the proofs;
 * 3. find the active primary contact (404 when there is none);
 * 4. owe their Contact ID email again (core/contacts: one notice per resend window) with the
 *    audit, in one transaction: a second request in the window is ALREADY_RESENT, one email.
 */
import type { ContactsStore } from '../adapters/contacts.ts';
import { contactIdDelivery } from '../adapters/notices.ts';
import { checkProofs, contactIdResentNotice, ResendRequest } from '../core/contacts.ts';
import { NotFound } from '../core/errors.ts';
import {
  auditOf,
  type ContactChangeCommand,
  type ContactChanged,
  loadContacts,
  parseRequest,
} from './contact-change.ts';

export const resendContactId =
  (store: ContactsStore) =>
  async (command: ContactChangeCommand): Promise<ContactChanged> => {
    const request = parseRequest(ResendRequest, command.request);
    const context = await loadContacts(store, command.certificateNumber);
    checkProofs(context, request);
    const [primaryId] = Object.entries(context.roster.entries).find(([, e]) => e.role === 'PRIMARY') ?? [];
    const primary = primaryId ? await store.getContact(primaryId) : null;
    if (primary?.status !== 'ACTIVE')
      throw new NotFound(`certificate ${command.certificateNumber} has no active primary contact`);

    const notice = contactIdResentNotice(primary, context.certificate, command.receivedAt);
    const audit = { ...auditOf(command, 'CONTACT_ID_RESENT', primary.contactId), email: primary.email };
    const outcome = await store
      .commitResend(context.roster.certificateNumber, primary.contactId, notice, audit)
      .then(
        () => 'RESENT' as const,
        (error: unknown) => {
          if ((error as Error).name !== 'TransactionCanceledException') throw error;
          return 'ALREADY_RESENT' as const; // the same window's resend is already owed or sent
        },
      );
    return {
      outcome,
      contactId: primary.contactId,
      delivery: contactIdDelivery(notice.id, primary.contactId),
    };
  };
