/**
 * POST /registrations — licensing operations register a license certificate.
 * Parse → run the register-certificate workflow → answer 201 (new or renewal), 200
 * (the same registration again) or the workflow's refusal as problem+json.
 */
import middy from '@middy/core';
import { SyncWorkflow } from '../adapters/workflows.ts';
import { RegistrationRequest } from '../core/registration.ts';
import { parseOrThrow } from '../core/validation.ts';
import type { RecordRegistrationInput, RecordRegistrationOutput } from '../record-registration/handler.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { requestLogging } from '../shared/logger.ts';
import { domainErrorOf } from '../shared/refusal.ts';
import { sfnClient } from '../shared/sfn.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson } from './http.ts';

type Register = (input: RecordRegistrationInput) => Promise<RecordRegistrationOutput>;

export function makePostRegistration(register: Register) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const request = parseOrThrow(RegistrationRequest, jsonBody(event), 'the registration is malformed');
    const result = await register({
      request,
      requestId: event.requestContext.requestId,
      receivedAt: now().toISOString(),
      actor: actorOf(event),
    });
    if (result.outcome === 'REFUSED') throw domainErrorOf(result.problem);
    const body = {
      certificateNumber: result.certificateNumber,
      contactId: result.contactId,
      outcome: result.outcome,
      renewalOf: result.renewalOf,
      links: { certificate: `/certificates/${result.certificateNumber}` },
    };
    return json(result.outcome === 'REPLAYED' ? 200 : 201, body, {
      location: `/certificates/${result.certificateNumber}`,
    });
  };
}

const workflow = new SyncWorkflow<RecordRegistrationInput, RecordRegistrationOutput>(
  sfnClient,
  config.workflowArn('RegisterCertificate'),
);
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makePostRegistration((input) => workflow.run(input)));
