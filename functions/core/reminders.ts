/**
 * Renewal reminders (DOMAIN.md "Contracts and renewal", Decision): offsets in days
 * before a term's end (negative = after it), configurable per tier. Each
 * (certificate, offset) is sent at most once; the certificate carries only its next
 * due reminder, which is what the sparse due-date index holds.
 */
import { addDays } from './calendar.ts';
import type { Language, Tier } from './identifiers.ts';
import { addressHash, type Notice } from './notices.ts';
import {
  addressKey,
  type ContactOnRecord,
  type Recipient,
  recipientsOf,
  serialsHeardOf,
} from './recipients.ts';
import { type UnsubscribeSigning, unsubscribeUrl } from './unsubscribe.ts';
import { DEFAULT_LINKS, renewalWhen, unsubscribePage } from './wording.ts';

export const DEFAULT_REMINDER_OFFSETS: readonly number[] = [90, 60, 30, 7, 0, -30];

export type ReminderOffsets = Partial<Record<Tier, readonly number[]>>;

export function offsetsFor(tier: Tier, configured: ReminderOffsets = {}): readonly number[] {
  return configured[tier] ?? DEFAULT_REMINDER_OFFSETS;
}

export interface DueReminder {
  offset: number;
  on: string;
}

/** Every reminder of a term, earliest first. */
export function reminderSchedule(termEnd: string, offsets: readonly number[]): DueReminder[] {
  return offsets
    .map((offset) => ({ offset, on: addDays(termEnd, -offset) }))
    .sort((a, b) => (a.on < b.on ? -1 : 1));
}

/** The first reminder due on or after `today`, or null when none is left. */
export function nextReminder(termEnd: string, offsets: readonly number[], today: string): DueReminder | null {
  return reminderSchedule(termEnd, offsets).find((r) => r.on >= today) ?? null;
}

/** The reminder that follows the one due on `day`, or null: the certificate then leaves the due index. */
export function reminderAfter(termEnd: string, offsets: readonly number[], day: string): DueReminder | null {
  return nextReminder(termEnd, offsets, addDays(day, 1));
}

/**
 * One email per recipient per day, listing every certificate due that day: its id is
 * the day and the address, so every shard of the run adds to the same digest.
 */
export function reminderDigestId(day: string, email: string, page = 1): string {
  const base = `reminders-${day}-${addressHash(email, 20)}`;
  return page === 1 ? base : `${base}-p${page}`;
}

/**
 * A digest is one item, and DynamoDB items stop at 400 KB: a recipient with more lines
 * than a page holds gets its day's digest on further pages (further emails), and a page
 * already sent takes no more lines. Bytes of lines per page, well under the item limit
 * and SES's template data limit.
 */
export const DIGEST_PAGE_BYTES = 96 * 1024;

/** Serials named on one line; a certificate with more says how many more (the rest are on the certificate). */
export const LINE_SERIALS = 40;

/** A line's size as stored (JSON in a string set), for the page's byte count. */
export const lineBytes = (line: ReminderLine): number =>
  new TextEncoder().encode(JSON.stringify(line)).length;

/** A certificate's line in a recipient's digest. */
export interface ReminderLine {
  certificateNumber: string;
  termEnd: string;
  offset: number;
  products: string;
  when: string;
}

/** The products of a certificate its reminders are still about: those no later certificate renewed. */
export function unrenewedProducts<P extends { serialNumber: string }>(certificate: {
  products: P[];
  renewedSerials?: readonly string[];
}): P[] {
  const renewed = new Set(certificate.renewedSerials ?? []);
  return certificate.products.filter((p) => !renewed.has(p.serialNumber));
}

