/**
 * GET /certificates?serialNumber=… | salesOrderNumber=… | supportIdentifier=… | email=… |
 * contactId=… — find a certificate by anything on it. Parse exactly one identifier (400
 * otherwise) → look it up through its key or the Lookup index (adapters/lookups.ts), never a
 * Scan → answer `{certificates: [summary…], truncated}`, empty when nothing matches.
 * The summaries carry no personal data (no contact, email or phone number, and the address
 * looked up is not echoed), so every role the route allows gets the same answer, whole or
 * masked alike: a support engineer may look a caller up by email. A contact whose personal
 * data was erased is no longer in the Lookup index: its former address finds nothing.
 */
import middy from '@middy/core';
import { CertificateLookups } from '../adapters/lookups.ts';
import { byRegistration, certificateSummary, parseCertificateLookup } from '../core/lookups.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, problemJson } from './http.ts';

export function makeGetCertificates(lookups: CertificateLookups) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const lookup = parseCertificateLookup(event.queryStringParameters ?? {});
    const { certificates, truncated } = await lookups.find(lookup);
    return json(200, {
      certificates: [...certificates].sort(byRegistration).map(certificateSummary),
      truncated,
    });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetCertificates(new CertificateLookups(documentClient, config.table().tableName)));
