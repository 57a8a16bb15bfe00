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
  const ses = new SESv2Client({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  for (const t of EMAIL_TEMPLATES) {
    const TemplateName = templateName(options.templatePrefix, t.template, t.language);
    const TemplateContent = { Subject: t.subject, Text: t.text, Html: t.html };
    try {
      await ses.send(new CreateEmailTemplateCommand({ TemplateName, TemplateContent }));
    } catch {
      await ses.send(new UpdateEmailTemplateCommand({ TemplateName, TemplateContent }));
    }
  }
  ses.destroy();
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
