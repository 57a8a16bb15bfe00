/** POST /certificates/{certificateNumber}/contact-id/resend — 202: the primary contact gets the same Contact ID again. */
import { contactChangeHandler } from './contact-change.ts';

export const handler = contactChangeHandler('RESEND', 202);
