/**
 * The deliver-notice Task: the real NoticeStore on a real table in DynamoDB Local, the real
 * Mailer over a mocked SES v2.
 */
import {
  AccountSuspendedException,
  InternalServiceErrorException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const env = await vi.hoisted(async () => {
  const { localTableEnvironment } = await import('../support/table.ts');
  const values = {
    ...localTableEnvironment(),
    SENDER_ADDRESS: 'licensing@entitlements.example',
    EMAIL_TEMPLATE_PREFIX: 'entitlements-test-',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  Object.assign(process.env, values);
  return values;
});

import { AddressStore } from '../../functions/adapters/addresses.ts';
import { Mailer } from '../../functions/adapters/mailer.ts';
import { NoticeStore } from '../../functions/adapters/notices.ts';
import { keys } from '../../functions/adapters/table-design.ts';
import type { Notice } from '../../functions/core/notices.ts';
import { handler, makeSendNotice } from '../../functions/send-notice/handler.ts';
import { documentClient, sesClient } from '../../functions/shared/aws.ts';
import { LocalTable, Sends } from '../support/table.ts';

const sesMock = mockClient(SESv2Client);
let table: LocalTable;
let sends: Sends;

const CONTACT_ID = '1234567897';
const noticeKey = keys.contact(CONTACT_ID);
const AT = new Date('2026-03-01T10:00:05.000Z');

function notice(overrides: Partial<Notice> = {}): Notice {
  return {
    id: `contact-id-${CONTACT_ID}`,
    kind: 'CONTACT_ID_ISSUED',
    template: 'ContactIdIssued',
    to: 'marie@acme.example',
    language: 'fr',
    data: { contactName: 'Marie Curie', contactId: CONTACT_ID, certificateNumber: '12345678-1234567' },
    status: 'PENDING',
    createdAt: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

/** The contact as registration left it: its notice PENDING, in the pending-notice index. */
const pendingContact = () => ({
  ...noticeKey,
  type: 'Contact',
  contactId: CONTACT_ID,
  email: 'marie@acme.example',
  notice: notice(),
  ...keys.pendingNotice(`contact-id-${CONTACT_ID}`, '2026-03-01T10:00:00.000Z'),
});

beforeAll(async () => {
  table = await LocalTable.create(env.TABLE_NAME);
});
beforeEach(async () => {
  await table.clear();
  await table.put(pendingContact());
  sends = new Sends(documentClient);
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
});
afterEach(() => {
  sesMock.reset();
});

const send = (
  config: ConstructorParameters<typeof Mailer>[1] = { from: 'from@x.example', templatePrefix: 'p-' },
) =>
  makeSendNotice(
    new NoticeStore(documentClient, env.TABLE_NAME),
    new Mailer(sesClient, config),
    addresses(),
    () => AT,
  );
const addresses = () => new AddressStore(documentClient, env.TABLE_NAME);
const emails = () => sesMock.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const stored = async () => (await table.item(noticeKey))!;
const storedNotice = async () => (await stored()).notice as Notice & { failedAt?: string };
/** Another delivery of the same notice marks it SENT while this one is sending. */
const sentMeanwhile = async () => {
  const contact = await stored();
  await table.put({
    ...contact,
    notice: {
      ...contact.notice,
      status: 'SENT',
      messageId: 'the-other-delivery',
      sentAt: '2026-03-01T10:00:04.000Z',
    },
  });
};

describe('send-notice: a PENDING notice', () => {
  it('sends the template in the recipient’s language, with JSON TemplateData, and marks it SENT', async () => {
    const out = await send()({ noticeKey });

    expect(out).toEqual({ status: 'SENT', messageId: 'ses-message-1' });
    expect(emails()).toEqual([
      {
        FromEmailAddress: 'from@x.example',
        Destination: { ToAddresses: ['marie@acme.example'] },
        Content: {
          Template: { TemplateName: 'p-ContactIdIssued-fr', TemplateData: expect.any(String) },
        },
        EmailTags: [{ Name: 'notice', Value: 'CONTACT_ID_ISSUED' }],
      },
    ]);
    // The values as they are (subject, text), and HTML-escaped under `html` (the HTML part).
    expect(JSON.parse(emails()[0]!.Content!.Template!.TemplateData!)).toEqual({
      ...notice().data,
      html: notice().data,
    });
    expect(await storedNotice()).toMatchObject({
      status: 'SENT',
      messageId: 'ses-message-1',
      sentAt: '2026-03-01T10:00:05.000Z',
    });
    // Sent: no longer owed, so out of the pending-notice index.
    expect(await stored()).not.toHaveProperty('GSI3PK');
    expect(await stored()).not.toHaveProperty('GSI3SK');
  });

  it.each(['en', 'fr', 'ru'] as const)('picks ContactIdIssued-%s', async (language) => {
    await table.put({ ...pendingContact(), notice: notice({ language }) });
    await send()({ noticeKey });
    expect(emails()[0]!.Content!.Template!.TemplateName).toBe(`p-ContactIdIssued-${language}`);
  });

  it('names the configuration set when there is one', async () => {
    await send({ from: 'f@x.example', templatePrefix: '', configurationSet: 'tracking' })({ noticeKey });
    expect(emails()[0]).toMatchObject({
      ConfigurationSetName: 'tracking',
      Content: { Template: { TemplateName: 'ContactIdIssued-fr' } },
    });
  });

  it('marks SENT only if still PENDING: a notice another delivery marked meanwhile keeps its marking', async () => {
    sesMock.on(SendEmailCommand).callsFake(async () => {
      await sentMeanwhile();
      return { MessageId: 'ses-message-1' };
    });
    await send()({ noticeKey });
    expect(sends.of(UpdateCommand)).toHaveLength(1);
    expect(await storedNotice()).toMatchObject({
      status: 'SENT',
      messageId: 'the-other-delivery',
      sentAt: '2026-03-01T10:00:04.000Z',
    });
  });

  it('reads the notice strongly consistent', async () => {
    await send()({ noticeKey });
    expect(sends.of(GetCommand)[0]).toMatchObject({
      TableName: env.TABLE_NAME,
      Key: noticeKey,
      ConsistentRead: true,
    });
  });

  it('still reports SENT when a concurrent delivery marked it first', async () => {
    sesMock.on(SendEmailCommand).callsFake(async () => {
      await sentMeanwhile();
      return { MessageId: 'ses-message-1' };
    });
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'SENT', messageId: 'ses-message-1' });
  });

  it('is wired as the module handler with SENDER_ADDRESS and EMAIL_TEMPLATE_PREFIX', async () => {
    await expect(handler({ noticeKey })).resolves.toEqual({ status: 'SENT', messageId: 'ses-message-1' });
    expect(emails()[0]).toMatchObject({
      FromEmailAddress: 'licensing@entitlements.example',
      Content: { Template: { TemplateName: 'entitlements-test-ContactIdIssued-fr' } },
    });
    expect(emails()[0]).not.toHaveProperty('ConfigurationSetName');
  });
});

describe('send-notice: nothing to send', () => {
  it('sends nothing when already SENT, and only takes it out of the pending index', async () => {
    const sent = { ...pendingContact(), notice: notice({ status: 'SENT', messageId: 'earlier' }) };
    await table.put(sent);
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'ALREADY_SENT', messageId: 'earlier' });
    expect(sesMock.calls()).toEqual([]);
    // The item is what it was, less its pending-index entry.
    const { GSI3PK, GSI3SK, ...rest } = sent;
    expect([GSI3PK, GSI3SK]).toEqual([expect.any(String), expect.any(String)]);
    expect(await stored()).toEqual(rest);
  });

  it('records a notice the workflow gave up on as UNDELIVERABLE, with its cause and time', async () => {
    await expect(
      send()({ noticeKey, gaveUp: { Error: 'States.Timeout', Cause: 'SES never answered' } }),
    ).resolves.toEqual({ status: 'UNDELIVERABLE' });
    expect(sesMock.calls()).toEqual([]);
    expect(await storedNotice()).toMatchObject({
      status: 'UNDELIVERABLE',
      failure: 'SES never answered',
      failedAt: AT.toISOString(),
    });
    expect(await stored()).not.toHaveProperty('GSI3PK');
  });

  it('does nothing when recorded UNDELIVERABLE', async () => {
    await table.put({ ...pendingContact(), notice: notice({ status: 'UNDELIVERABLE' }) });
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });
    expect(sesMock.calls()).toEqual([]);
  });

  it.each([
    ['no such item', keys.contact('1000000008')],
    ['an item without a notice', keys.certificate('12345678-1234567')],
  ])('reports MISSING for %s', async (_name, key) => {
    await table.put({ ...keys.certificate('12345678-1234567'), type: 'Certificate' });
    await expect(send()({ noticeKey: key })).resolves.toEqual({ status: 'MISSING' });
    expect(sesMock.calls()).toEqual([]);
  });
});

