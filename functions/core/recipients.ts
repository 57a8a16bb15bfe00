/**
 * Who is told (DOMAIN.md: customers' technical contacts receive renewal reminders, upgrade
 * notices and end-of-life notices): one rule for every notice. A person is an address,
 * whatever its case, so two contacts with one address are told once, in the words of the
 * first met (their name and language). A contact with no address or name on record (a
 * roster entry written before rosters carried them, and no contact record to fill them)
 * cannot be told. Pure.
 */
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
}

/** The key an address is told once by: its case does not make another person. */
export const addressKey = (address: string): string => address.toLowerCase();

/** Each reachable address among the contacts once, in the order first met; English when no language is known. */
export function recipientsOf(contacts: Iterable<ContactOnRecord>): Recipient[] {
  const found = new Map<string, Recipient>();
  for (const { to, name, language } of contacts) {
    if (!to || !name || found.has(addressKey(to))) continue;
    found.set(addressKey(to), { to, name, language: language ?? 'en' });
  }
  return [...found.values()];
}

/** The roster's contacts who may call about any of these serials. */
export function contactsOfSerials(roster: Roster, serialNumbers: ReadonlySet<string>): RosterEntry[] {
  return Object.values(roster).filter((entry) => entry.serialNumbers.some((s) => serialNumbers.has(s)));
}
