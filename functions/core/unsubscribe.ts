/**
 * Opting out of renewal reminders (issue 12, point 6): each reminder digest links to a page
 * that confirms the opt-out, and carries RFC 8058 one-click headers. Both URLs hold one
 * signed token: HMAC-SHA256 (base64url) over the purpose, the recipient's address
 * (lower-cased) and an expiry day, so a token cannot be made for another address, another
 * purpose or a longer life without the secret. The address travels in the token (the link
 * must say which address it stops), base64url-encoded, not encrypted: it goes only to that
 * address. Pure: the day is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { addDays } from './calendar.ts';
import { InvalidInput } from './errors.ts';
import { addressKey } from './recipients.ts';

/** What a token allows: only stopping renewal reminders. */
export const UNSUBSCRIBE_PURPOSE = 'REMINDERS';
/** A digest's link works this long after the digest's day (the −30 reminder's link too). */
export const UNSUBSCRIBE_VALID_DAYS = 400;
/** A longer token is not one of ours: refused before any work. */
export const MAX_TOKEN_LENGTH = 1024;

/** The page (GET, shows the address and a confirm button) and the one-click endpoint (POST). */
export const UNSUBSCRIBE_PAGE_PATH = '/customer/unsubscribe';
export const UNSUBSCRIBE_ONE_CLICK_PATH = '/unsubscribe';

/** What signs a recipient's links: the secret (configuration) and the API's public URL. */
export interface UnsubscribeSigning {
  baseUrl: string;
  secret: string;
}

/** What a valid token says. */
export interface UnsubscribeClaim {
  purpose: typeof UNSUBSCRIBE_PURPOSE;
  /** Lower-cased: the opt-out is the address's, whatever its case on each contact. */
  address: string;
  /** Last day (UTC) the token is honoured. */
  expires: string;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const sign = (payload: string, secret: string) =>
  createHmac('sha256', secret).update(`unsubscribe.v1.${payload}`).digest();

/** A token for `address`, valid UNSUBSCRIBE_VALID_DAYS from `issuedOn` (a day, YYYY-MM-DD). */
export function unsubscribeToken(address: string, secret: string, issuedOn: string): string {
  const claim: UnsubscribeClaim = {
    purpose: UNSUBSCRIBE_PURPOSE,
    address: addressKey(address),
    expires: addDays(issuedOn, UNSUBSCRIBE_VALID_DAYS),
  };
  const payload = base64url(JSON.stringify([claim.purpose, claim.address, claim.expires]));
  return `${payload}.${base64url(sign(payload, secret))}`;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The link a reminder digest shows (the confirmation page): the one function every digest's
 * `unsubscribeUrl` comes from. `baseUrl` is the API's public URL.
 */
export function unsubscribeUrl(baseUrl: string, address: string, secret: string, issuedOn: string): string {
  return `${trimSlash(baseUrl)}${UNSUBSCRIBE_PAGE_PATH}?token=${unsubscribeToken(address, secret, issuedOn)}`;
}

/** The RFC 8058 one-click URL for the same token (List-Unsubscribe), from the page's URL. */
export function oneClickUrl(pageUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return null;
  }
  if (!url.pathname.endsWith(UNSUBSCRIBE_PAGE_PATH) || !url.searchParams.get('token')) return null;
  url.pathname = url.pathname.slice(0, -UNSUBSCRIBE_PAGE_PATH.length) + UNSUBSCRIBE_ONE_CLICK_PATH;
  return url.toString();
}

/**
 * The headers of a message a recipient can leave with one click (RFC 8058 section 3.1;
 * RFC 2369 angle brackets), or none when the notice has no unsubscribe link.
 */
export function listUnsubscribeHeaders(unsubscribePageUrl: unknown): Record<string, string> {
  const oneClick = typeof unsubscribePageUrl === 'string' ? oneClickUrl(unsubscribePageUrl) : null;
  if (!oneClick) return {};
  return {
    'List-Unsubscribe': `<${oneClick}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The token from a request's query, the one parameter the unsubscribe routes take. */
export function tokenOfQuery(
  query: Readonly<Record<string, string | undefined>> | undefined,
): string | undefined {
  const unknown = Object.keys(query ?? {}).filter((k) => k !== 'token');
  if (unknown.length)
    throw new InvalidInput(
      'this route takes only the query parameter token',
      unknown.map((k) => ({ path: `(query).${k.slice(0, 100)}`, message: 'unknown query parameter' })),
    );
  return query?.token;
}

const refused = (message: string) =>
  new InvalidInput(`the unsubscribe link is not valid: ${message}`, [{ path: '(query).token', message }]);

/**
 * The claim of a token made by `unsubscribeToken` with `secret`, honoured on `today`; any
 * other token (missing, malformed, signed with another secret or over other content,
 * expired) is an InvalidInput, which stores nothing.
 */
export function verifyUnsubscribeToken(token: unknown, secret: string, today: string): UnsubscribeClaim {
  if (typeof token !== 'string' || token === '') throw refused('the token is missing');
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    throw refused('the token is malformed');
  const [payload, signature] = token.split('.') as [string, string];
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  // Canonical base64url only: one signature, one spelling.
  if (given.length !== expected.length || base64url(given) !== signature || !timingSafeEqual(given, expected))
    throw refused('the token is not signed by this service');
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw refused('the token is malformed');
  }
  if (
    !Array.isArray(fields) ||
    fields.length !== 3 ||
    fields[0] !== UNSUBSCRIBE_PURPOSE ||
    typeof fields[1] !== 'string' ||
    typeof fields[2] !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(fields[2]) ||
    fields[1] !== addressKey(fields[1])
  )
    throw refused('the token is malformed');
  if (fields[2] < today) throw refused(`the link expired on ${fields[2]}; use the link of a later reminder`);
  return { purpose: UNSUBSCRIBE_PURPOSE, address: fields[1], expires: fields[2] };
}
