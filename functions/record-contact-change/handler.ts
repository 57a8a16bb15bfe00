/**
 * Task of change-contacts: add a designated contact, replace one, or resend the primary
 * contact's Contact ID. Re-parse the request → load the certificate and its roster →
 * decide (proofs, tier limits) → commit in one transaction conditioned on the roster's
 * version → say which Contact ID email is owed. A lost race reloads and decides again,
 * so ten simultaneous adds serialise and none passes the tier's limit.
 */
import { randomInt } from 'node:crypto';
import { type AuditEvent, ContactsStore } from '../adapters/contacts.ts';
import { keys } from '../adapters/table-design.ts';
import { generateContactId } from '../core/contact-id.ts';
import {
  AddContactRequest,
  type ContactChange,
  checkProofs,
  decideAddContact,
  decideReplaceContact,
  ReplaceContactRequest,
  ResendRequest,
  resendWindow,
} from '../core/contacts.ts';
import { DomainError, InvalidInput, NotFound } from '../core/errors.ts';
import { CertificateNumber, ContactId } from '../core/identifiers.ts';
import { contactIdIssuedNotice } from '../core/notices.ts';
import { issuesOf } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { type Refusal, refused } from '../shared/refusal.ts';

export interface RecordContactChangeInput {
  action: 'ADD' | 'REPLACE' | 'RESEND';
  certificateNumber: string;
  /** REPLACE: the Contact ID being replaced. */
  contactId?: string;
  request: unknown;
  requestId: string;
  receivedAt: string;
}

export type RecordContactChangeOutput =
  | {
      outcome: 'ADDED' | 'ALREADY_ADDED' | 'REPLACED' | 'ALREADY_REPLACED' | 'RESENT' | 'ALREADY_RESENT';
      contactId: string;
      /** Present when a Contact ID email is owed: the workflow starts its delivery. */
      delivery?: { executionName: string; noticeKey: { PK: string; SK: string } };
    }
  | Refusal;

export class ContactChangeContention extends Error {
  override readonly name = 'ContactChangeContention';
}

/** Ten simultaneous adds take up to ten rounds: each round, one commits and the rest decide again. */
const MAX_ATTEMPTS = 15;

const Target = z.object({ certificateNumber: CertificateNumber, contactId: z.optional(ContactId) });

export function makeRecordContactChange(
  store: ContactsStore,
  random: (min: number, max: number) => number = randomInt,
) {
  return async (input: RecordContactChangeInput): Promise<RecordContactChangeOutput> => {
    try {
      const target = parse(Target, {
        certificateNumber: input.certificateNumber,
        contactId: input.contactId,
      });
      const now = new Date(input.receivedAt);
      const audit = (action: AuditEvent['action'], contactId: string): AuditEvent => ({
        action,
        at: input.receivedAt,
        requestId: input.requestId,
        via: target.certificateNumber,
        contactId,
      });

      if (input.action === 'RESEND') {
        const request = parse(ResendRequest, input.request);
        const context = await load(store, target.certificateNumber);
        checkProofs(context, request);
        const [primaryId] =
          Object.entries(context.roster.entries).find(([, e]) => e.role === 'PRIMARY') ?? [];
        const primary = primaryId ? await store.getContact(primaryId) : null;
        if (primary?.status !== 'ACTIVE')
          throw new NotFound(`certificate ${target.certificateNumber} has no active primary contact`);
        const notice = {
          ...contactIdIssuedNotice(primary, context.certificate, input.receivedAt),
          id: `resend-${primary.contactId}-${resendWindow(now)}`,
        };
        let outcome: 'RESENT' | 'ALREADY_RESENT' = 'RESENT';
        await store
          .commitResend(context.roster.certificateNumber, primary.contactId, notice, {
            ...audit('CONTACT_ID_RESENT', primary.contactId),
            email: primary.email,
          })
          .catch((error: unknown) => {
            if ((error as Error).name !== 'TransactionCanceledException') throw error;
            outcome = 'ALREADY_RESENT'; // the same window's resend is already owed or sent
          });
        return { outcome, contactId: primary.contactId, delivery: deliveryOf(notice.id, primary.contactId) };
      }

      const request =
        input.action === 'ADD'
          ? parse(AddContactRequest, input.request)
          : parse(ReplaceContactRequest, input.request);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const context = await load(store, target.certificateNumber);
        const options = { now, candidateContactId: generateContactId(random) };
        let change: ContactChange;
        if (input.action === 'ADD') change = decideAddContact(request as AddContactRequest, context, options);
        else {
          const replaced = target.contactId ? await store.getContact(target.contactId) : null;
          change = decideReplaceContact(request as ReplaceContactRequest, context, replaced, options);
        }
        if (change.kind === 'ALREADY_ADDED' || change.kind === 'ALREADY_REPLACED')
          return { outcome: change.kind, contactId: change.contactId };

        const notice = contactIdIssuedNotice(change.contact, context.certificate, input.receivedAt);
        const event: AuditEvent = {
          ...audit(change.kind === 'ADDED' ? 'CONTACT_ADDED' : 'CONTACT_REPLACED', change.contact.contactId),
          email: change.contact.email,
          serialNumbers: change.contact.serialNumbers,
          ...(change.kind === 'REPLACED' ? { replacedContactId: change.replaced.contactId } : {}),
        };
        try {
          await store.commitChange(context, change, notice, event);
          logger.info('contact change recorded', {
            kind: change.kind,
            certificate: target.certificateNumber,
          });
          return {
            outcome: change.kind,
            contactId: change.contact.contactId,
            delivery: deliveryOf(notice.id, change.contact.contactId),
          };
        } catch (error) {
          if ((error as Error).name !== 'TransactionCanceledException') throw error;
          // Another change moved the roster first (or the Contact ID collided): decide again.
          await new Promise((r) => setTimeout(r, random(0, 20 * attempt)));
        }
      }
      throw new ContactChangeContention(
        `certificate ${target.certificateNumber}: contacts still contended after ${MAX_ATTEMPTS} attempts`,
      );
    } catch (error) {
      if (error instanceof DomainError) return refused(error);
      throw error;
    }
  };
}

function parse<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInput('the request is malformed', issuesOf(result.error));
  return result.data;
}

async function load(store: ContactsStore, certificateNumber: string) {
  const context = await store.loadContext(certificateNumber);
  if (!context) throw new NotFound(`no certificate ${certificateNumber} is registered`);
  return context;
}

/** Delivery named after the notice: a second start of the same delivery is refused, one email. */
const deliveryOf = (noticeId: string, contactId: string) => ({
  executionName: noticeId,
  noticeKey: keys.contact(contactId),
});

export const handler = makeRecordContactChange(new ContactsStore(documentClient, requireEnv('TABLE_NAME')));
