/**
 * POST /certificates/{certificateNumber}/contact-id/resend — 202: the primary contact, or the
 * active contact the body's `contactId` names, gets the same Contact ID again.
 */
import { contactChangeHandler } from './contact-change.ts';

export const handler = contactChangeHandler('RESEND', 202);
