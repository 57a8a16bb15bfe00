/**
 * Bounces and complaints end to end on the local stack: the SES mailbox simulator's
 * addresses bounce and complain as on AWS (local/ses-events.ts builds the EventBridge event
 * SES publishes, and RecordDeliveryEvent records it), the address is marked, the certificate
 * shows it, and later emails to it are not attempted but recorded with their reason.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { simulatedDeliveryEvent } from '../../local/ses-events.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
/** RecordDeliveryEvent, as EventBridge invokes it (imported once the stack has set its environment). */
let recordDeliveryEvent: (event: unknown) => Promise<{ marked: number; alreadyMarked: number }>;
beforeAll(async () => {
  stack = await startTestStack();
  ({ handler: recordDeliveryEvent } = await import('../../functions/record-delivery-event/handler.ts'));
});
afterAll(() => stack?.stop());

const settle = () => stack.stepFunctions.idle();
/** A simulator address of its own (SES allows a `+label`), so tests do not share a mark. */
const simulator = (mailbox: 'bounce' | 'complaint') =>
  `${mailbox}+${randomUUID().slice(0, 8)}@simulator.amazonses.com`;

async function registeredWith(email: string) {
  const base = registration();
  const body = { ...base, primaryContact: { ...base.primaryContact, email } };
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string };
}

const certificate = async (n: string) => (await stack.get(`/certificates/${n}`)).body;
const addressItems = async () => (await stack.items()).filter((i) => String(i.PK?.S).startsWith('ADDRESS#'));
const resend = (body: ReturnType<typeof registration>) =>
  stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
    salesOrderNumber: body.salesOrderNumber,
    products: body.products.map((p) => ({
      serialNumber: p.serialNumber,
      supportIdentifier: p.supportIdentifier,
    })),
  });

