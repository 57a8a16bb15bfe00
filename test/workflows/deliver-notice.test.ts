/**
 * statemachines/deliver-notice.asl.json on the local stack, with SendNotice bound to the
 * handler code: a recorded notice is sent once; SES throttling and outages are retried; a
 * notice SES never takes is recorded UNDELIVERABLE and the run fails, named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-design.ts';
import { FlakySes, registration, startTestStack, type TestStack } from '../support/stack.ts';
import { LocalTable } from '../support/table.ts';
import { executionsOf, pathOf, run } from '../support/workflows.ts';

const flaky = new FlakySes();
let stack: TestStack;
let table: LocalTable;
beforeAll(async () => {
  stack = await startTestStack({ sesEndpointForHandlers: (url) => flaky.start(url) });
  table = await LocalTable.create(stack.tableName, stack.dynamodbEndpoint);
});
/** The Contact ID email recorded on a contact. */
const noticeOf = async (contactId: string) => (await table.item(keys.contact(contactId)))?.notice;
afterAll(async () => {
  await stack?.stop();
  await flaky.stop();
});

let contacts = 0;
/** A contact whose Contact ID email is recorded PENDING and not yet delivered, as a writer that died left it. */
async function pendingNotice() {
  const contactId = `12345678${String(++contacts).padStart(2, '0')}`;
  const to = `pending-${contacts}-${process.pid}@acme.example`;
  const noticeKey = keys.contact(contactId);
  await table.put({
    ...noticeKey,
    type: 'Contact',
    contactId,
    email: to,
    notice: {
      id: `contact-id-${contactId}`,
      kind: 'CONTACT_ID_ISSUED',
      template: 'ContactIdIssued',
      to,
      language: 'en',
      data: { contactName: 'Marie Curie', contactId, certificateNumber: '12345678-1234567' },
      status: 'PENDING',
      createdAt: '2026-03-01T10:00:00.000Z',
    },
    ...keys.pendingNotice(`contact-id-${contactId}`, '2026-03-01T10:00:00.000Z'),
  });
  return { noticeKey, to };
}

describe('deliver-notice.asl.json', () => {
  it('sends a recorded notice in one state, marks it SENT and takes it out of the pending index', async () => {
    const { noticeKey, to } = await pendingNotice();
    const delivery = await run(stack, 'DeliverNotice', { noticeKey });
    expect(delivery.status).toBe('SUCCEEDED');
    expect(pathOf(delivery)).toEqual(['SendNotice']);
    expect(delivery.result).toEqual({ status: 'SENT', messageId: expect.any(String) });
    expect(await stack.emails(to)).toHaveLength(1);
    const stored = (await table.item(noticeKey))!;
    expect(stored.notice).toMatchObject({ status: 'SENT', messageId: delivery.result.messageId });
    expect(stored).not.toHaveProperty('GSI3PK');

    // Started again (under another name, as a re-drive for another day is): nothing more is sent.
    const again = await run(stack, 'DeliverNotice', { noticeKey });
    expect(again.result).toEqual({ status: 'ALREADY_SENT', messageId: delivery.result.messageId });
    expect(await stack.emails(to)).toHaveLength(1);
  });

  it('ends without sending when the item holds no notice', async () => {
    const delivery = await run(stack, 'DeliverNotice', { noticeKey: keys.contact('1000000008') });
    expect(delivery.status).toBe('SUCCEEDED');
    expect(pathOf(delivery)).toEqual(['SendNotice']);
    expect(delivery.result).toEqual({ status: 'MISSING' });
  });
});

describe('deliver-notice.asl.json when SES cannot send now', () => {
  it('retries through throttling and delivers exactly once', async () => {
    const request = registration();
    flaky.mode = 'throttle';
    flaky.failuresLeft = 4;
    const attemptsBefore = flaky.sendAttempts;
    const res = await stack.post('/registrations', request);
    expect(res.status).toBe(201);
    await stack.stepFunctions.idle();
    expect(flaky.sendAttempts - attemptsBefore).toBe(5);
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(1);
    expect((await noticeOf(res.body.contactId))?.status).toBe('SENT');
  });

  it('retries through an outage (503) and delivers exactly once when SES is back', async () => {
    const request = registration();
    flaky.mode = 'down';
    flaky.failuresLeft = 8;
    const res = await stack.post('/registrations', request);
    expect(res.status).toBe(201);
    await stack.stepFunctions.idle();
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(1);
    // A replay after delivery sends nothing more.
    expect((await stack.post('/registrations', request)).status).toBe(200);
    await stack.stepFunctions.idle();
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(1);
  });

  it('keeps the registration and marks the notice UNDELIVERABLE when SES stays down past every retry', async () => {
    const request = registration();
    flaky.mode = 'down';
    flaky.failuresLeft = 1000;
    const res = await stack.post('/registrations', request);
    expect(res.status).toBe(201);
    await stack.stepFunctions.idle();
    flaky.failuresLeft = 0;
    const [delivery] = executionsOf(stack, 'DeliverNotice', `contact-id-${res.body.contactId}`);
    expect(delivery).toMatchObject({ status: 'FAILED', error: 'NoticeUndelivered' });
    // Given up after the retries: recorded by the same function, then failed by name.
    expect(pathOf(delivery!)).toEqual(['SendNotice', 'RecordUndeliverable', 'Undelivered']);
    const notice = await noticeOf(res.body.contactId);
    expect(notice?.status).toBe('UNDELIVERABLE');
    expect(notice?.failure).toMatch(/ServiceUnavailable|503/);
    // One behaviour with NoticeStore.markUndeliverable: its time recorded, out of the pending index.
    expect(notice).toHaveProperty('failedAt');
    expect(await table.item(keys.contact(res.body.contactId))).not.toHaveProperty('GSI3PK');
    expect(
      (await stack.get(`/certificates/${request.certificateNumber}`)).body.contacts[0].contactIdEmail.status,
    ).toBe('UNDELIVERABLE');
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(0);
  });
});
