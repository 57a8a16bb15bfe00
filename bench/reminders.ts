/**
 * `npm run bench:reminders` — the daily renewal-reminder run at 10,000 and 100,000
 * certificates with 1% due on the run day, on DynamoDB Local with the real state machine,
 * handlers and local SES. Prints items read per reminder sent (from ConsumedCapacity and
 * from items returned), the Scans issued, and the run's duration.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/table-design.ts';
import { addDays, dayOf } from '../functions/core/calendar.ts';
import { invocationCounts } from '../local/lambda.ts';
import { stateMachineArn } from '../local/stepfunctions.ts';
import { billedSince, countConsumed, countIo, startBenchStack } from './reads.ts';

const { stack, documentClient, stop } = await startBenchStack('reminders');

// Every read the handlers make (from what DynamoDB returned and consumed), every Scan and write.
const reads = countIo(documentClient);
const consumed = countConsumed(documentClient);

let loaded = 0;
/** Certificates as registration stores them: `due` of them with their 30-day reminder on `day`. */
async function load(count: number, due: number, day: string): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => {
    const n = loaded + i;
    const certificateNumber = `${String(20_000_000 + n)}-${String(1_000_000 + (n % 9_000_000)).slice(-7)}`;
    const isDue = i < due;
    // The others wait for reminders spread over the following year, never on a measured day.
    const on = isDue ? day : addDays(day, 10 + (n % 365));
    const end = addDays(on, 30);
    const contactId = String(1_000_000_000 + n);
    const email = `contact-${n}@customer.example`;
    return {
      ...keys.certificate(certificateNumber),
      ...keys.dueIndex(on, 'REMINDER', `${certificateNumber}#30`),
      type: 'Certificate',
      certificateNumber,
      salesOrderNumber: String(20_000_000 + n),
      tier: 'ESSENTIAL',
      term: { start: addDays(end, -364), end },
      company: { name: 'Customer SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
      products: [
        {
          serialNumber: `M${String(2_000_000_000 + n)}`,
          supportIdentifier: `1234-5678-${String(n % 10_000).padStart(4, '0')}`,
          product: 'Backup Exec',
          productLine: 'Backup Exec',
          version: '12.0',
        },
      ],
      contactsCertificate: certificateNumber,
      primaryContactId: contactId,
      renewalOf: [],
      fingerprint: 'bench',
      registeredAt: `${day}T00:00:00.000Z`,
      requestId: 'bench',
      nextReminder: { offset: 30, on },
      roster: {
        [contactId]: {
          role: 'PRIMARY',
          serialNumbers: [`M${String(2_000_000_000 + n)}`],
          email,
          to: email,
          name: 'Marie Curie',
          language: 'fr',
        },
      },
      rosterVersion: 1,
      contactIds: [contactId],
    };
  });
  loaded += count;
  const batches: Array<typeof items> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // Loading is not part of the run (the bench client asks for nothing, so it counts nothing).
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const loader = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
          [stack.tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length) {
          const out = await loader.send(new BatchWriteCommand({ RequestItems: request }));
          request = out.UnprocessedItems as typeof request;
        }
      }
    }),
  );
}

async function run(day: string) {
  const before = { ...reads };
  const writesBefore = { ...consumed };
  // By ARN: list() groups executions by state machine, so a count would not mark where this stretch begins.
  const executionsBefore = new Set(stack.stepFunctions.list().map((e) => e.executionArn));
  const invocationsBefore = new Map(invocationCounts);
  const started = performance.now();
  const execution = await stack.stepFunctions.startSync(
    stateMachineArn('RenewalReminders'),
    JSON.stringify({ at: `${day}T06:00:00Z` }),
    `bench-${day}`,
  );
  await stack.stepFunctions.idle(); // every digest delivered (SES) and recorded
  const seconds = (performance.now() - started) / 1000;
  if (execution.status !== 'SUCCEEDED') throw new Error(`run failed: ${execution.cause}`);
  const out = JSON.parse(execution.output!) as { claimed: number[] };
  const sent = out.claimed.reduce((a, b) => a + b, 0);
  const emails = ((await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] }).emails
    .length;
  const billed = billedSince(
    stack.stepFunctions.list().filter((e) => !executionsBefore.has(e.executionArn)),
    invocationsBefore,
    invocationCounts,
  );
  return {
    sent,
    emails,
    writeUnits: consumed.tableWrite - writesBefore.tableWrite + consumed.indexWrite - writesBefore.indexWrite,
    billed,
    units: reads.units - before.units,
    items: reads.items - before.items,
    scans: reads.scans - before.scans,
    seconds,
  };
}

const today = dayOf(stack.clock.now());
const rows: Array<[string, Awaited<ReturnType<typeof run>>]> = [];
let emailsBefore = 0;
const measure = async (label: string, day: string) => {
  const r = await run(day);
  rows.push([label, { ...r, emails: r.emails - emailsBefore }]);
  emailsBefore = r.emails;
};

console.log('loading 10,000 certificates (100 due)…');
await load(10_000, 100, addDays(today, 400));
await measure('10,000 certificates, 100 due', addDays(today, 400));
console.log('loading 90,000 more (1,000 due on another day, 100 on a third)…');
await load(1_000, 1_000, addDays(today, 401));
await load(100, 100, addDays(today, 402));
await load(88_900, 0, addDays(today, 400));
await measure('100,000 certificates, 1,000 due', addDays(today, 401));
await measure('100,000 certificates, 100 due', addDays(today, 402));

console.log('\n== Daily renewal-reminder run (renewal-reminders.asl.json on the local stack) ==');
console.log(
  'table and due count                reminders sent  emails  read units/reminder (target ≤ 1.2)  items read/reminder  Scans  run (s)',
);
for (const [label, r] of rows)
  console.log(
    `${label.padEnd(34)} ${String(r.sent).padStart(14)}  ${String(r.emails).padStart(6)}  ${(r.units / r.sent).toFixed(2).padStart(34)} ${r.units / r.sent <= 1.2 ? 'ok  ' : 'OVER'}  ${(r.items / r.sent).toFixed(2).padStart(19)}  ${String(r.scans).padStart(5)}  ${r.seconds.toFixed(2).padStart(7)}`,
  );
console.log(
  '\nper reminder (for the cost model): write units (table + indexes), Lambda invocations, Standard state transitions, emails',
);
for (const [label, r] of rows)
  console.log(
    `${label.padEnd(34)} ${(r.writeUnits / r.sent).toFixed(2).padStart(6)} WU  ${(r.billed.lambda / r.sent).toFixed(2).padStart(5)} λ  ${(r.billed.standardTransitions / r.sent).toFixed(2).padStart(5)} transitions  ${(r.emails / r.sent).toFixed(2)} emails`,
  );
console.log(
  '\nread units: what DynamoDB reports consumed (the due-date Query reads many small items per unit; each digest is one strongly consistent GetItem when it is sent).',
);

await stop();
process.exit(0);
