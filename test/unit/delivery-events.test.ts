/** Bounces and complaints: reading SES's EventBridge events, deciding what they mark, and what a read shows. */
import { describe, expect, it } from 'vitest';
import {
  deliveryView,
  MalformedDeliveryEvent,
  marksOf,
  suppressionReason,
} from '../../functions/core/delivery-events.ts';
import { EmailAddress } from '../../functions/core/identifiers.ts';
import { simulatedDeliveryEvent, simulatorFeedback } from '../../local/ses-events.ts';

const SENT = {
  to: 'bounce+a1@simulator.amazonses.com',
  from: 'support-licensing@vendor.example',
  messageId: 'local-message-1',
  configurationSet: 'Entitlements-test',
  tags: { notice: 'CONTACT_ID_ISSUED' },
  at: new Date('2026-11-27T10:00:00.000Z'),
};

/** SES's documented Bounce record, as EventBridge delivers it ("Email Bounced" on the default bus). */
const awsBounce = (bounceType: string, bounceSubType = 'General') => ({
  version: '0',
  id: 'c5f0b4a2-7bc1-4f4e-9e1f-8d1d0a2f6e11',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-11-27T10:00:02Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/Entitlements-prod'],
  detail: {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: [
        {
          emailAddress: 'recipient@example.com',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-11-27T10:00:01.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      reportingMTA: 'dsn; mta.example.com',
    },
    mail: {
      timestamp: '2026-11-27T10:00:00.012Z',
      source: 'Support <support-licensing@vendor.example>',
      sendingAccountId: '123456789012',
      messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      destination: ['recipient@example.com'],
      headersTruncated: false,
      tags: { 'ses:configuration-set': ['Entitlements-prod'], notice: ['RENEWAL_REMINDER'] },
    },
  },
});

describe('marksOf: what an SES event marks', () => {
  it('a hard (Permanent) bounce marks each bounced recipient BOUNCED, with when, the feedback id and subtype', () => {
    expect(marksOf(awsBounce('Permanent'))).toEqual({
      marks: [
        {
          address: 'recipient@example.com',
          state: 'BOUNCED',
          since: '2026-11-27T10:00:01.669Z',
          feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
          messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
          subType: 'General',
        },
      ],
    });
  });

  it.each(['Transient', 'Undetermined'])(
    'a %s bounce marks nothing: the mailbox may take the next email',
    (type) => {
      expect(marksOf(awsBounce(type, 'MailboxFull'))).toEqual({ marks: [], ignored: `${type} bounce` });
    },
  );

  it('a complaint marks each complaining recipient COMPLAINED', () => {
    const event = simulatedDeliveryEvent('COMPLAINT', { ...SENT, to: 'complaint@simulator.amazonses.com' });
    expect(marksOf(event).marks).toEqual([
      {
        address: 'complaint@simulator.amazonses.com',
        state: 'COMPLAINED',
        since: '2026-11-27T10:00:01.000Z',
        feedbackId: expect.any(String),
        messageId: 'local-message-1',
        subType: 'abuse',
      },
    ]);
  });

  it('a recipient written with a display name is its bare address', () => {
    const event = awsBounce('Permanent');
    event.detail.bounce.bouncedRecipients[0]!.emailAddress = 'Marie Curie <marie@acme.example>';
    expect(marksOf(event).marks[0]!.address).toBe('marie@acme.example');
  });

  it('another SES event type marks nothing', () => {
    const event = {
      ...awsBounce('Permanent'),
      detail: { ...awsBounce('Permanent').detail, eventType: 'Delivery' },
    };
    expect(marksOf(event)).toEqual({ marks: [], ignored: 'Delivery event' });
  });

  it.each([
    ['not from SES', { ...awsBounce('Permanent'), source: 'aws.s3' }],
    ['no mail record', { ...awsBounce('Permanent'), detail: { eventType: 'Bounce' } }],
    [
      'a Bounce without its bounce record',
      { ...awsBounce('Permanent'), detail: { ...awsBounce('Permanent').detail, bounce: undefined } },
    ],
    ['nothing at all', undefined],
  ])('an event it cannot read (%s) is an error, retried and then parked, never dropped', (_name, event) => {
    expect(() => marksOf(event)).toThrow(MalformedDeliveryEvent);
  });
});

describe('the local mailbox simulator', () => {
  it.each([
    ['bounce@simulator.amazonses.com', 'BOUNCE'],
    ['bounce+cert-1@simulator.amazonses.com', 'BOUNCE'],
    ['Complaint@Simulator.AmazonSES.com', 'COMPLAINT'],
    ['suppressionlist@simulator.amazonses.com', 'SUPPRESSED'],
    ['success@simulator.amazonses.com', null],
    ['ooto@simulator.amazonses.com', null],
    ['bounce@acme.example', null],
  ])('%s → %s', (address, feedback) => {
    expect(simulatorFeedback(address)).toBe(feedback);
  });

  it('builds the event SES publishes, which the handler reads as a hard bounce of that message', () => {
    const event = simulatedDeliveryEvent('BOUNCE', SENT);
    expect(event).toMatchObject({
      source: 'aws.ses',
      'detail-type': 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bounceSubType: 'General' },
        mail: {
          messageId: 'local-message-1',
          destination: [SENT.to],
          tags: { 'ses:configuration-set': ['Entitlements-test'], notice: ['CONTACT_ID_ISSUED'] },
        },
      },
    });
    expect(marksOf(event).marks).toMatchObject([
      { address: SENT.to, state: 'BOUNCED', messageId: 'local-message-1' },
    ]);
    // The same message's feedback has the same id however often it is built.
    expect(marksOf(simulatedDeliveryEvent('BOUNCE', SENT)).marks[0]!.feedbackId).toBe(
      marksOf(event).marks[0]!.feedbackId,
    );
  });

  it.each([
    'bounce@simulator.amazonses.com',
    'complaint@simulator.amazonses.com',
    'bounce+reg-42@simulator.amazonses.com',
  ])('%s is a valid contact email', (address) => {
    expect(EmailAddress.safeParse(address).success).toBe(true);
  });
});

describe('what ops read', () => {
  it('the reason a notice was not attempted names the feedback and its day', () => {
    expect(
      suppressionReason({ state: 'BOUNCED', since: '2026-11-27T10:00:01.669Z', subType: 'General' }),
    ).toBe(
      'address suppressed: hard bounce (General) on 2026-11-27; not attempted, licensing ops can correct the address',
    );
    expect(suppressionReason({ state: 'COMPLAINED', since: '2026-11-28T08:00:00Z' })).toBe(
      'address suppressed: complaint on 2026-11-28; not attempted, licensing ops can correct the address',
    );
  });

  it('a contact’s delivery state: OK without a mark, else the mark and since when', () => {
    expect(deliveryView(undefined)).toEqual({ state: 'OK', since: null });
    expect(deliveryView({ state: 'BOUNCED', since: '2026-11-27T10:00:01Z' })).toEqual({
      state: 'BOUNCED',
      since: '2026-11-27T10:00:01Z',
    });
  });
});
