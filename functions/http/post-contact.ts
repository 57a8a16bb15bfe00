/** POST /certificates/{certificateNumber}/contacts — add a designated contact: 201 {contactId}, emailed. */
import { contactChangeHandler } from './contact-change.ts';

export const handler = contactChangeHandler('ADD', 201);
