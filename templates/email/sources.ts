/**
 * Every email, in every language, before its HTML is compiled: the MJML bodies and the
 * subject and text parts. `npm run emails:build` compiles the MJML into generated/.
 */
import { contactIdIssued, designatedContactIdIssued } from './contact-id-issued.ts';
import { lifecycleNotices } from './lifecycle.ts';
import type { EmailSource } from './mjml/layout.ts';
import { renewalReminder } from './renewal-reminder.ts';
import { upgradeAvailable } from './upgrade-available.ts';

export type { EmailSource };

export const EMAIL_SOURCES: readonly EmailSource[] = [
  ...contactIdIssued,
  ...designatedContactIdIssued,
  ...renewalReminder,
  ...lifecycleNotices,
  ...upgradeAvailable,
];

/** Where a template's compiled HTML is kept (committed), under templates/email/generated/. */
export const generatedFileName = (t: Pick<EmailSource, 'template' | 'language'>) =>
  `${t.template}-${t.language}.html`;

export const GENERATED_DIR = new URL('./generated/', import.meta.url);