describe.each([
  ['bounce', 'BOUNCED', /^address suppressed: hard bounce \(General\) on \d{4}-\d{2}-\d{2}; /],
  ['complaint', 'COMPLAINED', /^address suppressed: complaint \(abuse\) on \d{4}-\d{2}-\d{2}; /],
] as const)('the primary contact is %s@simulator.amazonses.com', (mailbox, state, reason) => {
  it(`the Contact ID email is attempted once, the address is ${state}, and a later email is not attempted but says why`, async () => {
    const to = simulator(mailbox);
    const before = (await addressItems()).length;
    const { body, contactId } = await registeredWith(to);

    // Attempted once: SES took it (the simulator then answered with its feedback).
    expect(await stack.emails(to)).toHaveLength(1);
    const items = await addressItems();
    expect(items).toHaveLength(before + 1);
    // What SES said, and about which message; not the address (its contacts hold it).
    const sent = (await stack.emails(to))[0]!;
    const mark = items.find((i) => i.messageId?.S === sent.messageId);
    expect(mark).toMatchObject({
      state: { S: state },
      feedbackId: { S: expect.any(String) },
      subType: { S: mailbox === 'bounce' ? 'General' : 'abuse' },
    });
    expect(JSON.stringify(mark)).not.toContain(to);

    // The certificate shows the contact's delivery state, for licensing ops to ask for a correct address.
    const [contact] = (await certificate(body.certificateNumber)).contacts;
    expect(contact).toMatchObject({
      contactId,
      contactIdEmail: { status: 'SENT' },
      delivery: { state, since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
    });
    // Licensing ops read the address whole (to ask for a correct one); a support engineer never does.
    expect(contact.email).toBe(to);
    const masked = await stack.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(JSON.stringify(masked.body)).not.toContain(to);

    // A resend is owed (202) and recorded, but not attempted: nothing lost, the notice says why.
    const res = await resend(body);
    expect(res.status).toBe(202);
    await settle();
    expect(await stack.emails(to)).toHaveLength(1);
    const after = (await certificate(body.certificateNumber)).contacts[0];
    expect(after.contactIdEmail).toEqual({
      status: 'UNDELIVERABLE',
      sentAt: null,
      failure: expect.stringMatching(reason),
    });
    expect(after.contactIdEmail.failure).toContain('licensing ops can correct the address');
    expect(after.delivery.state).toBe(state);
  });
});

describe('delivery states', () => {
  it('a contact whose address took the email is OK', async () => {
    const { body } = await registeredWith(`ok-${randomUUID().slice(0, 8)}@acme.example`);
    expect((await certificate(body.certificateNumber)).contacts[0].delivery).toEqual({
      state: 'OK',
      since: null,
    });
  });

  it('a later bounce of an address already marked keeps the first mark', async () => {
    const to = simulator('bounce');
    const { body } = await registeredWith(to);
    const [contact] = (await certificate(body.certificateNumber)).contacts;
    const before = await addressItems();
    const later = simulatedDeliveryEvent('BOUNCE', {
      to,
      from: 'support-licensing@vendor.example',
      messageId: 'a-later-message',
      at: new Date(stack.clock.now().getTime() + 86_400_000),
    });

    expect(await recordDeliveryEvent(later)).toEqual({ marked: 0, alreadyMarked: 1 });
    expect(await addressItems()).toEqual(before);
    expect((await certificate(body.certificateNumber)).contacts[0].delivery).toEqual(contact.delivery);
  });

  it('the same event twice: the first marks the address, the second changes nothing', async () => {
    const to = `someone-${randomUUID().slice(0, 8)}@acme.example`;
    const { body } = await registeredWith(to);
    const event = simulatedDeliveryEvent('BOUNCE', {
      to: to.toUpperCase(),
      from: 'support-licensing@vendor.example',
      messageId: 'm-1',
      at: new Date('2026-11-27T10:00:00Z'),
    });
    expect(await recordDeliveryEvent(event)).toEqual({ marked: 1, alreadyMarked: 0 });
    const once = await addressItems();
    expect(await recordDeliveryEvent(event)).toEqual({ marked: 0, alreadyMarked: 1 });
    expect(await addressItems()).toEqual(once);
    // The address's case does not make another address.
    expect((await certificate(body.certificateNumber)).contacts[0].delivery).toEqual({
      state: 'BOUNCED',
      since: '2026-11-27T10:00:01.000Z',
    });
  });

  it('a transient bounce changes nothing: the next email is attempted', async () => {
    const to = `full-mailbox-${randomUUID().slice(0, 8)}@acme.example`;
    const { body } = await registeredWith(to);
    const permanent = simulatedDeliveryEvent('BOUNCE', {
      to,
      from: 'support-licensing@vendor.example',
      messageId: 'm-transient',
      at: stack.clock.now(),
    });
    const { bounce } = permanent.detail as { bounce: Record<string, unknown> };
    const event = {
      ...permanent,
      detail: {
        ...permanent.detail,
        bounce: { ...bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' },
      },
    };
    const before = await addressItems();

    expect(await recordDeliveryEvent(event)).toMatchObject({ marked: 0, ignored: 'Transient bounce' });
    expect(await addressItems()).toEqual(before);
    expect((await certificate(body.certificateNumber)).contacts[0].delivery.state).toBe('OK');
    expect((await resend(body)).status).toBe(202);
    await settle();
    expect(await stack.emails(to)).toHaveLength(2);
  });

  it('a replacement contact, at another address, starts clean and gets its email', async () => {
    const { body, contactId } = await registeredWith(simulator('bounce'));
    const fresh = `fixed-${randomUUID().slice(0, 8)}@acme.example`;
    const res = await stack.put(`/certificates/${body.certificateNumber}/contacts/${contactId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: {
        name: 'Marie Curie',
        email: fresh,
        phone: '+33 6 00 00 00 00',
        address: '1 rue X, Paris',
        company: 'Acme SA',
        language: 'fr',
      },
    });
    expect(res.status).toBe(200);
    await settle();
    expect(await stack.emails(fresh)).toHaveLength(1);
    const contacts = (await certificate(body.certificateNumber)).contacts;
    expect(contacts.find((c: any) => c.contactId === contactId).delivery.state).toBe('BOUNCED');
    expect(contacts.find((c: any) => c.contactId === res.body.contactId).delivery).toEqual({
      state: 'OK',
      since: null,
    });
  });
});

describe('a renewal reminder to a marked address', () => {
  it('is left out at the claim: no digest for it, the other contact is reminded; a certificate with no one else is UNREACHABLE', async () => {
    const end = addDays(dayOf(stack.clock.now()), 95);
    const term = { start: addDays(end, -364), end };
    // A certificate whose primary contact bounces, with a second contact at a working address.
    const bounced = simulator('bounce');
    const base = registration({ term });
    const shared = { ...base, primaryContact: { ...base.primaryContact, email: bounced } };
    expect((await stack.post('/registrations', shared)).status).toBe(201);
    await settle();
    const colleague = `colleague-${randomUUID().slice(0, 8)}@acme.example`;
    const added = await stack.post(`/certificates/${shared.certificateNumber}/contacts`, {
      salesOrderNumber: shared.salesOrderNumber,
      products: shared.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
      contact: {
        name: 'Pierre Curie',
        email: colleague,
        phone: '+33 6 11 11 11 11',
        address: '1 rue X, Paris',
        company: 'Acme SA',
        language: 'en',
      },
    });
    expect(added.status).toBe(201);
    // A certificate whose only contact complained.
    const complained = simulator('complaint');
    const lone = registration({ term });
    const alone = { ...lone, primaryContact: { ...lone.primaryContact, email: complained } };
    expect((await stack.post('/registrations', alone)).status).toBe(201);
    await settle();

    // The bounce put the address's hash on the roster (not the address), and adding a contact kept it.
    const rosterOf = async (n: string) =>
      (await stack.items()).find((i) => i.PK?.S === `CERT#${n}` && i.SK?.S === 'CERTIFICATE');
    const item = await rosterOf(shared.certificateNumber);
    expect(item?.suppressedAddresses?.SS).toHaveLength(1);
    expect(JSON.stringify(item?.suppressedAddresses)).not.toContain(bounced);
    expect((await rosterOf(alone.certificateNumber))?.suppressedAddresses?.SS).toHaveLength(1);

    const day = addDays(end, -90);
    expect((await stack.post('/_local/clock', { now: `${day}T12:00:00Z` })).status).toBe(200);
    await settle();

    // The colleague got the 90-day reminder; the marked addresses only ever got their Contact ID email.
    expect((await stack.emails(colleague)).filter((e) => /Renewal reminder/.test(e.subject))).toHaveLength(1);
    expect(await stack.emails(bounced)).toHaveLength(1);
    expect(await stack.emails(complained)).toHaveLength(1);
    const items = await stack.items();
    // No digest for a marked address: nothing to record UNDELIVERABLE, nothing read at send.
    const digests = items.filter((i) => String(i.PK?.S).startsWith('NOTICE#reminders-'));
    expect(digests.filter((i) => [bounced, complained].includes(String(i.notice?.M?.to?.S)))).toEqual([]);
    expect(digests.find((i) => i.notice?.M?.to?.S === colleague)?.notice?.M?.status?.S).toBe('SENT');
    const ledger = (n: string) =>
      items.find((i) => i.PK?.S === `CERT#${n}` && i.SK?.S === `REMINDER#${end}#90`)?.status?.S;
    expect(ledger(shared.certificateNumber)).toBe('SENT');
    // Claimed once, as no one could be told, and not tried again.
    expect(ledger(alone.certificateNumber)).toBe('UNREACHABLE');
  });

  it('a later bounce of an address already on the roster changes nothing there', async () => {
    const to = simulator('bounce');
    const { body } = await registeredWith(to);
    const roster = async () =>
      (await stack.items()).find(
        (i) => i.PK?.S === `CERT#${body.certificateNumber}` && i.SK?.S === 'CERTIFICATE',
      );
    const before = await roster();
    expect(before?.suppressedAddresses?.SS).toHaveLength(1);
    const again = simulatedDeliveryEvent('BOUNCE', {
      to: to.toUpperCase(),
      from: 'support-licensing@vendor.example',
      messageId: 'another-message',
      at: stack.clock.now(),
    });
    expect(await recordDeliveryEvent(again)).toEqual({ marked: 0, alreadyMarked: 1 });
    expect(await roster()).toEqual(before);
  });
});
