/**
 * Notices: the emails the system owes someone. A notice is recorded (PENDING) in the
 * same write as the fact that causes it, then delivered by the deliver-notice
 * workflow, which marks it SENT; its id is deterministic so it is owed only once.
 */
import { createHash } from 'node:crypto';
import type { Language } from './identifiers.ts';
import { addressKey } from './recipients.ts';
import type { Contact, RegisteredCertificate } from './registration.ts';
import { DEFAULT_LINKS, type NoticeLinks, offeringName, readableDate, supportContactFor } from './wording.ts';

/** An address in a notice id: stable whatever its case, and not readable in names and logs. */
export const addressHash = (address: string, length: number): string =>
  createHash('sha256').update(addressKey(address)).digest('hex').slice(0, length);

export type NoticeKind = 'CONTACT_ID_ISSUED' | 'RENEWAL_REMINDER' | 'LIFECYCLE' | 'UPGRADE';

export interface Notice {
  id: string;
  kind: NoticeKind;
  /** Template family; the language picks the variant (`ContactIdIssued-fr`). */
  template: string;
  to: string;
  language: Language;
  data: Record<string, unknown>;
  status: 'PENDING' | 'SENT' | 'UNDELIVERABLE';
  createdAt: string;
  sentAt?: string;
  messageId?: string;
  failure?: string;
}

/** A contact's Contact ID email: one per Contact ID, delivered by a run of the same name. */
export const contactIdNoticeId = (contactId: string): string => `contact-id-${contactId}`;

/** Whose seat a Contact ID email speaks to: the primary contact's (every product) or a designated contact's (theirs). */
export type ContactSeat = Pick<Contact, 'role' | 'serialNumbers'>;

/**
 * The Contact ID email. Without `seat` it is the primary technical contact's, listing every
 * product on the certificate; a designated contact's says so and lists only its products.
 * It gives the support phone and portal of the certificate's country (`links`: config.links()).
 */
export function contactIdIssuedNotice(
  contact: Contact,
  certificate: RegisteredCertificate,
  at: string,
  seat?: ContactSeat,
  links: NoticeLinks = DEFAULT_LINKS,
): Notice {
  const designated = seat?.role === 'DESIGNATED';
  const products = designated
    ? certificate.products.filter((p) => seat.serialNumbers.includes(p.serialNumber))
    : certificate.products;
  const language = contact.language;
  const support = supportContactFor(links.supportContacts, certificate.country);
  return {
    id: contactIdNoticeId(contact.contactId),
    kind: 'CONTACT_ID_ISSUED',
    template: designated ? 'DesignatedContactIdIssued' : 'ContactIdIssued',
    to: contact.email,
    language: contact.language,
    data: {
      contactName: contact.name,
      contactId: contact.contactId,
      certificateNumber: certificate.certificateNumber,
      salesOrderNumber: certificate.salesOrderNumber,
      companyName: certificate.company.name,
      // The codes and ISO dates for machines; the template reads the words and dates below.
      tier: certificate.tier,
      termStart: certificate.term.start,
      termEnd: certificate.term.end,
      offering: offeringName(certificate.tier, language),
      termStartOn: readableDate(certificate.term.start, language),
      termEndOn: readableDate(certificate.term.end, language),
      supportPhone: support.phone,
      supportPortalUrl: support.portalUrl,
      products: products.map((p) => ({
        product: p.product,
        version: p.version,
        serialNumber: p.serialNumber,
      })),
    },
    status: 'PENDING',
    createdAt: at,
  };
}

/**
 * Re-delivery (the notice re-driver): a notice still PENDING this long after it was owed
 * was left behind by a writer that stopped between recording it and starting its delivery.
 */
export const REDELIVER_AFTER_MINUTES = 10;
/**
 * Longer than deliver-notice retries SES (about 7 hours): a notice still PENDING after this,
 * whose delivery by its own name has ended, gets one more delivery a day under that day's name.
 */
export const REDELIVERY_RESTART_HOURS = 12;

/** A delivery name of its own for a day's re-delivery: within Step Functions' 80 characters. */
export function redeliveryName(noticeId: string, day: string): string {
  const hash = createHash('sha256').update(noticeId).digest('hex').slice(0, 24);
  return `redeliver-${day}-${hash}`;
}

export type RedeliveryStep = 'START' | 'RESTART' | 'LEAVE_RUNNING' | 'CLEAR';

/**
 * What the re-driver does with one pending-index entry, once the start by the notice's
 * own name was tried: started → nothing more; refused → the notice's state decides.
 */
export function redeliveryStep(
  started: boolean,
  status: Notice['status'] | null,
  since: string,
  now: Date,
): RedeliveryStep {
  if (started) return 'START';
  if (status !== 'PENDING') return 'CLEAR';
  const ageHours = (now.getTime() - Date.parse(since)) / 3_600_000;
  return ageHours >= REDELIVERY_RESTART_HOURS ? 'RESTART' : 'LEAVE_RUNNING';
}
