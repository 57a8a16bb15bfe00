/**
 * statemachines/change-contacts.asl.json on the local stack, started by its ARN as the
 * contact routes start it: the change is recorded by the Task, and a Contact ID email owed
 * is handed to deliver-notice under the notice's name; a refusal or a change already made
 * starts nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidContactId } from '../../functions/core/contact-id.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';
import { executionsOf, pathOf, run } from '../support/workflows.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

let requests = 0;
/** The workflow's input, as the contact routes build it. */
const change = (action: 'ADD' | 'REPLACE' | 'RESEND', certificateNumber: string, request: unknown = {}) => ({
  action,
  certificateNumber,
  request,
  requestId: `req-${++requests}`,
  receivedAt: stack.clock.now().toISOString(),
  actor: { subject: 'alice', role: 'licensing-ops' },
});

async function registered() {
  const body = registration();
  const res = await stack.post('/registrations', body);
  expect(res.status).toBe(201);
  await stack.stepFunctions.idle();
  return { body, primaryId: res.body.contactId as string };
}

/** What the caller proves they hold: the sales order and each product's identifiers. */
const proofs = (body: ReturnType<typeof registration>) => ({
  salesOrderNumber: body.salesOrderNumber,
  products: body.products.map((p) => ({
    serialNumber: p.serialNumber,
    supportIdentifier: p.supportIdentifier,
  })),
});

const designated = (n: number) => ({
  name: `Designated ${n}`,
  email: `designated-${n}-${process.pid}@customer.example`,
  phone: '+33 1 00 00 00 00',
  address: '2 avenue Y, Lyon',
  company: 'Acme SA',
  language: 'en',
});

describe('change-contacts.asl.json', () => {
  it('adds a contact, then starts the Contact ID delivery named after the notice; the same add again starts none', async () => {
    const { body } = await registered();
    const contact = designated(1);
    const request = { ...proofs(body), contact };
    const added = await run(stack, 'ChangeContacts', change('ADD', body.certificateNumber, request));
    expect(added.status).toBe('SUCCEEDED');
    expect(pathOf(added)).toEqual([
      'RecordContactChange',
      'ContactIdEmailOwed?',
      'StartContactIdDelivery',
      'Recorded',
    ]);
    expect(added.result).toMatchObject({ outcome: 'ADDED', delivery: { executionName: expect.any(String) } });
    const { contactId, delivery } = added.result;
    expect(isValidContactId(contactId)).toBe(true);
    const [sent] = executionsOf(stack, 'DeliverNotice', delivery.executionName);
    expect(sent).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(sent!.output!)).toMatchObject({ status: 'SENT' });
    const emails = await stack.emails(contact.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toContain(contactId);

    // The same person added again: the Contact ID they have, nothing owed, nothing started.
    const again = await run(stack, 'ChangeContacts', change('ADD', body.certificateNumber, request));
    expect(pathOf(again)).toEqual(['RecordContactChange', 'ContactIdEmailOwed?', 'Recorded']);
    expect(again.result).toEqual({ outcome: 'ALREADY_ADDED', contactId });
    expect(await stack.emails(contact.email)).toHaveLength(1);
  });

  it('resends the primary contact’s Contact ID through a delivery of its own', async () => {
    const { body, primaryId } = await registered();
    const resent = await run(stack, 'ChangeContacts', change('RESEND', body.certificateNumber, proofs(body)));
    expect(pathOf(resent)).toEqual([
      'RecordContactChange',
      'ContactIdEmailOwed?',
      'StartContactIdDelivery',
      'Recorded',
    ]);
    expect(resent.result).toMatchObject({ outcome: 'RESENT', contactId: primaryId });
    expect(executionsOf(stack, 'DeliverNotice', resent.result.delivery.executionName)).toHaveLength(1);
    const emails = await stack.emails(body.primaryContact.email);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain(primaryId);
  });

  it('resends a designated contact’s own Contact ID when the request names it', async () => {
    const { body } = await registered();
    const contact = designated(2);
    const added = await run(
      stack,
      'ChangeContacts',
      change('ADD', body.certificateNumber, { ...proofs(body), contact }),
    );
    const { contactId } = added.result;
    const resent = await run(
      stack,
      'ChangeContacts',
      change('RESEND', body.certificateNumber, { ...proofs(body), contactId }),
    );
    expect(resent.result).toMatchObject({ outcome: 'RESENT', contactId });
    expect(executionsOf(stack, 'DeliverNotice', resent.result.delivery.executionName)).toHaveLength(1);
    const emails = await stack.emails(contact.email);
    expect(emails).toHaveLength(2);
    expect(emails.map((e) => e.body.text?.includes(contactId))).toEqual([true, true]);
    expect(await stack.emails(body.primaryContact.email)).toHaveLength(1);
  });

  it('answers a refusal as data, recording and starting nothing', async () => {
    const { body } = await registered();
    const before = {
      items: (await stack.items()).length,
      deliveries: stack.stepFunctions.list('DeliverNotice').length,
    };
    // Proofs of a registered certificate, asked of one that is not.
    const refused = await run(stack, 'ChangeContacts', change('RESEND', '99999999-9999999', proofs(body)));
    expect(refused.status).toBe('SUCCEEDED');
    expect(pathOf(refused)).toEqual(['RecordContactChange', 'ContactIdEmailOwed?', 'Recorded']);
    expect(refused.result).toMatchObject({ outcome: 'REFUSED', problem: { status: 404 } });
    expect((await stack.items()).length).toBe(before.items);
    expect(stack.stepFunctions.list('DeliverNotice')).toHaveLength(before.deliveries);
  });
});
