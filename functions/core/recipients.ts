/**
 * Who is told (DOMAIN.md: customers' technical contacts receive renewal reminders, upgrade
 * notices and end-of-life notices): one rule for every notice. A person is an address,
 * whatever its case, so two contacts with one address are told once, in the words of the
 * first met (their name and language). A contact with no address or name on record (a
 * roster entry written before rosters carried them, and no contact record to fill them)
 * cannot be told. Pure.
 */
import { createHash } from 'node:crypto';
import type { Language } from './identifiers.ts';
import type { Roster, RosterEntry } from './registration.ts';

/** Whom a notice goes to, and how to address them. */
export interface Recipient {
  to: string;
  name: string;
  language: Language;
}

/** A contact as their roster entry (or, for older rosters, their contact record) knows them. */
export interface ContactOnRecord {
  to?: string | undefined;
  name?: string | undefined;
  language?: Language | undefined;
  /** The address opted out of renewal reminders (core/unsubscribe.ts): other notices still reach it. */
  remindersOptedOut?: boolean | undefined;
  /** SES reported the address hard-bounced or complaining (core/delivery-events.ts): no reminder is attempted. */
  suppressed?: boolean | undefined;
  /** A designated contact's serials: what its reminders name (a primary contact hears of every serial). */
  role?: 'PRIMARY' | 'DESIGNATED' | undefined;
  serialNumbers?: readonly string[] | undefined;
}

/** The key an address is told once by: its case does not make another person. */
export const addressKey = (address: string): string => address.toLowerCase();

/**
 * The key an address's opt-out is stored and looked up by: a hash, so items and certificates
 * name the address without spelling it out.
 */
export const optOutKey = (address: string): string =>
  createHash('sha256')
    .update(`opt-out.${addressKey(address)}`)
    .digest('hex')
    .slice(0, 32);

/**
 * The key a suppressed address (hard bounce, complaint) is stored by on rosters: the hash its
 * `ADDRESS#` mark is keyed by (adapters/addresses.ts), so the roster never spells it out.
 */
export const suppressionKey = (address: string): string =>
  createHash('sha256').update(addressKey(address)).digest('hex').slice(0, 32);

/**
 * Who may receive renewal reminders: every contact whose address has neither opted out of
 * them nor been suppressed by SES feedback. Both are the address's: every contact with it (in
 * any case) is left out, so the person is not reached through a second contact either. Other
 * notices use recipientsOf alone (SendNotice checks their address's mark as it sends).
 */
export function remindable<C extends ContactOnRecord>(contacts: Iterable<C>): C[] {
  const all = [...contacts];
  const left = new Set(
    all.filter((c) => (c.remindersOptedOut || c.suppressed) && c.to).map((c) => addressKey(c.to!)),
  );
  return all.filter((c) => !c.to || !left.has(addressKey(c.to)));
}

/** Each reachable address among the contacts once, in the order first met; English when no language is known. */
export function recipientsOf(contacts: Iterable<ContactOnRecord>): Recipient[] {
  const found = new Map<string, Recipient>();
  for (const { to, name, language } of contacts) {
    if (!to || !name || found.has(addressKey(to))) continue;
    found.set(addressKey(to), { to, name, language: language ?? 'en' });
  }
  return [...found.values()];
}

/**
 * The serials an address hears of in a reminder: every one when it holds the primary seat or
 * a seat that does not say (older records); else the union of its designated seats' serials.
 */
export function serialsHeardOf(contacts: Iterable<ContactOnRecord>): Map<string, Set<string> | 'ALL'> {
  const heard = new Map<string, Set<string> | 'ALL'>();
  for (const c of contacts) {
    if (!c.to) continue;
    const key = addressKey(c.to);
    const known = heard.get(key);
    if (known === 'ALL') continue;
    if (c.role !== 'DESIGNATED' || !c.serialNumbers) heard.set(key, 'ALL');
    else heard.set(key, new Set([...(known ?? []), ...c.serialNumbers]));
  }
  return heard;
}

/** The roster's contacts who may call about any of these serials. */
export function contactsOfSerials(roster: Roster, serialNumbers: ReadonlySet<string>): RosterEntry[] {
  return Object.values(roster).filter((entry) => entry.serialNumbers.some((s) => serialNumbers.has(s)));
}
