/**
 * The identifiers printed on a license certificate (DOMAIN.md), as zod schemas.
 * Everything that enters the system is parsed by these before anything is stored.
 */

import { isValidContactId } from './contact-id.ts';
import * as z from './zod.ts';

export const CertificateNumber = z
  .string()
  .check(
    z.regex(/^\d{8}-\d{7}$/, 'a certificate number is 8 digits, a dash and 7 digits, like 12345678-1234567'),
  );
export const SalesOrderNumber = z
  .string()
  .check(z.regex(/^\d{8}$/, 'a sales order number is 8 digits, like 12345678'));
export const SerialNumber = z
  .string()
  .check(z.regex(/^M\d{10}$/, 'a serial number is M and 10 digits, like M1234567890'));
export const SupportIdentifier = z
  .string()
  .check(z.regex(/^\d{4}-\d{4}-\d{4}$/, 'a support identifier is 4-4-4 digits, like 1234-5678-1234'));
export const ContactId = z
  .string()
  .check(z.refine(isValidContactId, 'a Contact ID is 10 digits ending in a Luhn check digit'));

export const Tier = z.enum(
  ['BASIC', 'ESSENTIAL', 'BCS_REMOTE', 'BCS_DATACENTER', 'BCS_NATIONAL', 'BCS_GLOBAL'],
  {
    error: 'tier is one of BASIC, ESSENTIAL, BCS_REMOTE, BCS_DATACENTER, BCS_NATIONAL, BCS_GLOBAL',
  },
);
export type Tier = z.infer<typeof Tier>;

/** Languages we hold email templates for. */
export const LANGUAGES = ['en', 'fr', 'de', 'it', 'es', 'ru'] as const;
export const Language = z.enum(LANGUAGES, { error: 'language is one of en, fr, de, it, es, ru' });
export type Language = z.infer<typeof Language>;

/**
 * The dates the service deals in: terms, GA dates and lifecycle milestones. The earliest
 * leaves room for the product line's history (majors that reached end of life before the
 * 6 November 2006 policy date); the latest for any contract or schedule. A year typed as
 * 0100 or 9999 is a mistake, and a GA date stored in 0100 could never be corrected.
 */
export const EARLIEST_DATE = '1990-01-01';
export const LATEST_DATE = '2100-12-31';

/** A calendar date (YYYY-MM-DD) that exists (2026-02-30 is refused), from 1990 to 2100. */
export const IsoDate = z.string().check(
  z.refine(isCalendarDate, 'a date is YYYY-MM-DD and must exist on the calendar'),
  z.refine(
    (v) => !isCalendarDate(v) || isDateInRange(v),
    `a date lies between ${EARLIEST_DATE} and ${LATEST_DATE}`,
  ),
);

/** Within EARLIEST_DATE..LATEST_DATE (a calendar date, compared as text). */
export function isDateInRange(value: string): boolean {
  return value >= EARLIEST_DATE && value <= LATEST_DATE;
}

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * An email address that is safe to put in a header: one address, no display name,
 * no CR/LF or other control characters (header injection), sane lengths (RFC 5321).
 */
export const EmailAddress = z.pipe(
  z.string().check(
    z.maxLength(254, 'an email address has at most 254 characters'),
    z.refine(
      (v) => !/[\p{Cc}\s<>,;"\\]/u.test(v),
      'an email address holds one address, with no spaces or line breaks',
    ),
  ),
  z.email({ error: 'not a valid email address' }),
);

/**
 * What free text never holds: control characters (Cc: line breaks, tabs, NUL, ESC…),
 * format characters (Cf: the bidi overrides and isolates U+202A–U+202E and
 * U+2066–U+2069 that make a name read backwards in an email, zero-width characters,
 * BOM, soft hyphen), line and paragraph separators, and Unicode noncharacters.
 * Spaces (including no-break spaces) are ordinary text.
 */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}]/u;

/** Well-formed text (no unpaired UTF-16 surrogate) with nothing hidden in it. */
export function isFreeText(value: string): boolean {
  return value.isWellFormed() && !HIDDEN_CHARACTERS.test(value);
}

/** The one refinement every free-text field uses (names, companies, products, addresses). */
export const freeText = z.refine<string>(
  isFreeText,
  'must not contain control characters, line breaks, invisible formatting characters (such as bidirectional overrides) or unpaired surrogates',
);

/** Free text that ends up in emails and records: visible characters only, bounded. */
export const Text = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(max, `must be at most ${max} characters`),
      freeText,
    );

export const PhoneNumber = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^\+?[0-9 ().-]{4,30}$/,
      'a phone number holds digits, spaces, dots, dashes, brackets and an optional leading +',
    ),
  );

/**
 * Where the software is installed (DOMAIN.md "Business time"): an IANA time zone, as the
 * runtime's time-zone database knows it (aliases such as `UTC` included).
 */
export const TimeZone = z.string().check(
  z.maxLength(64, 'a time zone is an IANA name such as Europe/Paris'),
  z.refine(
    (zone) => {
      if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'a time zone is an IANA name such as Europe/Paris' },
  ),
);

/** An ISO 3166-1 alpha-2 country code (upper case), as Intl knows the regions. */
export const CountryCode = z.string().check(
  z.refine(
    (code) => {
      if (!/^[A-Z]{2}$/.test(code)) return false;
      const name = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code);
      return name !== undefined && name !== 'Unknown Region';
    },
    { error: 'country is an ISO 3166-1 alpha-2 code such as FR' },
  ),
);
