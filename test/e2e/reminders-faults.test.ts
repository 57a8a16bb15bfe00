/**
 * Renewal reminders under faults, on the local stack: a claim Task that fails half-way and
 * is retried (as Step Functions retries it on AWS), and a recipient whose day holds more
 * than one DynamoDB item can. Nothing claimed may stay undelivered; nothing goes twice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReminderStore } from '../../functions/adapters/reminders.ts';
import { keys } from '../../functions/adapters/table-design.ts';
import { addDays } from '../../functions/core/calendar.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { clockOf } from '../support/clock.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let s: TestStack;
// The handler module reads its environment when imported, as at a Lambda cold start: after the stack sets it.
let makeClaimDueReminders: typeof import('../../functions/claim-due-reminders/handler.ts').makeClaimDueReminders;
let deliverDigests: typeof import('../../functions/deliver-reminder-digests/handler.ts').handler;
beforeAll(async () => {
  s = await startTestStack();
  ({ makeClaimDueReminders } = await import('../../functions/claim-due-reminders/handler.ts'));
  ({ handler: deliverDigests } = await import('../../functions/deliver-reminder-digests/handler.ts'));
});
afterAll(async () => s?.stop());
const clock = clockOf(() => s);

const reminders = async (to?: string) =>
  (await s.emails(to)).filter((e) => /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject));

/** A document client whose TransactWriteItems fails after `allowed` successful ones: the Lambda dies mid-page. */
function failingAfter(allowed: number) {
  const client = new DynamoDBClient({
    endpoint: s.dynamodbEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  let transactions = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && ++transactions > allowed)
        throw Object.assign(new Error('Task timed out after 900.00 seconds'), { name: 'Sandbox.Timedout' });
      return next(args);
    },
    { step: 'initialize', name: 'failAfter' },
  );
  return DynamoDBDocumentClient.from(client);
}

async function registerDue(
  termEnd: string,
  count: number,
  overrides: (i: number) => Record<string, unknown>,
) {
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const body = registration({ term: { start: addDays(termEnd, -364), end: termEnd }, ...overrides(i) });
    const res = await s.post('/registrations', body);
    expect(res.status).toBe(201);
    bodies.push(body);
  }
  await s.stepFunctions.idle();
  return bodies;
}

describe('a claim Task that fails half-way and is retried', () => {
  it('delivers the digests the failed attempt claimed, and claims nothing twice', async () => {
    const end = addDays(clock.today(), 120);
    const day = addDays(end, -90);
    const bodies = await registerDue(end, 12, () => ({ tier: 'ESSENTIAL' }));
    await clock.moveTo(addDays(day, -1));
    const shards = [0, 1, 2, 3];

    // Attempt 1 of every shard dies after its first claim (the Lambda timed out, the process was killed).
    const failing = new ReminderStore(failingAfter(1), s.tableName);
    const claimed = [];
    for (const shard of shards)
      await expect(makeClaimDueReminders(failing)({ at: `${day}T06:00:00Z`, shard }))
        .rejects.toThrow(/timed out/)
        .catch(() => undefined);
    for (const body of bodies) {
      const ledger = await ledgerOf(body.certificateNumber, end, 90);
      if (ledger) claimed.push(ledger);
    }
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.length).toBeLessThan(bodies.length);
    expect(claimed.every((l) => l.status === 'CLAIMED')).toBe(true);

    // Step Functions retries the Task: the retry claims the rest, and nothing twice.
    const healthy = new ReminderStore(documentClient(), s.tableName);
    const outputs = [];
    for (const shard of shards)
      outputs.push(await makeClaimDueReminders(healthy)({ at: `${day}T06:00:00Z`, shard }));
    expect(outputs.reduce((n, o) => n + o.claimed, 0)).toBe(bodies.length - claimed.length);
    expect(outputs.reduce((n, o) => n + o.skipped, 0)).toBe(0);

    // The run's DeliverDigests step: every claim of the day is open, the failed attempt's included.
    const delivered = [];
    for (const shard of shards) delivered.push(await deliverDigests({ at: `${day}T06:00:00Z`, shard }));
    expect(delivered.reduce((n, d) => n + d.openClaims, 0)).toBe(bodies.length);
    expect(delivered.reduce((n, d) => n + d.digests, 0)).toBe(bodies.length);
    await s.stepFunctions.idle();
    for (const body of bodies) {
      const got = await reminders(body.primaryContact.email);
      expect(got, body.certificateNumber).toHaveLength(1);
      expect(got[0]!.body.text).toContain(body.certificateNumber);
      const ledger = await ledgerOf(body.certificateNumber, end, 90);
      expect(ledger).toMatchObject({ status: 'SENT' });
      expect(ledger).not.toHaveProperty('GSI2PK'); // out of the day's open claims
    }

    // The day's run proper, later: nothing left to claim or send.
    const before = (await reminders()).length;
    await clock.moveTo(day);
    expect((await reminders()).length).toBe(before);
  });
});

describe('a recipient too big for one item', () => {
  it('gets every certificate of the day, over several digest pages, and every later reminder', async () => {
    const end = addDays(clock.today(), 150);
    const day = addDays(end, -90);
    const to = `heavy-${Date.now()}@acme.example`;
    const certificates = 80;
    const bodies = await registerDue(end, certificates, (i) => {
      const base = registration();
      const n = base.salesOrderNumber;
      return {
        primaryContact: { ...base.primaryContact, email: to, language: 'en' },
        products: Array.from({ length: 50 }, (_, p) => ({
          serialNumber: `M${n}${String(p).padStart(2, '0')}`,
          supportIdentifier: `${n.slice(0, 4)}-${n.slice(4)}-${String(p).padStart(4, '0')}`,
          product: `Backup Exec Server Edition ${i}`,
          version: '12.0',
        })),
      };
    });

    await clock.moveTo(day);
    const got = await reminders(to);
    expect(got.length).toBeGreaterThan(1); // more than one page
    const text = got.map((e) => e.body.text).join('\n');
    for (const body of bodies) expect(text).toContain(body.certificateNumber);
    for (const body of bodies) {
      expect(await ledgerOf(body.certificateNumber, end, 90)).toMatchObject({ status: 'SENT' });
      const certificate = await getItem(keys.certificate(body.certificateNumber));
      expect(certificate?.nextReminder).toEqual({ offset: 60, on: addDays(end, -60) });
    }

    // The next offset comes for every certificate too.
    const pagesBefore = got.length;
    await clock.moveTo(addDays(end, -60));
    const later = (await reminders(to)).slice(pagesBefore);
    const laterText = later.map((e) => e.body.text).join('\n');
    for (const body of bodies) expect(laterText).toContain(body.certificateNumber);
  }, 240_000);
});

function documentClient() {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: s.dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
  );
}

async function getItem(key: { PK: string; SK: string }) {
  const out = await documentClient().send(
    new GetCommand({ TableName: s.tableName, Key: key, ConsistentRead: true }),
  );
  return out.Item;
}

const ledgerOf = (certificateNumber: string, termEnd: string, offset: number) =>
  getItem(keys.reminder(certificateNumber, termEnd, offset));
