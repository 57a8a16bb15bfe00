/** PUT /certificates/{certificateNumber}/contacts/{contactId} — replace a contact: 200 {contactId} (new, emailed). */
import { contactChangeHandler } from './contact-change.ts';

export const handler = contactChangeHandler('REPLACE', 200);
