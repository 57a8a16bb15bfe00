/**
 * Replace a contact (PUT /certificates/{n}/contacts/{contactId}):
 * 1. parse the request (the new person, the replaced contact's products, the proofs);
 * 2. load the certificate named, the certificate holding its roster, its serials, and the
 *    contact being replaced;
 * 3. decide (core/contacts): the caller's proofs, the replaced contact's serials; a replace
 *    already made for the same person is ALREADY_REPLACED, with their Contact ID;
 * 4. commit the roster, the new contact with its Contact ID email owed, the replaced contact
 *    (kept, never verifying again) and the audit, in one transaction on the roster's
 *    version; a lost race repeats 2–4 (contact-change.ts).
 */
import type { ContactsStore } from '../adapters/contacts.ts';
import { decideReplaceContact, ReplaceContactRequest } from '../core/contacts.ts';
import { DEFAULT_LINKS, type NoticeLinks } from '../core/wording.ts';
import { type ContactChangeCommand, changeRoster, parseRequest } from './contact-change.ts';

export const replaceContact =
  (store: ContactsStore, random: (min: number, max: number) => number, links: NoticeLinks = DEFAULT_LINKS) =>
  (command: ContactChangeCommand) => {
    const request = parseRequest(ReplaceContactRequest, command.request);
    return changeRoster(
      store,
      command,
      random,
      async (context, options) => {
        const replaced = command.contactId ? await store.getContact(command.contactId) : null;
        return decideReplaceContact(request, context, replaced, options);
      },
      links,
    );
  };
