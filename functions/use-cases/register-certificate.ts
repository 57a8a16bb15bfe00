/**
 * Register a certificate, or renew by certificate (POST /registrations, through the
 * register-certificate workflow):
 * 1. load the certificate and the serials the request names;
 * 2. decide (core/registration): create, replay, renewal, or a refusal (thrown);
 * 3. a replay writes nothing; its Contact ID email is delivered again while still pending;
 * 4. commit in one transaction, the Contact ID email of a new certificate owed with it;
 * 5. a lost race (an identical request committed first, a Contact ID collision) cancels the
 *    transaction: load and decide again (1–4), so the loser replays the winner.
 */
import { contactIdDelivery, type NoticeDelivery } from '../adapters/notices.ts';
import type { RegistrationStore } from '../adapters/registrations.ts';
import { generateContactId } from '../core/contact-id.ts';
import { contactIdIssuedNotice, contactIdNoticeId } from '../core/notices.ts';
import { decideRegistration, type RegistrationRequest } from '../core/registration.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { logger } from '../shared/logger.ts';

export interface Registered {
  outcome: 'CREATED' | 'RENEWED' | 'REPLAYED';
  certificateNumber: string;
  contactId: string;
  renewalOf: string[];
  /** Present when a Contact ID email is owed: the workflow starts its delivery. */
  delivery?: NoticeDelivery;
  writeUnits?: number;
}

export class RegistrationContention extends Error {
  override readonly name = 'RegistrationContention';
}

const MAX_ATTEMPTS = 6;

export async function registerCertificate(
  store: RegistrationStore,
  request: RegistrationRequest,
  received: { requestId: string; receivedAt: string },
  random: (min: number, max: number) => number,
  /** The stage's REMINDER_OFFSETS: a certificate's first reminder follows them, as every later one does. */
  reminderOffsets: ReminderOffsets = {},
): Promise<Registered> {
  const serialNumbers = request.products.map((p) => p.serialNumber);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const context = await store.loadContext(request.certificateNumber, serialNumbers);
    const decision = decideRegistration(request, context, {
      now: new Date(received.receivedAt),
      requestId: received.requestId,
      candidateContactId: generateContactId(random),
      reminderOffsets,
    });

    if (decision.kind === 'REPLAY') {
      const { certificate } = decision;
      const contactId = certificate.primaryContactId;
      const contact = await store.getContact(contactId);
      const owed =
        contact?.certificateNumber === certificate.certificateNumber && contact.notice?.status === 'PENDING';
      return {
        outcome: 'REPLAYED',
        certificateNumber: certificate.certificateNumber,
        contactId,
        renewalOf: certificate.renewalOf,
        ...(owed ? { delivery: contactIdDelivery(contactIdNoticeId(contactId), contactId) } : {}),
      };
    }

    const notice =
      decision.kind === 'CREATE'
        ? contactIdIssuedNotice(decision.contact, decision.certificate, received.receivedAt)
        : null;
    try {
      const out = await store.commit(decision, notice);
      const writeUnits = (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      logger.info('registration recorded', {
        outcome: decision.kind,
        certificateNumber: request.certificateNumber,
        writeUnits,
      });
      const { certificate } = decision;
      return {
        outcome: decision.kind === 'CREATE' ? 'CREATED' : 'RENEWED',
        certificateNumber: certificate.certificateNumber,
        contactId: certificate.primaryContactId,
        renewalOf: certificate.renewalOf,
        ...(decision.kind === 'CREATE' && notice
          ? { delivery: contactIdDelivery(notice.id, decision.contact.contactId) }
          : {}),
        writeUnits,
      };
    } catch (error) {
      if ((error as { name?: string }).name !== 'TransactionCanceledException') throw error;
      logger.info('registration lost a race; deciding again', {
        attempt,
        certificateNumber: request.certificateNumber,
      });
    }
  }
  throw new RegistrationContention(
    `certificate ${request.certificateNumber}: still contended after ${MAX_ATTEMPTS} attempts`,
  );
}
