/**
 * Register a certificate, or renew by certificate (POST /registrations, through the
 * register-certificate workflow):
 * 1. load the certificate and the serials the request names;
 * 2. decide (core/registration): create, replay, renewal, or a refusal (thrown);
 * 3. a replay writes nothing; its Contact ID email is delivered again while still pending;
 * 4. commit in one transaction, the Contact ID email owed with it: a new certificate's on its
 *    contact; a renewal's on the renewal certificate, to the primary contact it names (the
 *    Contact ID they hold, or a new one, with the roster moved on its version, the change kept
 *    on the renewal certificate and audited where the contacts live), together with the
 *    serials it renews recorded on each earlier certificate;
 * 5. a lost race (an identical request committed first, a Contact ID collision) cancels the
 *    transaction: load and decide again (1–4), so the loser replays the winner.
 */
import { contactIdDelivery, type NoticeDelivery } from '../adapters/notices.ts';
import type { RegistrationStore, RenewalPlan } from '../adapters/registrations.ts';
import { keys } from '../adapters/table-design.ts';
import type { Actor } from '../core/actors.ts';
import { generateContactId } from '../core/contact-id.ts';
import { contactIdIssuedNotice, contactIdNoticeId, type Notice } from '../core/notices.ts';
import { decideRegistration, type RegistrationRequest } from '../core/registration.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import {
  decideRenewalContacts,
  renewalContactIdNotice,
  renewalContactsAudit,
  renewedTerms,
} from '../core/renewal-contacts.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
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
  /** The request as received, and who sent it (kept on the certificate and its audit). */
  received: { requestId: string; receivedAt: string; actor: Actor },
  random: (min: number, max: number) => number,
  /** The stage's REMINDER_OFFSETS: a certificate's first reminder follows them, as every later one does. */
  reminderOffsets: ReminderOffsets = {},
  /** The stage's links and support contacts, written into the Contact ID email. */
  links: NoticeLinks = DEFAULT_LINKS,
): Promise<Registered> {
  const serialNumbers = request.products.map((p) => p.serialNumber);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const context = await store.loadContext(request.certificateNumber, serialNumbers);
    const decision = decideRegistration(request, context, {
      now: new Date(received.receivedAt),
      requestId: received.requestId,
      actor: received.actor,
      candidateContactId: generateContactId(random),
      reminderOffsets,
    });

    if (decision.kind === 'REPLAY') {
      const { certificate } = decision;
      const contactId = certificate.primaryContactId;
      // A renewal's Contact ID email lives on the renewal certificate.
      const stored = (certificate as { notice?: Notice }).notice;
      if (certificate.renewalOf.length > 0)
        return {
          outcome: 'REPLAYED',
          certificateNumber: certificate.certificateNumber,
          contactId,
          renewalOf: certificate.renewalOf,
          ...(stored?.status === 'PENDING'
            ? { delivery: renewalDelivery(stored, certificate.certificateNumber) }
            : {}),
        };
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

    let notice: Notice | null = null;
    let renewal: RenewalPlan | undefined;
    if (decision.kind === 'CREATE')
      notice = contactIdIssuedNotice(
        decision.contact,
        decision.certificate,
        received.receivedAt,
        undefined,
        links,
      );
    else {
      const { holder } = context;
      if (!holder)
        throw new Error(
          `certificate ${decision.certificate.contactsCertificate} holding the contacts is missing`,
        );
      const contacts = decideRenewalContacts(request, decision.certificate, holder, {
        now: new Date(received.receivedAt),
        candidateContactId: generateContactId(random),
      });
      decision.certificate.primaryContactId = contacts.contact.contactId;
      renewal = {
        holder,
        contacts,
        terms: renewedTerms(
          decision.certificate.renewalOf,
          context.earlier ?? [],
          decision.extendedSerials.map((e) => e.serial.serialNumber),
        ),
        audit: contacts.change
          ? renewalContactsAudit(
              contacts.change,
              decision.certificate,
              contacts.contact.email,
              received.actor,
            )
          : null,
      };
      notice = renewalContactIdNotice(contacts.contact, decision.certificate, received.receivedAt, links);
    }
    try {
      const out = await store.commit(decision, notice, renewal);
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
        ...(decision.kind === 'RENEW' && notice
          ? { delivery: renewalDelivery(notice, certificate.certificateNumber) }
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

/** A renewal's Contact ID email is kept on the renewal certificate, delivered under its own name. */
const renewalDelivery = (notice: Notice, certificateNumber: string): NoticeDelivery => ({
  executionName: notice.id,
  noticeKey: keys.certificate(certificateNumber),
});