export function reminderLine(
  certificate: {
    certificateNumber: string;
    products: Array<{ product: string; version: string; serialNumber: string }>;
    renewedSerials?: readonly string[];
  },
  due: DueReminder,
  termEnd: string,
  language: Language,
): ReminderLine {
  // A partial renewal: the line names only the serials left to renew.
  const products = unrenewedProducts(certificate);
  return {
    certificateNumber: certificate.certificateNumber,
    termEnd,
    offset: due.offset,
    products: [
      ...products.slice(0, LINE_SERIALS).map((p) => `${p.product} ${p.version} (${p.serialNumber})`),
      ...(products.length > LINE_SERIALS ? [`+${products.length - LINE_SERIALS}`] : []),
    ].join(', '),
    when: reminderWhen(due.offset, termEnd, language),
  };
}

/** "ends in 30 days, on 31 December 2026", in the recipient's language (functions/core/wording.ts). */
export const reminderWhen = (offset: number, termEnd: string, language: Language): string =>
  renewalWhen(offset, termEnd, language);

/**
 * Where a recipient stops renewal reminders: the page on the licensing portal (or, given only
 * the renewal URL, on its site). A placeholder until the link is signed per recipient.
 */
export function reminderUnsubscribeUrl(renewUrl: string, licensingPortalUrl?: string): string {
  if (licensingPortalUrl) return unsubscribePage(licensingPortalUrl);
  try {
    return unsubscribePage(new URL(renewUrl).origin);
  } catch {
    return unsubscribePage(DEFAULT_LINKS.licensingPortalUrl);
  }
}

/** A recipient's digest of the day (one page of it): its lines gather on the item as the run claims. */
export function reminderDigestNotice(
  id: string,
  recipient: Recipient,
  day: string,
  renewUrl: string,
  at: Date,
  /** Signs the recipient's unsubscribe link (core/unsubscribe.ts); without it, the unsigned page. */
  unsubscribe?: UnsubscribeSigning,
): Notice {
  return {
    id,
    kind: 'RENEWAL_REMINDER',
    template: 'RenewalReminder',
    to: recipient.to,
    language: recipient.language,
    data: {
      contactName: recipient.name,
      day,
      renewUrl,
      unsubscribeUrl: unsubscribe
        ? unsubscribeUrl(unsubscribe.baseUrl, recipient.to, unsubscribe.secret, day)
        : reminderUnsubscribeUrl(renewUrl),
    },
    status: 'PENDING',
    createdAt: at.toISOString(),
  };
}

/** A recipient's part of a certificate's due reminder: its line, on a page of their digest of the day. */
export interface ReminderDigestLine {
  /** The recipient, by address key: one digest a day per address. */
  recipient: string;
  digestId: (page: number) => string;
  notice: (page: number) => Notice;
  line: ReminderLine;
}

/**
 * Who is reminded of a certificate's due reminder, and with which notice: each recipient
 * among the active contacts of the certificate holding its roster gets the certificate's
 * line in their digest of the day (whichever page of it has room when the line is placed).
 */
export function reminderDigestLines(
  certificate: Parameters<typeof reminderLine>[0] & { term: { end: string } },
  due: DueReminder,
  contacts: Iterable<ContactOnRecord>,
  day: string,
  renewUrl: string,
  at: Date,
  unsubscribe?: UnsubscribeSigning,
): ReminderDigestLine[] {
  const all = [...contacts];
  const heard = serialsHeardOf(all);
  // A designated contact hears only of its own serials; one whose serials are all renewed, of none.
  return recipientsOf(all).flatMap((recipient) => {
    const serials = heard.get(addressKey(recipient.to));
    const own =
      serials instanceof Set
        ? { ...certificate, products: certificate.products.filter((p) => serials.has(p.serialNumber)) }
        : certificate;
    if (unrenewedProducts(own).length === 0) return [];
    return [
      {
        recipient: addressKey(recipient.to),
        digestId: (page) => reminderDigestId(day, recipient.to, page),
        notice: (page) =>
          reminderDigestNotice(
            reminderDigestId(day, recipient.to, page),
            recipient,
            day,
            renewUrl,
            at,
            unsubscribe,
          ),
        line: reminderLine(own, due, certificate.term.end, recipient.language),
      },
    ];
  });
}
