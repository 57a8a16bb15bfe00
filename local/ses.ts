/**
 * Local SES v2 (`aws-ses-v2-local`): a mailbox at /store and a viewer at /.
 * Our email templates are loaded into it with the v2 API, as CDK deploys them to SES.
 */
import type { Server } from 'node:http';
import { CreateEmailTemplateCommand, SESv2Client, UpdateEmailTemplateCommand } from '@aws-sdk/client-sesv2';
import sesLocal from 'aws-ses-v2-local';
import { templateName } from '../functions/adapters/mailer.ts';
import { EMAIL_TEMPLATES } from '../templates/email/index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb.ts';
import { assertPortFree } from './ports.ts';

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;
// The package is CommonJS with `exports.default`; ESM sees it one level down.
const startSesServer: StartServer =
  (sesLocal as unknown as { default?: StartServer }).default ?? (sesLocal as unknown as StartServer);

export interface RunningSes {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalSes(options: { port: number; templatePrefix: string }): Promise<RunningSes> {
  await assertPortFree(options.port, 'local SES', 'SES_PORT');
  const server = await startSesServer({ host: '127.0.0.1', port: options.port });
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  await loadEmailTemplates(url, options.templatePrefix);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * A local SES already running elsewhere (e.g. in a test process, so that its mailbox
 * outlives the stack): our templates are loaded into it; stopping leaves it running.
 */
export async function useLocalSes(url: string, templatePrefix: string): Promise<RunningSes> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await loadEmailTemplates(url, templatePrefix);
      break;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`local SES at ${url} (SES_ENDPOINT) did not answer: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url: url.replace(/\/+$/, ''), stop: async () => undefined };
}

/** Creates (or updates) every email template, as CDK deploys them to SES. */
export async function loadEmailTemplates(url: string, templatePrefix: string): Promise<void> {
  const ses = new SESv2Client({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    for (const t of EMAIL_TEMPLATES) {
      const TemplateName = templateName(templatePrefix, t.template, t.language);
      const TemplateContent = { Subject: t.subject, Text: t.text, Html: t.html };
      try {
        await ses.send(new CreateEmailTemplateCommand({ TemplateName, TemplateContent }));
      } catch {
        // Already there (the local SES answers 400 without an error type the SDK names): update it.
        await ses.send(new UpdateEmailTemplateCommand({ TemplateName, TemplateContent }));
      }
    }
  } finally {
    ses.destroy();
  }
}
