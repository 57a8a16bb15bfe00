/**
 * The contact routes share one shape: parse → run the change-contacts workflow → answer
 * with the Contact ID, or with the workflow's refusal as problem+json.
 */
import middy from '@middy/core';
import { SyncWorkflow } from '../adapters/workflows.ts';
import type {
  RecordContactChangeInput,
  RecordContactChangeOutput,
} from '../record-contact-change/handler.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { requestLogging } from '../shared/logger.ts';
import { domainErrorOf } from '../shared/refusal.ts';
import { sfnClient } from '../shared/sfn.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, pathParam, problemJson } from './http.ts';

type Change = (input: RecordContactChangeInput) => Promise<RecordContactChangeOutput>;

export function makeContactChangeRoute(
  action: RecordContactChangeInput['action'],
  status: number,
  change: Change,
) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const request = jsonBody(event);
    const certificateNumber = pathParam(event, 'certificateNumber') ?? '';
    const contactId = pathParam(event, 'contactId');
    const result = await change({
      action,
      certificateNumber,
      ...(contactId !== undefined ? { contactId } : {}),
      request,
      requestId: event.requestContext.requestId,
      receivedAt: now().toISOString(),
      actor: actorOf(event),
    });
    if (result.outcome === 'REFUSED') throw domainErrorOf(result.problem);
    // A retried add or replace answers as the first one did, with the same Contact ID.
    const created = result.outcome === 'ADDED' || result.outcome === 'ALREADY_ADDED';
    return json(created ? 201 : status, {
      certificateNumber,
      contactId: result.contactId,
      outcome: result.outcome,
      links: {
        entitlements: `/entitlements/${result.contactId}`,
        certificate: `/certificates/${certificateNumber}`,
      },
    });
  };
}

export function contactChangeHandler(action: RecordContactChangeInput['action'], status: number) {
  const workflow = new SyncWorkflow<RecordContactChangeInput, RecordContactChangeOutput>(
    sfnClient,
    config.workflowArn('ChangeContacts'),
  );
  return middy<HttpEvent, HttpResult>()
    .use(requestLogging())
    .use(problemJson())
    .use(authorize())
    .handler(makeContactChangeRoute(action, status, (input) => workflow.run(input)));
}
