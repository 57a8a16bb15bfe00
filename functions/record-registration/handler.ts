/**
 * Task of register-certificate: decide and persist a registration.
 * Re-parse the request (the workflow may be started by anyone with access) → load the
 * certificate and its serials → decide (create, replay, renewal, refusal) → commit in
 * one transaction → say whether a Contact ID email is owed.
 * A lost race (an identical request committed first, a Contact ID collision) cancels
 * the transaction; we reload and decide again, so the loser replays the winner.
 */
import { randomInt } from 'node:crypto';
import { RegistrationStore } from '../adapters/registrations.ts';
import { keys } from '../adapters/table-design.ts';
import { generateContactId } from '../core/contact-id.ts';
import { DomainError, InvalidInput } from '../core/errors.ts';
import { contactIdIssuedNotice } from '../core/notices.ts';
import { decideRegistration, type RegistrationDecision, RegistrationRequest } from '../core/registration.ts';
import { issuesOf } from '../core/validation.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { type Refusal, refused } from '../shared/refusal.ts';

export interface RecordRegistrationInput {
  request: unknown;
  requestId: string;
  receivedAt: string;
}

export type RecordRegistrationOutput =
  | {
      outcome: 'CREATED' | 'RENEWED' | 'REPLAYED';
      certificateNumber: string;
      contactId: string;
      renewalOf: string[];
      /** Present when a Contact ID email is owed: the workflow starts its delivery. */
      delivery?: { executionName: string; noticeKey: { PK: string; SK: string } };
      writeUnits?: number;
    }
  | Refusal;

export class RegistrationContention extends Error {
  override readonly name = 'RegistrationContention';
}

const MAX_ATTEMPTS = 6;

export function makeRecordRegistration(
  store: RegistrationStore,
  random: (min: number, max: number) => number = randomInt,
) {
  return async (input: RecordRegistrationInput): Promise<RecordRegistrationOutput> => {
    const parsed = RegistrationRequest.safeParse(input.request);
    if (!parsed.success)
      return refused(new InvalidInput('the registration is malformed', issuesOf(parsed.error)));
    const request = parsed.data;
    const serialNumbers = request.products.map((p) => p.serialNumber);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const context = await store.loadContext(request.certificateNumber, serialNumbers);
      let decision: RegistrationDecision;
      try {
        decision = decideRegistration(request, context, {
          now: new Date(input.receivedAt),
          requestId: input.requestId,
          candidateContactId: generateContactId(random),
        });
      } catch (error) {
        if (error instanceof DomainError) return refused(error);
        throw error;
      }

      if (decision.kind === 'REPLAY') {
        const { certificate } = decision;
        const contact = await store.getContact(certificate.primaryContactId);
        const owed =
          contact?.certificateNumber === certificate.certificateNumber &&
          contact.notice?.status === 'PENDING';
        return {
          outcome: 'REPLAYED',
          certificateNumber: certificate.certificateNumber,
          contactId: certificate.primaryContactId,
          renewalOf: certificate.renewalOf,
          ...(owed ? { delivery: deliveryOf(certificate.primaryContactId) } : {}),
        };
      }

      const notice =
        decision.kind === 'CREATE'
          ? contactIdIssuedNotice(decision.contact, decision.certificate, input.receivedAt)
          : null;
      try {
        const out = await store.commit(decision, notice);
        const writeUnits = (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        logger.info('registration recorded', {
          outcome: decision.kind,
          certificateNumber: request.certificateNumber,
          writeUnits,
        });
        return {
          outcome: decision.kind === 'CREATE' ? 'CREATED' : 'RENEWED',
          certificateNumber: decision.certificate.certificateNumber,
          contactId: decision.certificate.primaryContactId,
          renewalOf: decision.certificate.renewalOf,
          ...(decision.kind === 'CREATE' ? { delivery: deliveryOf(decision.contact.contactId) } : {}),
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
  };
}

const deliveryOf = (contactId: string) => ({
  executionName: `contact-id-${contactId}`,
  noticeKey: keys.contact(contactId),
});

export const handler = makeRecordRegistration(
  new RegistrationStore(documentClient, requireEnv('TABLE_NAME')),
);
