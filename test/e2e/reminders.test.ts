/**
 * Renewal reminders on the local stack: the clock's daily runs execute
 * statemachines/renewal-reminders.asl.json, which claims the ledger and hands digests
 * to the deliver-notice workflow. Each test has its own stack, so its own clock.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/table-design.ts';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { readableDate } from '../../functions/core/wording.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { FlakySes, registration, startTestStack, type TestStack } from '../support/stack.ts';

// Handlers read their environment once per process, as in Lambda: one stack (and clock) per file.
// The clock only moves forward, so each test dates its contracts from wherever the clock stands.
const ses = new FlakySes();
let s: TestStack;
beforeAll(async () => {
  s = await startTestStack({ sesEndpointForHandlers: (url) => ses.start(url) });
});
afterAll(async () => {
  await s?.stop();
  await ses.stop();
});
const stack = async () => s;

const today = (s: TestStack) => dayOf(s.clock.now());
const moveTo = (s: TestStack, day: string) =>
  s.post('/_local/clock', { now: `${day}T12:00:00Z` }).then((r) => {
    expect(r.status).toBe(200);
    return r.body;
  });

function table(s: TestStack) {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: s.dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
  );
}

async function register(s: TestStack, termEnd: string, overrides: Record<string, unknown> = {}) {
  const body = registration({ term: { start: addDays(termEnd, -364), end: termEnd }, ...overrides });
  const res = await s.post('/registrations', body);
  expect(res.status).toBe(201);
  await s.stepFunctions.idle();
  return body;
}

const reminders = async (s: TestStack, to: string) =>
  (await s.emails(to)).filter((e) => /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject));

describe('renewal reminders', () => {
  it('sends each offset once, from 90 days before the end to 30 days after, in the contact’s language', async () => {
    const s = await stack();
    const end = addDays(today(s), 100);
    const body = await register(s, end, {
      primaryContact: { ...registration().primaryContact, language: 'en' },
    });
    const to = body.primaryContact.email;
    const seen: Array<[string, number]> = [];
    for (const offset of [90, 60, 30, 7, 0, -30]) {
      const day = addDays(end, -offset);
      await moveTo(s, addDays(day, -1));
      const before = (await reminders(s, to)).length;
      await moveTo(s, day);
      const after = await reminders(s, to);
      expect(after.length).toBe(before + 1);
      seen.push([day, offset]);
      const email = after.at(-1)!;
      expect(email.body.text).toContain(body.certificateNumber);
      expect(email.body.text).toContain('Backup Exec 12.0');
      expect(email.body.text).toContain(readableDate(end, 'en'));
      expect(email.body.text).toMatch(
        offset > 0 ? `ends in ${offset} days` : offset === 0 ? 'ends today' : 'ended 30 days ago',
      );
      expect(email.body.html).toContain('https://');
    }
    await moveTo(s, addDays(end, 60));
    expect(await reminders(s, to)).toHaveLength(6);
    const certificate = await s.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.nextReminder).toBeNull();
    expect(certificate.body.products[0].coverage.active).toBe(false);
  });

  it('stops the old term’s reminders when the contract is renewed, and reminds of the new term instead', async () => {
    const s = await stack();
    const end = addDays(today(s), 40);
    const body = await register(s, end);
    await moveTo(s, addDays(end, -30)); // the 30-day reminder
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(1);
    // The certificate read lists it, the same to a support engineer (a count, no addresses).
    const sent = [{ termEnd: end, offset: 30, day: addDays(end, -30), status: 'SENT', recipients: 1 }];
    const read = await s.get(`/certificates/${body.certificateNumber}`);
    expect(read.body.remindersSent).toMatchObject(sent);
    expect(read.body.remindersSent[0].sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const masked = await s.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(masked.body.remindersSent).toEqual(read.body.remindersSent);
    expect(JSON.stringify(masked.body.remindersSent)).not.toContain('@');

    const renewal = {
      ...body,
      certificateNumber: `${body.certificateNumber.slice(0, 9)}7${body.certificateNumber.slice(10)}`,
      term: { start: addDays(end, 1), end: addDays(end, 365) },
    };
    expect((await s.post('/registrations', renewal)).status).toBe(201);
    await moveTo(s, addDays(end, 31)); // past the old term's 7-day, end-day and 30-days-after offsets
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(1);
    const renewed = await s.get(`/certificates/${renewal.certificateNumber}`);
    expect(renewed.body.products[0].coverage).toMatchObject({ active: true, end: addDays(end, 365) });
    // Its own ledger only: the old term's reminder stays on the old certificate.
    expect(renewed.body.remindersSent).toEqual([]);
    expect((await s.get(`/certificates/${body.certificateNumber}`)).body.remindersSent).toHaveLength(1);
    expect(renewed.body.nextReminder).toMatchObject({ offset: 90, on: addDays(end, 365 - 90) });
  });

  it('sends one email per contact per day, listing every certificate due that day', async () => {
    const s = await stack();
    const end = addDays(today(s), 20);
    const first = await register(s, end);
    const shared = first.primaryContact;
    const others = await Promise.all([1, 2].map(() => register(s, end, { primaryContact: shared })));
    await moveTo(s, addDays(end, -7));
    const digest = await reminders(s, shared.email);
    expect(digest).toHaveLength(1);
    for (const c of [first, ...others]) expect(digest[0]!.body.text).toContain(c.certificateNumber);
    expect(digest[0]!.subject).toContain('3');
  });

  it('names every serial to the primary contact, and only its own to a designated contact', async () => {
    const s = await stack();
    const end = addDays(today(s), 95);
    const base = registration({ term: { start: addDays(end, -364), end } });
    const [first] = base.products;
    const second = {
      ...first!,
      serialNumber: `${first!.serialNumber.slice(0, 10)}${(Number(first!.serialNumber.at(-1)) + 3) % 10}`,
      supportIdentifier: `${first!.supportIdentifier.slice(0, 13)}${(Number(first!.supportIdentifier.at(-1)) + 3) % 10}`,
      product: 'Endpoint Protection',
      version: '11.0',
    };
    const body = {
      ...base,
      primaryContact: { ...base.primaryContact, language: 'en' },
      products: [first!, second],
    };
    expect((await s.post('/registrations', body)).status).toBe(201);
    const designated = `designated-${process.pid}-${Date.now()}@customer.example`;
    const added = await s.post(`/certificates/${body.certificateNumber}/contacts`, {
      salesOrderNumber: body.salesOrderNumber,
      products: [{ serialNumber: second.serialNumber, supportIdentifier: second.supportIdentifier }],
      contact: {
        name: 'Pierre',
        email: designated,
        phone: '+33 1 00 00 00 00',
        address: '2 avenue Y',
        company: 'Acme SA',
        language: 'en',
      },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await s.stepFunctions.idle();

    await moveTo(s, addDays(end, -90));
    const [toPrimary] = await reminders(s, body.primaryContact.email);
    const [toDesignated] = await reminders(s, designated);
    expect(toPrimary!.body.text).toContain(first!.serialNumber);
    expect(toPrimary!.body.text).toContain(second.serialNumber);
    expect(toDesignated!.body.text).toContain(second.serialNumber);
    expect(toDesignated!.body.text).not.toContain(first!.serialNumber);
  });

  it('sends nothing again when a day is run again', async () => {
    const s = await stack();
    const end = addDays(today(s), 10);
    const body = await register(s, end);
    const day = addDays(end, -7);
    await moveTo(s, day);
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(1);
    const again = await s.stepFunctions.startSync(
      `arn:aws:states:us-east-1:000000000000:stateMachine:RenewalReminders`,
      JSON.stringify({ at: `${day}T06:00:00Z` }),
      `renewal-reminders-${day}-again`,
    );
    await s.stepFunctions.idle();
    expect(again.status).toBe('SUCCEEDED');
    // Nothing left to claim, and no claim of the day left open to deliver.
    expect(JSON.parse(again.output!)).toMatchObject({
      claimed: [0, 0, 0, 0],
      openClaims: [0, 0, 0, 0],
      digests: [0, 0, 0, 0],
    });
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(1);
  });

  it('loses no reminder and sends none twice when SES is down during the run', async () => {
    const s = await stack();
    const end = addDays(today(s), 10);
    const body = await register(s, end);
    ses.mode = 'down';
    ses.failuresLeft = 4;
    await moveTo(s, addDays(end, -7));
    expect(ses.failuresLeft).toBe(0);
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(1);
    const ledger = await table(s).send(
      new GetCommand({ TableName: s.tableName, Key: keys.reminder(body.certificateNumber, end, 7) }),
    );
    expect(ledger.Item).toMatchObject({ status: 'SENT', offset: 7 });
  });

  it('records a contract with no reachable contact, once per offset, and does not retry it', async () => {
    const s = await stack();
    const end = addDays(today(s), 10);
    const body = await register(s, end);
    await table(s).send(
      new UpdateCommand({
        TableName: s.tableName,
        Key: keys.certificate(body.certificateNumber),
        UpdateExpression: 'SET roster = :none',
        ExpressionAttributeValues: { ':none': {} },
      }),
    );
    const result = await moveTo(s, addDays(end, -7));
    const run = result.ran.find((r: any) => r.day === addDays(end, -7) && r.job === 'renewal-reminders');
    expect(run.result).toMatchObject({ status: 'SUCCEEDED', claimed: [0, 0, 0, 0] });
    expect(run.result.unreachable.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    const ledger = await table(s).send(
      new GetCommand({ TableName: s.tableName, Key: keys.reminder(body.certificateNumber, end, 7) }),
    );
    expect(ledger.Item).toMatchObject({ status: 'UNREACHABLE' });
    expect(await reminders(s, body.primaryContact.email)).toHaveLength(0);
    const certificate = await s.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.body.nextReminder).toMatchObject({ offset: 0, on: end });
  });
});
