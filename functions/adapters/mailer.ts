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
              TemplateData: JSON.stringify(email.data),
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
