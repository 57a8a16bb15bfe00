/**
 * SES v2 mailer: sends a stored template in the recipient's language. It tells
 * failures that will pass (throttling, outage) from those that will not (a rejected
 * address), because the first are retried by the workflow and the second are recorded.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export interface TemplatedEmail {
  to: string;
  template: string;
  language: string;
  data: Record<string, unknown>;
  tags?: Record<string, string>;
  /** Message headers SES adds (e.g. RFC 8058 List-Unsubscribe); none by default. */
  headers?: Record<string, string>;
}

export class TransientMailFailure extends Error {
  override readonly name = 'TransientMailFailure';
}
export class PermanentMailFailure extends Error {
  override readonly name = 'PermanentMailFailure';
}

const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'AccountSuspendedException',
]);

export interface MailerConfig {
  from: string;
  templatePrefix: string;
  configurationSet?: string;
}

export const templateName = (prefix: string, template: string, language: string) =>
  `${prefix}${template}-${language}`;

/** `&`, `<`, `>`, quotes, backtick and `=` as entities: what Handlebars' `{{x}}` would escape. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
export const escapeHtml = (value: string): string => value.replace(/[&<>"'`=]/g, (c) => ENTITIES[c]!);

/** A copy of template data with every string, however deep (lists, their items), HTML-escaped. */
export function escapedCopy(value: unknown): unknown {
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) return value.map(escapedCopy);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapedCopy(v)]));
  return value;
}

/**
 * What SES renders a template with. SES does not HTML-escape `{{x}}` in the HTML part
 * (nor does local SES), and one TemplateData serves subject, text and HTML: so the values
 * go as they are, for the subject and the text, and again under `html`, every string
 * HTML-escaped, for the HTML part, which reads only those (`{{html.contactName}}`,
 * `{{#each html.products}}`: see templates/email/index.ts). `html` is reserved.
 */
export function templateData(data: Record<string, unknown>): Record<string, unknown> {
  const { html: _reserved, ...values } = data;
  return { ...values, html: escapedCopy(values) };
}

export class Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly config: MailerConfig,
  ) {}

  async send(email: TemplatedEmail): Promise<{ messageId: string }> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.config.from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Template: {
              TemplateName: templateName(this.config.templatePrefix, email.template, email.language),
              TemplateData: JSON.stringify(templateData(email.data)),
              ...(email.headers && Object.keys(email.headers).length
                ? { Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
          ...(this.config.configurationSet ? { ConfigurationSetName: this.config.configurationSet } : {}),
          EmailTags: Object.entries(email.tags ?? {}).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      return { messageId: out.MessageId ?? 'unknown' };
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const message = `${name}: ${(error as Error).message}`;
      if (PERMANENT.has(name)) throw new PermanentMailFailure(message, { cause: error });
      throw new TransientMailFailure(message, { cause: error });
    }
  }
}
