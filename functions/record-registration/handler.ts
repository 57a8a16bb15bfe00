/**
 * Task of register-certificate: re-parse the request and its actor (the workflow may be
 * started by anyone with access; the actor goes into the log lines) → register it
 * (use-cases/register-certificate.ts: load, decide, commit in one transaction, decide again
 * after a lost race) → answer with the Contact ID and whether its
 * email is owed, or with the refusal.
 */
import { randomInt } from 'node:crypto';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ActorInput } from '../core/actor-input.ts';
import type { Actor } from '../core/actors.ts';
import { DomainError } from '../core/errors.ts';
import { RegistrationRequest } from '../core/registration.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { parseOrThrow } from '../core/validation.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged, logger } from '../shared/logger.ts';
import { type Refusal, refused } from '../shared/refusal.ts';
import { type Registered, registerCertificate } from '../use-cases/register-certificate.ts';

export interface RecordRegistrationInput {
  request: unknown;
  requestId: string;
  receivedAt: string;
  /** Who sent the request (the token's subject and role), as POST /registrations found it. */
  actor: Actor;
}

export type RecordRegistrationOutput = Registered | Refusal;

export function makeRecordRegistration(
  store: RegistrationStore,
  random: (min: number, max: number) => number = randomInt,
  reminderOffsets: ReminderOffsets = {},
  links: NoticeLinks = DEFAULT_LINKS,
) {
  return async (input: RecordRegistrationInput): Promise<RecordRegistrationOutput> => {
    try {
      const actor = parseOrThrow(ActorInput, input.actor, 'the actor is malformed');
      logger.appendKeys({ actor });
      const request = parseOrThrow(RegistrationRequest, input.request, 'the registration is malformed');
      return await registerCertificate(
        store,
        request,
        { requestId: input.requestId, receivedAt: input.receivedAt, actor },
        random,
        reminderOffsets,
        links,
      );
    } catch (error) {
      if (error instanceof DomainError) return refused(error);
      throw error;
    }
  };
}

export const handler = logged(
  makeRecordRegistration(
    new RegistrationStore(documentClient, config.table().tableName),
    randomInt,
    config.reminders().offsets,
    config.links(),
  ),
  (input) => input.requestId,
);
