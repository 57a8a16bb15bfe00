/**
 * Add a designated contact (POST /certificates/{n}/contacts):
 * 1. parse the request (the contact, the products they may call about, the proofs);
 * 2. load the certificate named, the certificate holding its roster, and its serials;
 * 3. decide (core/contacts): the caller's proofs, the tier's limit; the same person added
 *    again is ALREADY_ADDED, with the Contact ID they have;
 * 4. commit the roster, the new contact with its Contact ID email owed, and the audit, in
 *    one transaction on the roster's version; a lost race repeats 2–4 (contact-change.ts).
 */
import type { ContactsStore } from '../adapters/contacts.ts';
import { AddContactRequest, decideAddContact } from '../core/contacts.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { type ContactChangeCommand, changeRoster, parseRequest } from './contact-change.ts';

export const addContact =
  (store: ContactsStore, random: (min: number, max: number) => number, links: NoticeLinks = DEFAULT_LINKS) =>
  (command: ContactChangeCommand) => {
    const request = parseRequest(AddContactRequest, command.request);
    return changeRoster(
      store,
      command,
      random,
      async (context, options) => decideAddContact(request, context, options),
      links,
    );
  };