describe('send-notice: SES cannot send now', () => {
  it.each([
    [
      'throttling (TooManyRequestsException)',
      new TooManyRequestsException({
        message: 'Maximum sending rate exceeded.',
        $metadata: { httpStatusCode: 429 },
      }),
    ],
    [
      'a 5xx (InternalServiceErrorException)',
      new InternalServiceErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ],
    [
      'a 503 without a modeled error',
      Object.assign(new Error('Service Unavailable'), {
        name: 'ServiceUnavailable',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
      }),
    ],
    [
      'a network error',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8005'), { code: 'ECONNREFUSED' }),
    ],
    ['a timeout', Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' })],
  ])('throws NoticeDeliveryDeferred on %s and leaves the notice PENDING', async (_name, error) => {
    sesMock.on(SendEmailCommand).rejects(error);
    const delivery = send()({ noticeKey });
    await expect(delivery).rejects.toMatchObject({ name: 'NoticeDeliveryDeferred' });
    await expect(delivery).rejects.toThrow(error.message);
    // Untouched: still PENDING, still in the pending-notice index.
    expect(await stored()).toEqual(pendingContact());
    expect(sends.of(UpdateCommand)).toEqual([]);
  });

  it('sends on the retry after a deferral, once', async () => {
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'slow down', $metadata: {} }))
      .resolves({ MessageId: 'ses-message-2' });
    await expect(send()({ noticeKey })).rejects.toMatchObject({ name: 'NoticeDeliveryDeferred' });
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'SENT', messageId: 'ses-message-2' });
    await expect(send()({ noticeKey })).resolves.toEqual({
      status: 'ALREADY_SENT',
      messageId: 'ses-message-2',
    });
    expect(emails()).toHaveLength(2);
  });

  it('lets a storage failure through (not a deferral of the email)', async () => {
    sends.fail(GetCommand, Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    await expect(send()({ noticeKey })).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(sesMock.calls()).toEqual([]);
  });
});

