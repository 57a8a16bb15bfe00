/**
 * Task of change-contacts: check which change is asked, of which certificate, by whom (the
 * workflow may be started by anyone with access; the actor goes into the log lines) → run
 * its use case: add a designated contact (use-cases/add-contact.ts), replace one
 * (use-cases/replace-contact.ts), or resend the Contact ID of the primary contact or of the
 * contact named (use-cases/resend-contact-id.ts) → answer with the Contact ID and the
 * Contact ID email owed, or with the refusal.
 */
import { randomInt } from 'node:crypto';
import { ContactsStore } from '../adapters/contacts.ts';
import { ActorInput } from '../core/actor-input.ts';
import { DomainError } from '../core/errors.ts';
import { CertificateNumber, ContactId } from '../core/identifiers.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import * as z from '../core/zod.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { type Refusal, refused } from '../shared/refusal.ts';
import { addContact } from '../use-cases/add-contact.ts';
import { type ContactChangeCommand, type ContactChanged, parseRequest } from '../use-cases/contact-change.ts';
import { replaceContact } from '../use-cases/replace-contact.ts';
import { resendContactId } from '../use-cases/resend-contact-id.ts';

export interface RecordContactChangeInput extends ContactChangeCommand {
  action: 'ADD' | 'REPLACE' | 'RESEND';
}

export type RecordContactChangeOutput = ContactChanged | Refusal;

const Target = z.object({
  action: z.enum(['ADD', 'REPLACE', 'RESEND']),
  certificateNumber: CertificateNumber,
  contactId: z.optional(ContactId),
  actor: ActorInput,
});

export function makeRecordContactChange(
  store: ContactsStore,
  random: (min: number, max: number) => number = randomInt,
  links: NoticeLinks = DEFAULT_LINKS,
) {
  const changes = {
    ADD: addContact(store, random, links),
    REPLACE: replaceContact(store, random, links),
    RESEND: resendContactId(store, links),
  };
  return async (input: RecordContactChangeInput): Promise<RecordContactChangeOutput> => {
    try {
      const { action, ...target } = parseRequest(Target, {
        action: input.action,
        certificateNumber: input.certificateNumber,
        contactId: input.contactId,
        actor: input.actor,
      });
      logger.appendKeys({ actor: target.actor });
      return await changes[action]({ ...input, ...target });
    } catch (error) {
      if (error instanceof DomainError) return refused(error);
      throw error;
    }
  };
}

export const handler = logged(
  makeRecordContactChange(
    new ContactsStore(documentClient, config.table().tableName),
    randomInt,
    config.links(),
  ),
  (input) => input.requestId,
);
