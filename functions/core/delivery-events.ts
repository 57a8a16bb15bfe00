/**
 * Delivery feedback from SES: a hard bounce or a complaint, published by the configuration
 * set to EventBridge, marks the address so that later emails to it are not attempted (a
 * notice to it is recorded UNDELIVERABLE with the reason), and the certificate read shows
 * licensing ops whom to ask for a correct address. A transient bounce marks nothing: SES
 * gave up on one message, the mailbox may accept the next. Pure.
 */
import * as z from './zod.ts';

/** Feedback that stops email to an address. */
export type Suppression = 'BOUNCED' | 'COMPLAINED';
export type DeliveryState = 'OK' | Suppression;

/** What is recorded about an address SES told us not to write to again. */
export interface AddressMark {
  /** The address as SES reported it (its key is case-insensitive, like every address here). */
  address: string;
  state: Suppression;
  /** When SES received the bounce or complaint (ISO time). */
  since: string;
  feedbackId: string;
  /** The message it answers (the SES message id SendNotice recorded on the notice). */
  messageId: string;
  /** `General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`…; for a complaint, its feedback type when the ISP gave one. */
  subType?: string;
}

const Recipient = z.looseObject({ emailAddress: z.string() });

/**
 * The EventBridge event SES publishes for a configuration set's event destination
 * (`source: aws.ses`, `detail-type: Email Bounced | Email Complaint Received`), `detail`
 * being SES's event record. Only what is decided on is required; the rest passes.
 */
export const SesDeliveryEvent = z.looseObject({
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  detail: z.looseObject({
    eventType: z.string(),
    mail: z.looseObject({
      messageId: z.string(),
      timestamp: z.string(),
      destination: z.array(z.string()),
    }),
    bounce: z.optional(
      z.looseObject({
        bounceType: z.string(),
        bounceSubType: z.optional(z.string()),
        bouncedRecipients: z.array(Recipient),
        timestamp: z.string(),
        feedbackId: z.string(),
      }),
    ),
    complaint: z.optional(
      z.looseObject({
        complainedRecipients: z.array(Recipient),
        timestamp: z.string(),
        feedbackId: z.string(),
        complaintFeedbackType: z.optional(z.string()),
      }),
    ),
  }),
});
export type SesDeliveryEvent = z.infer<typeof SesDeliveryEvent>;

/** The EventBridge detail types a rule routes here. */
export const DELIVERY_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

export class MalformedDeliveryEvent extends Error {
  override readonly name = 'MalformedDeliveryEvent';
}

/** `Name <a@b>` → `a@b`; SES reports recipients bare, but a display name must not make another address. */
const bareAddress = (value: string): string => /<([^<>]+)>\s*$/.exec(value)?.[1]?.trim() ?? value.trim();

/**
 * The addresses an event marks, or why it marks none. A record that is not an SES event
 * record at all is an error (retried, then parked in the dead-letter queue for operators),
 * never silently dropped.
 */
export function marksOf(event: unknown): { marks: AddressMark[]; ignored?: string } {
  const parsed = SesDeliveryEvent.safeParse(event);
  if (!parsed.success)
    throw new MalformedDeliveryEvent(
      `not an SES delivery event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const { detail } = parsed.data;
  const messageId = detail.mail.messageId;
  if (detail.eventType === 'Bounce') {
    if (!detail.bounce) throw new MalformedDeliveryEvent('a Bounce event without its bounce record');
    const { bounceType, bounceSubType, bouncedRecipients, timestamp, feedbackId } = detail.bounce;
    // Transient (mailbox full, too large, …) and Undetermined bounces: the address may work next time.
    if (bounceType !== 'Permanent') return { marks: [], ignored: `${bounceType} bounce` };
    return {
      marks: bouncedRecipients.map((r) => ({
        address: bareAddress(r.emailAddress),
        state: 'BOUNCED' as const,
        since: timestamp,
        feedbackId,
        messageId,
        ...(bounceSubType ? { subType: bounceSubType } : {}),
      })),
    };
  }
  if (detail.eventType === 'Complaint') {
    if (!detail.complaint) throw new MalformedDeliveryEvent('a Complaint event without its complaint record');
    const { complainedRecipients, timestamp, feedbackId, complaintFeedbackType } = detail.complaint;
    return {
      marks: complainedRecipients.map((r) => ({
        address: bareAddress(r.emailAddress),
        state: 'COMPLAINED' as const,
        since: timestamp,
        feedbackId,
        messageId,
        ...(complaintFeedbackType ? { subType: complaintFeedbackType } : {}),
      })),
    };
  }
  return { marks: [], ignored: `${detail.eventType} event` };
}

/** Why a notice to a marked address was not attempted: what its `failure` says to licensing ops. */
export function suppressionReason(mark: Pick<AddressMark, 'state' | 'since' | 'subType'>): string {
  const what =
    mark.state === 'BOUNCED'
      ? `hard bounce${mark.subType ? ` (${mark.subType})` : ''}`
      : `complaint${mark.subType ? ` (${mark.subType})` : ''}`;
  return `address suppressed: ${what} on ${mark.since.slice(0, 10)}; not attempted, licensing ops can correct the address`;
}

/** A contact's delivery state in a certificate read. */
export function deliveryView(mark: Pick<AddressMark, 'state' | 'since'> | undefined): {
  state: DeliveryState;
  since: string | null;
} {
  return mark ? { state: mark.state, since: mark.since } : { state: 'OK', since: null };
}
