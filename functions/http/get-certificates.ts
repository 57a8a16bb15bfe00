/**
 * GET /certificates?serialNumber=… | salesOrderNumber=… | supportIdentifier=… | email=… |
 * contactId=… — find a certificate by anything on it. Parse exactly one identifier (400
 * otherwise) → look it up through its key or the Lookup index (adapters/lookups.ts), never a
 * Scan → answer `{certificates: [summary…], truncated}`, empty when nothing matches.
 * The summaries carry no email address.
 */
import middy from '@middy/core';
import { CertificateLookups } from '../adapters/lookups.ts';
import { byRegistration, certificateSummary, parseCertificateLookup } from '../core/lookups.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
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
  .handler(makeGetCertificates(new CertificateLookups(documentClient, config.table().tableName)));
