/**
 * Every email template, in every language. CDK deploys them as SES templates and
 * the local stack loads them into local SES with CreateEmailTemplate (v2).
 */
import { contactIdIssued } from './contact-id-issued.ts';
import { lifecycleNotices } from './lifecycle.ts';
import { renewalReminder } from './renewal-reminder.ts';
import { upgradeAvailable } from './upgrade-available.ts';

export interface EmailTemplate {
  template: string;
  language: string;
  subject: string;
  text: string;
  html: string;
}

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = [
  ...contactIdIssued,
  ...renewalReminder,
  ...lifecycleNotices,
  ...upgradeAvailable,
];
