/**
 * The SES mailbox simulator, locally. On AWS, mail to `bounce@simulator.amazonses.com` comes
 * back as a hard bounce and mail to `complaint@simulator.amazonses.com` as a complaint, which
 * the configuration set publishes to EventBridge and the rule hands to RecordDeliveryEvent.
 * `aws-ses-v2-local` accepts both like any address, so a small proxy sits between the
 * handlers and it: each SendEmail it passes on that SES accepts, to a simulator address
 * (`+label` allowed, as SES allows), becomes the EventBridge event SES would publish, given
 * to the same handler. It is recorded before the send answers, so a workflow that has
 * settled (`stepFunctions.idle()`) has its bounces recorded too; on AWS it comes moments later.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { logger } from '../functions/shared/logger.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';

export type SimulatedFeedback = 'BOUNCE' | 'COMPLAINT' | 'SUPPRESSED';

/** What SES's mailbox simulator answers mail to this address with, if anything (`ooto@`, `success@`: nothing to record). */
export function simulatorFeedback(address: string): SimulatedFeedback | null {
  const m = /^([a-z]+)(?:\+[^@]*)?@simulator\.amazonses\.com$/i.exec(address.trim());
  const mailbox = m?.[1]?.toLowerCase();
  if (mailbox === 'bounce') return 'BOUNCE';
  if (mailbox === 'complaint') return 'COMPLAINT';
  if (mailbox === 'suppressionlist') return 'SUPPRESSED';
  return null;
}

export interface SentEmail {
  to: string;
  from: string;
  messageId: string;
  configurationSet?: string | undefined;
  tags?: Record<string, string>;
  /** When SES accepted it (the local clock's time). */
  at: Date;
}

/**
 * The EventBridge event SES publishes for the configuration set's event destination:
 * `detail` is SES's event record (eventType, bounce or complaint, mail), as documented for
 * "Email Bounced" and "Email Complaint Received" on the default bus.
 */
export function simulatedDeliveryEvent(kind: SimulatedFeedback, sent: SentEmail) {
  const sentAt = sent.at.toISOString();
  // The feedback arrives a moment after the send.
  const at = new Date(sent.at.getTime() + 1000).toISOString();
  const feedbackId = `${createHash('sha256').update(`${kind}:${sent.messageId}`).digest('hex').slice(0, 40)}-000000`;
  const configurationSet = sent.configurationSet ?? 'Entitlements-local';
  const bounced = kind !== 'COMPLAINT';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': bounced ? 'Email Bounced' : 'Email Complaint Received',
    source: 'aws.ses',
    account: LOCAL_ACCOUNT,
    time: at,
    region: LOCAL_REGION,
    resources: [`arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:configuration-set/${configurationSet}`],
    detail: {
      eventType: bounced ? 'Bounce' : 'Complaint',
      ...(bounced
        ? {
            bounce: {
              bounceType: 'Permanent',
              bounceSubType: kind === 'SUPPRESSED' ? 'OnAccountSuppressionList' : 'General',
              bouncedRecipients: [
                {
                  emailAddress: sent.to,
                  action: 'failed',
                  status: '5.1.1',
                  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
                },
              ],
              timestamp: at,
              feedbackId,
              reportingMTA: 'dns; simulator.amazonses.com',
            },
          }
        : {
            complaint: {
              complainedRecipients: [{ emailAddress: sent.to }],
              timestamp: at,
              feedbackId,
              userAgent: 'Amazon SES Mailbox Simulator',
              complaintFeedbackType: 'abuse',
              arrivalDate: at,
            },
          }),
      mail: {
        timestamp: sentAt,
        source: sent.from,
        sourceArn: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${sent.from.slice(sent.from.lastIndexOf('@') + 1)}`,
        sendingAccountId: LOCAL_ACCOUNT,
        messageId: sent.messageId,
        destination: [sent.to],
        headersTruncated: false,
        tags: {
          'ses:operation': ['SendEmail'],
          'ses:configuration-set': [configurationSet],
          ...Object.fromEntries(Object.entries(sent.tags ?? {}).map(([k, v]) => [k, [v]])),
        },
      },
    },
  };
}

export interface SesEventsOptions {
  /** The local SES the proxy passes every request on to. */
  target: string;
  now: () => Date;
  /** RecordDeliveryEvent, as EventBridge would invoke it. */
  record: (event: unknown) => Promise<unknown>;
}

export interface RunningSesEvents {
  /** What the handlers use as their SES endpoint. */
  url: string;
  stop(): Promise<void>;
}

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  ConfigurationSetName?: string;
  EmailTags?: Array<{ Name: string; Value: string }>;
}

export async function startSesEvents(options: SesEventsOptions): Promise<RunningSesEvents> {
  // Bodies stay bytes end to end: the SDK signed and sized them.
  const server = createServer((req, res) => {
    const received: Buffer[] = [];
    req.on('data', (c: Buffer) => received.push(c));
    req.on('end', () => {
      const body = Buffer.concat(received);
      const upstream = httpRequest(
        new URL(req.url ?? '/', options.target),
        { method: req.method, headers: req.headers },
        (answer: IncomingMessage) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', async () => {
            const payload = Buffer.concat(chunks);
            const status = answer.statusCode ?? 502;
            if (req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails') && status === 200)
              await feedbackFor(body.toString('utf8'), payload.toString('utf8'), options);
            res.writeHead(status, answer.headers);
            res.end(payload);
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: error.message }));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: () => close(server),
  };
}

/** The feedback SES would publish for an accepted send to simulator addresses, recorded by the handler. */
async function feedbackFor(
  requestBody: string,
  answerBody: string,
  options: SesEventsOptions,
): Promise<void> {
  try {
    const sent = JSON.parse(requestBody) as SendEmailBody;
    const { MessageId } = JSON.parse(answerBody) as { MessageId?: string };
    for (const to of sent.Destination?.ToAddresses ?? []) {
      const kind = simulatorFeedback(to);
      if (!kind) continue;
      const event = simulatedDeliveryEvent(kind, {
        to,
        from: sent.FromEmailAddress ?? 'unknown@local',
        messageId: MessageId ?? randomUUID(),
        configurationSet: sent.ConfigurationSetName,
        tags: Object.fromEntries((sent.EmailTags ?? []).map((t) => [t.Name, t.Value])),
        at: options.now(),
      });
      await options.record(event);
    }
  } catch (error) {
    // On AWS, EventBridge retries and then parks the event; here the failure is shown and the send stands.
    logger.error('local SES feedback not recorded', { error: (error as Error).message });
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
