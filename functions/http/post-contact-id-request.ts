/**
 * POST /self-service/contact-id-requests — public: a customer whose Contact ID email did not
 * arrive gives the certificate number, sales order number, serial number and support
 * identifier (use-cases/request-contact-id.ts). Always 202 with the same body, matched or not,
 * sent or over the day's limit; only malformed input is told apart (400, as on every route).
 */
import middy from '@middy/core';
import { Deliveries } from '../adapters/deliveries.ts';
import { SelfServiceStore } from '../adapters/self-service.ts';
import { CONTACT_ID_REQUEST_ACCEPTED } from '../core/self-service.ts';
import { DEFAULT_LINKS } from '../core/wording.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { sfnClient } from '../shared/sfn.ts';
import { requestContactId } from '../use-cases/request-contact-id.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, jsonBody, problemJson } from './http.ts';

export function makePostContactIdRequest(
  store: SelfServiceStore,
  deliveries: Deliveries,
  links: Parameters<typeof requestContactId>[2] = DEFAULT_LINKS,
) {
  const request = requestContactId(store, deliveries, links);
  return async (event: HttpEvent): Promise<HttpResult> => {
    await request({
      request: jsonBody(event),
      requestId: event.requestContext.requestId,
      receivedAt: now().toISOString(),
    });
    return json(202, CONTACT_ID_REQUEST_ACCEPTED);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePostContactIdRequest(
      new SelfServiceStore(documentClient, config.table().tableName),
      new Deliveries(sfnClient, config.workflowArn('DeliverNotice')),
      config.links(),
    ),
  );