describe('send-notice: SES will never send it', () => {
  it.each([
    [
      'MessageRejected',
      new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'AccountSuspendedException',
      new AccountSuspendedException({ message: 'suspended', $metadata: { httpStatusCode: 400 } }),
    ],
  ])('marks UNDELIVERABLE on %s, without retrying', async (name, error) => {
    sesMock.on(SendEmailCommand).rejects(error);

    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });

    expect(await storedNotice()).toMatchObject({
      status: 'UNDELIVERABLE',
      failure: expect.stringContaining(name),
      failedAt: '2026-03-01T10:00:05.000Z',
    });
    expect(await stored()).not.toHaveProperty('GSI3PK');
    expect(emails()).toHaveLength(1);
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });
    expect(emails()).toHaveLength(1);
  });
});

describe('send-notice: an address SES reported as bounced or complaining', () => {
  const bounce = {
    address: 'Marie@ACME.example',
    state: 'BOUNCED' as const,
    since: '2026-02-27T08:00:00.000Z',
    feedbackId: 'feedback-1',
    messageId: 'earlier-message',
    subType: 'General',
  };

  it('is not attempted: the notice is UNDELIVERABLE and says why, for licensing ops', async () => {
    await addresses().mark(bounce, '2026-02-27T08:00:01.000Z');

    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });

    expect(sesMock.calls()).toEqual([]);
    expect(await storedNotice()).toMatchObject({
      status: 'UNDELIVERABLE',
      failure:
        'address suppressed: hard bounce (General) on 2026-02-27; not attempted, licensing ops can correct the address',
      failedAt: AT.toISOString(),
    });
    // Settled: out of the pending index, so the re-driver leaves it alone.
    expect(await stored()).not.toHaveProperty('GSI3PK');
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });
    expect(sesMock.calls()).toEqual([]);
  });

  it('says so for a complaint', async () => {
    await addresses().mark(
      { ...bounce, state: 'COMPLAINED', subType: 'abuse', since: '2026-02-28T09:00:00.000Z' },
      '2026-02-28T09:00:01.000Z',
    );
    await send()({ noticeKey });
    expect((await storedNotice()).failure).toBe(
      'address suppressed: complaint (abuse) on 2026-02-28; not attempted, licensing ops can correct the address',
    );
    expect(sesMock.calls()).toEqual([]);
  });

  it('a renewal reminder digest is sent without reading the mark: its claim already left suppressed addresses out', async () => {
    await addresses().mark(bounce, '2026-02-27T08:00:01.000Z');
    const digestKey = keys.notice('reminders-2026-03-01-abc');
    await table.put({
      ...digestKey,
      type: 'Notice',
      notice: notice({
        id: 'reminders-2026-03-01-abc',
        kind: 'RENEWAL_REMINDER',
        template: 'RenewalReminder',
        data: { contactName: 'Marie Curie' },
      }),
    });
    const read: string[] = [];
    const counted = {
      get: (address: string) => {
        read.push(address);
        return addresses().get(address);
      },
    };
    const sendCounted = makeSendNotice(
      new NoticeStore(documentClient, env.TABLE_NAME),
      new Mailer(sesClient, { from: 'from@x.example', templatePrefix: 'p-' }),
      counted,
      () => AT,
    );

    await expect(sendCounted({ noticeKey: digestKey })).resolves.toEqual({
      status: 'SENT',
      messageId: 'ses-message-1',
    });
    expect(read).toEqual([]);
    // Every other kind still reads the mark as it sends.
    await expect(sendCounted({ noticeKey })).resolves.toEqual({ status: 'UNDELIVERABLE' });
    expect(read).toEqual(['marie@acme.example']);
    expect(emails()).toHaveLength(1);
  });

  it('another address is sent to as before', async () => {
    await addresses().mark({ ...bounce, address: 'pierre@acme.example' }, '2026-02-27T08:00:01.000Z');
    await expect(send()({ noticeKey })).resolves.toEqual({ status: 'SENT', messageId: 'ses-message-1' });
    expect(emails()).toHaveLength(1);
  });
});
