/**
 * The notice re-driver on the local stack: a notice recorded PENDING whose delivery was
 * never started (the writer stopped right after its transaction) is delivered once by the
 * next run; a stale index entry of a notice that went is cleared without a second email.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-design.ts';
import { addDays } from '../../functions/core/calendar.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { clockOf } from '../support/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let s: TestStack;
type Handler = (input: unknown) => Promise<any>;
let recordRegistration: Handler;
beforeAll(async () => {
  s = await startTestStack();
  // Handler modules read their environment when imported, after the stack has set it.
  ({ handler: recordRegistration } = (await import('../../functions/record-registration/handler.ts')) as {
    handler: Handler;
  });
});
afterAll(async () => s?.stop());
const clock = clockOf(() => s);

const db = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: s.dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
  );
const item = async (key: { PK: string; SK: string }) =>
  (await db().send(new GetCommand({ TableName: s.tableName, Key: key, ConsistentRead: true }))).Item;

describe('the notice re-driver', () => {
  it('delivers, once, a Contact ID email whose writer stopped before starting its delivery', async () => {
    const body = registration();
    // The Task recorded the registration and its notice; the workflow died before StartContactIdDelivery.
    const out = await recordRegistration({
      request: body,
      requestId: 'crashed-request',
      receivedAt: s.clock.now().toISOString(),
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    expect(out.outcome).toBe('CREATED');
    const contactKey = keys.contact(out.contactId);
    expect(await item(contactKey)).toMatchObject({
      notice: { status: 'PENDING' },
      GSI3PK: expect.any(String),
    });
    await s.stepFunctions.idle();
    expect(await s.emails(body.primaryContact.email)).toHaveLength(0);

    await clock.moveTo(addDays(clock.today(), 1)); // the re-driver runs
    const emails = await s.emails(body.primaryContact.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toContain(out.contactId);
    const stored = await item(contactKey);
    expect(stored?.notice.status).toBe('SENT');
    expect(stored).not.toHaveProperty('GSI3PK');

    await clock.moveTo(addDays(clock.today(), 1));
    expect(await s.emails(body.primaryContact.email)).toHaveLength(1);
  });

  it('clears a stale index entry of a notice that went, without a second email', async () => {
    const body = registration();
    const res = await s.post('/registrations', body);
    expect(res.status).toBe(201);
    await s.stepFunctions.idle();
    const contactKey = keys.contact(res.body.contactId);
    expect((await item(contactKey))?.notice.status).toBe('SENT');
    // A late writer put the index entry back (e.g. a retried owe after the send).
    const stale = keys.pendingNotice(`contact-id-${res.body.contactId}`, '2020-01-01T00:00:00Z');
    await db().send(
      new UpdateCommand({
        TableName: s.tableName,
        Key: contactKey,
        UpdateExpression: 'SET GSI3PK = :pk, GSI3SK = :sk',
        ExpressionAttributeValues: { ':pk': stale.GSI3PK, ':sk': stale.GSI3SK },
      }),
    );
    await clock.moveTo(addDays(clock.today(), 1));
    expect(await s.emails(body.primaryContact.email)).toHaveLength(1);
    expect(await item(contactKey)).not.toHaveProperty('GSI3PK');
  });

  it("withdraws a renewal's Contact ID email still owed when the renewal is voided: nothing is sent", async () => {
    const first = registration();
    expect((await s.post('/registrations', first)).status).toBe(201);
    await s.stepFunctions.idle();
    const n = first.certificateNumber;
    const renewal = {
      ...first,
      certificateNumber: `${n.slice(0, 9)}8${n.slice(10)}`,
      primaryContact: {
        ...first.primaryContact,
        name: 'Irène Joliot-Curie',
        email: `irene-${process.pid}@customer.example`,
      },
    };
    // The Task recorded the renewal and its notice; the workflow died before starting the delivery.
    const out = await recordRegistration({
      request: renewal,
      requestId: 'crashed-renewal',
      receivedAt: s.clock.now().toISOString(),
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    expect(out.outcome).toBe('RENEWED');
    const renewalKey = keys.certificate(renewal.certificateNumber);
    expect(await item(renewalKey)).toMatchObject({
      notice: { status: 'PENDING' },
      GSI3PK: expect.any(String),
    });

    expect((await s.delete(`/certificates/${renewal.certificateNumber}`)).status).toBe(200);
    const voided = await item(renewalKey);
    expect(voided).toMatchObject({
      status: 'VOID',
      notice: { status: 'UNDELIVERABLE', failure: expect.stringContaining('voided') },
    });
    expect(voided).not.toHaveProperty('GSI3PK');

    await clock.moveTo(addDays(clock.today(), 1)); // the re-driver runs
    expect(await s.emails(renewal.primaryContact.email)).toHaveLength(0);
  });
});
