/**
 * What the contact changes (add-contact, replace-contact, resend-contact-id) share: the
 * command as the change-contacts workflow passes it, its answer, the audit event, and the
 * round that add and replace repeat until it commits: load the certificate and its roster →
 * decide → commit the roster, the new contact with its Contact ID email owed, the replaced
 * contact and the audit in one transaction on the roster's version. A lost race (another
 * change moved the roster first, or the Contact ID collided) decides again, so ten
 * simultaneous adds serialise and none passes the tier's limit.
 */
import type { AuditEvent, ContactsStore } from '../adapters/contacts.ts';
import { contactIdDelivery, type NoticeDelivery } from '../adapters/notices.ts';
import type { Actor } from '../core/actors.ts';
import { generateContactId } from '../core/contact-id.ts';
import type { ContactChange, ContactsContext } from '../core/contacts.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { contactIdIssuedNotice } from '../core/notices.ts';
import { parseOrThrow } from '../core/validation.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import type * as z from '../core/zod.ts';
import { logger } from '../shared/logger.ts';

export interface ContactChangeCommand {
  certificateNumber: string;
  /** A replace: the Contact ID being replaced. */
  contactId?: string;
  request: unknown;
  requestId: string;
  receivedAt: string;
  /** Who asks for the change: named in its audit event. */
  actor: Actor;
}

export interface ContactChanged {
  outcome: 'ADDED' | 'ALREADY_ADDED' | 'REPLACED' | 'ALREADY_REPLACED' | 'RESENT' | 'ALREADY_RESENT';
  contactId: string;
  /** Present when a Contact ID email is owed: the workflow starts its delivery. */
  delivery?: NoticeDelivery;
}

export class ContactChangeContention extends Error {
  override readonly name = 'ContactChangeContention';
}

/** Ten simultaneous adds take up to ten rounds: each round, one commits and the rest decide again. */
const MAX_ATTEMPTS = 15;

export const parseRequest = <S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> =>
  parseOrThrow(schema, value, 'the request is malformed');

export async function loadContacts(
  store: ContactsStore,
  certificateNumber: string,
): Promise<ContactsContext> {
  const context = await store.loadContext(certificateNumber);
  if (!context) throw new NotFound(`no certificate ${certificateNumber} is registered`);
  // A voided certificate was registered in error: nobody is added to it, replaced on it or told of it.
  if (context.certificate.status === 'VOID')
    throw new Conflict(
      `certificate ${certificateNumber} is void; contacts are managed on the certificate that replaced it`,
    );
  return context;
}

export const auditOf = (
  command: ContactChangeCommand,
  action: AuditEvent['action'],
  contactId: string,
): AuditEvent => ({
  action,
  at: command.receivedAt,
  requestId: command.requestId,
  actor: command.actor,
  via: command.certificateNumber,
  contactId,
});

export type DecideChange = (
  context: ContactsContext,
  options: { now: Date; candidateContactId: string },
) => Promise<ContactChange>;

/** The rounds of load → decide → commit, until one commits or the change is already made. */
export async function changeRoster(
  store: ContactsStore,
  command: ContactChangeCommand,
  random: (min: number, max: number) => number,
  decide: DecideChange,
  /** The stage's links and support contacts, written into the Contact ID email. */
  links: NoticeLinks = DEFAULT_LINKS,
): Promise<ContactChanged> {
  const now = new Date(command.receivedAt);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const context = await loadContacts(store, command.certificateNumber);
    const change = await decide(context, { now, candidateContactId: generateContactId(random) });
    if (change.kind === 'ALREADY_ADDED' || change.kind === 'ALREADY_REPLACED')
      return { outcome: change.kind, contactId: change.contactId };

    const { contact } = change;
    // The email speaks to the contact's seat: primary, or designated for its own products.
    const notice = contactIdIssuedNotice(contact, context.certificate, command.receivedAt, contact, links);
    const event: AuditEvent = {
      ...auditOf(command, change.kind === 'ADDED' ? 'CONTACT_ADDED' : 'CONTACT_REPLACED', contact.contactId),
      email: contact.email,
      serialNumbers: contact.serialNumbers,
      ...(change.kind === 'REPLACED' ? { replacedContactId: change.replaced.contactId } : {}),
    };
    try {
      await store.commitChange(context, change, notice, event);
      logger.info('contact change recorded', { kind: change.kind, certificate: command.certificateNumber });
      return {
        outcome: change.kind,
        contactId: contact.contactId,
        delivery: contactIdDelivery(notice.id, contact.contactId),
      };
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      // Another change moved the roster first (or the Contact ID collided): decide again.
      await new Promise((r) => setTimeout(r, random(0, 20 * attempt)));
    }
  }
  throw new ContactChangeContention(
    `certificate ${command.certificateNumber}: contacts still contended after ${MAX_ATTEMPTS} attempts`,
  );
}
