/**
 * GET /certificates/{certificateNumber} — the registration, its contacts (masked
 * emails), each product's coverage on today's date, and the audit trail.
 */
import middy from '@middy/core';
import { RegistrationStore } from '../adapters/registrations.ts';
import { dayOf } from '../core/calendar.ts';
import { summarizeCoverage } from '../core/coverage.ts';
import { NotFound } from '../core/errors.ts';
import { CertificateNumber } from '../core/identifiers.ts';
import { maskEmail } from '../core/registration.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
import { type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

export function makeGetCertificate(store: RegistrationStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { certificateNumber } = parseOrThrow(
      z.object({ certificateNumber: CertificateNumber }),
      { certificateNumber: pathParam(event, 'certificateNumber') },
      'the certificate number is malformed',
    );
    const certificate = await store.getCertificate(certificateNumber);
    if (!certificate) throw new NotFound(`no certificate ${certificateNumber} is registered`);
    const today = dayOf(now());

    const roster =
      certificate.contactsCertificate === certificateNumber
        ? certificate
        : await store.getCertificate(certificate.contactsCertificate);
    const [contacts, serials, auditEvents] = await Promise.all([
      store.getContacts([...(roster?.contactIds ?? []), ...(roster?.formerContactIds ?? [])]),
      store.getSerials(certificate.products.map((p) => p.serialNumber)),
      // Contact changes are recorded where the contacts live (the original certificate of a renewal).
      Promise.all(
        [...new Set([certificateNumber, certificate.contactsCertificate])].map((n) => store.listAudit(n)),
      ).then((lists) => lists.flat().sort((a, b) => (String(a.at) < String(b.at) ? -1 : 1))),
    ]);
    const serialBy = new Map(serials.map((s) => [s.serialNumber, s]));

    return json(200, {
      certificateNumber,
      salesOrderNumber: certificate.salesOrderNumber,
      tier: certificate.tier,
      term: { ...certificate.term, active: certificate.term.start <= today && today <= certificate.term.end },
      company: certificate.company,
      registeredAt: certificate.registeredAt,
      renewalOf: certificate.renewalOf,
      renewedBy: certificate.renewedBy ?? [],
      contactsCertificate: certificate.contactsCertificate,
      contacts: contacts
        .sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : 1))
        .map((c) => ({
          contactId: c.contactId,
          role: c.role,
          status: c.status,
          name: c.name,
          email: maskEmail(c.email),
          language: c.language,
          issuedAt: c.issuedAt,
          contactIdEmail: c.notice ? { status: c.notice.status, sentAt: c.notice.sentAt ?? null } : null,
        })),
      products: certificate.products.map((p) => {
        const terms = serialBy.get(p.serialNumber)?.terms ?? [];
        return {
          serialNumber: p.serialNumber,
          supportIdentifier: p.supportIdentifier,
          product: p.product,
          productLine: p.productLine,
          version: p.version,
          coverage: { ...summarizeCoverage(terms, today), terms },
        };
      }),
      nextReminder: certificate.nextReminder,
      asOf: today,
      audit: [
        {
          at: certificate.registeredAt,
          action: certificate.renewalOf.length ? 'CERTIFICATE_RENEWED' : 'CERTIFICATE_REGISTERED',
          requestId: certificate.requestId,
        },
        ...auditEvents.map((e) => ({
          ...e,
          email: typeof e.email === 'string' ? maskEmail(e.email) : undefined,
        })),
      ],
    });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(makeGetCertificate(new RegistrationStore(documentClient, requireEnv('TABLE_NAME'))));
