/**
 * GET /certificates/{certificateNumber} — the registration, its contacts, each product's
 * coverage on today's date and the version its serial runs now (from the serial, with its
 * version history), the renewal reminders sent, and the audit trail. Parse → load the
 * certificate (404 unknown), the one holding its contacts, its serials, audit events and
 * reminder ledger → answer (core/certificate-view.ts), personal data as the caller's role
 * may see it: licensing ops and integrations whole, support engineers masked
 * (core/personal-data.ts).
 */
import middy from '@middy/core';
import { AddressStore } from '../adapters/addresses.ts';
import { RegistrationStore } from '../adapters/registrations.ts';
import { dayOf } from '../core/calendar.ts';
import { certificateView } from '../core/certificate-view.ts';
import { NotFound } from '../core/errors.ts';
import { CertificateNumber } from '../core/identifiers.ts';
import { type ContactOnRecord, personalDataFor } from '../core/personal-data.ts';
import { addressKey } from '../core/recipients.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { actorOf, authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, pathParam, problemJson } from './http.ts';

export function makeGetCertificate(
  store: RegistrationStore,
  addresses: Pick<AddressStore, 'marksOf'> = new AddressStore(documentClient, config.table().tableName),
) {
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
    const [contacts, serials, auditEvents, reminders] = await Promise.all([
      // Erased ones too (their pseudonym, who erased them and when).
      store.getContacts([...(roster?.contactIds ?? []), ...(roster?.formerContactIds ?? [])]) as Promise<
        ContactOnRecord[]
      >,
      store.getSerials(certificate.products.map((p) => p.serialNumber)),
      // Contact changes are recorded where the contacts live (the original certificate of a renewal).
      Promise.all(
        [...new Set([certificateNumber, certificate.contactsCertificate])].map((n) => store.listAudit(n)),
      ).then((lists) => lists.flat().sort((a, b) => (String(a.at) < String(b.at) ? -1 : 1))),
      // Reminders are per term: a renewal's own ledger only (its earlier certificates keep theirs).
      store.listReminders(certificateNumber),
    ]);
    // Each contact's delivery state: a hard bounce or complaint SES reported on its address
    // (an erased contact has none left to ask about).
    const marks = await addresses.marksOf(contacts.filter((c) => !c.erasedAt).map((c) => c.email));
    const withMarks = contacts.map((c) => {
      const addressMark = marks.get(addressKey(c.email));
      return addressMark ? { ...c, addressMark } : c;
    });
    const reader = { personalData: personalDataFor(actorOf(event).role) };
    return json(200, certificateView(certificate, withMarks, serials, auditEvents, today, reader, reminders));
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(makeGetCertificate(new RegistrationStore(documentClient, config.table().tableName)));
