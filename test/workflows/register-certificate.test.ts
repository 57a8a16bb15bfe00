/**
 * statemachines/register-certificate.asl.json, run by the local Step Functions with each
 * Task bound to the handler code: transitions, replays, refusals, races. Delivery itself
 * (SES throttling and outages) is deliver-notice.test.ts's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationStore } from '../../functions/adapters/registrations.ts';
import { keys } from '../../functions/adapters/table-design.ts';
import { luhnCheckDigit } from '../../functions/core/contact-id.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { stateMachineArn } from '../../local/stepfunctions.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let store: RegistrationStore;
beforeAll(async () => {
  stack = await startTestStack();
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
  );
  store = new RegistrationStore(ddb, stack.tableName);
});
afterAll(() => stack?.stop());

const registerArn = stateMachineArn('RegisterCertificate');
const input = (request: unknown) =>
  JSON.stringify({
    request,
    requestId: `req-${Math.random()}`,
    receivedAt: '2026-03-01T10:00:00.000Z',
    actor: { subject: 'alice', role: 'licensing-ops' },
  });

describe('register-certificate.asl.json', () => {
  it('records, starts the delivery named after the notice, and stays within 6 state transitions in all', async () => {
    const request = registration();
    const run = await stack.stepFunctions.startSync(registerArn, input(request));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.statesEntered).toEqual([
      'RecordRegistration',
      'ContactIdEmailOwed?',
      'StartContactIdDelivery',
      'DecideLateUpgrades',
    ]);
    const output = JSON.parse(run.output!);
    expect(output).toMatchObject({ outcome: 'CREATED', certificateNumber: request.certificateNumber });
    expect(output.delivery.executionName).toBe(`contact-id-${output.contactId}`);
    await stack.stepFunctions.idle();

    const delivery = stack.stepFunctions
      .list('DeliverNotice')
      .find((e) => e.name === output.delivery.executionName);
    expect(delivery?.status).toBe('SUCCEEDED');
    expect(JSON.parse(delivery!.output!)).toMatchObject({ status: 'SENT' });
    expect(run.stateTransitions + delivery!.stateTransitions).toBeLessThanOrEqual(6);
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(1);
  });

  it('starts no delivery for a replay once the email is sent', async () => {
    const request = registration();
    await stack.stepFunctions.startSync(registerArn, input(request));
    await stack.stepFunctions.idle();
    const replay = await stack.stepFunctions.startSync(registerArn, input(request));
    expect(JSON.parse(replay.output!)).toMatchObject({ outcome: 'REPLAYED' });
    expect(JSON.parse(replay.output!).delivery).toBeUndefined();
    expect(replay.statesEntered).toEqual(['RecordRegistration', 'ContactIdEmailOwed?', 'DecideLateUpgrades']);
  });

  it('refuses malformed input as data, without writing', async () => {
    const before = (await stack.items()).length;
    const run = await stack.stepFunctions.startSync(registerArn, input({ certificateNumber: 'nope' }));
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output!)).toMatchObject({ outcome: 'REFUSED', problem: { status: 400 } });
    expect(run.statesEntered).toEqual(['RecordRegistration', 'ContactIdEmailOwed?', 'Registered']);
    expect((await stack.items()).length).toBe(before);
  });
});

describe('Contact IDs are never reused', () => {
  it('draws again when a candidate Contact ID is already taken', async () => {
    const first = registration();
    const created = await stack.post('/registrations', first);
    const taken = created.body.contactId as string;
    // The first draw collides with the existing Contact ID; the second is fresh.
    const draws = [Number(taken.slice(0, 9)), 987654321];
    // Imported after the stack set the environment, as a Lambda cold start would be.
    const { makeRecordRegistration } = await import('../../functions/record-registration/handler.ts');
    const record = makeRecordRegistration(store, () => draws.shift() ?? 123456789);
    const second = registration();
    const out = await record({
      request: second,
      requestId: 'r-collision',
      receivedAt: '2026-03-01T10:00:00.000Z',
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    expect(out).toMatchObject({ outcome: 'CREATED' });
    const fresh = `987654321${luhnCheckDigit('987654321')}`;
    expect(out.outcome === 'CREATED' && out.contactId).toBe(fresh);
    expect((await store.getContact(taken))?.certificateNumber).toBe(first.certificateNumber);
    expect((await store.getCertificate(second.certificateNumber))?.primaryContactId).toBe(fresh);
  });
});

describe('the data model keys', () => {
  it('puts the certificate in the due-date index on its next reminder day, sharded', async () => {
    const request = registration();
    await stack.post('/registrations', request);
    const item = (await stack.items()).find(
      (i) => i.PK?.S === keys.certificate(request.certificateNumber).PK,
    );
    expect(item?.GSI2PK?.S).toMatch(/^DUE#\d{4}-\d{2}-\d{2}#[0-3]$/);
    expect(item?.GSI2SK?.S).toBe(`REMINDER#${request.certificateNumber}#${item?.nextReminder?.M?.offset?.N}`);
  });
});
