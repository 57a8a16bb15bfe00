/**
 * `npm run bench:upgrades` (also run at the end of `npm run bench`) — the GA run of a
 * release over a product with 50,000 registered serials on DynamoDB Local, with the real
 * state machine (its Distributed Map run locally), handlers and local SES. Prints decisions
 * per second and items read per decision (from what DynamoDB returned and consumed).
 */
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/table-design.ts';
import { addDays, dayOf } from '../functions/core/calendar.ts';
import { versionSortKey } from '../functions/core/versions.ts';
import { stateMachineArn } from '../local/stepfunctions.ts';
import { countIo, startBenchStack } from './reads.ts';

const SERIALS = Number(process.env.BENCH_SERIALS ?? 50_000);
const SERIALS_PER_CERTIFICATE = 25;
const PRODUCT = 'Backup Exec';

const { stack, documentClient, stop } = await startBenchStack('upgrades');

// Every read the handlers make (from what DynamoDB returned and consumed), every Scan and write.
const io = countIo(documentClient);

const today = dayOf(stack.clock.now());
const gaDate = addDays(today, -1);
const loader = DynamoDBDocumentClient.from(
  new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);

/**
 * Serials as registration stores them, 25 to a certificate with one contact; four in five
 * current on the GA date, the others lapsed before it. Versions 11.x and 12.0 (all earlier).
 */
async function load(): Promise<void> {
  const items: Array<Record<string, unknown>> = [];
  const certificates = Math.ceil(SERIALS / SERIALS_PER_CERTIFICATE);
  for (let c = 0; c < certificates; c++) {
    const certificateNumber = `${String(30_000_000 + c)}-${String(1_000_000 + c).slice(-7)}`;
    const lapsed = c % 5 === 4;
    const term = lapsed
      ? { start: addDays(gaDate, -400), end: addDays(gaDate, -35), tier: 'ESSENTIAL', certificateNumber }
      : { start: addDays(gaDate, -200), end: addDays(gaDate, 165), tier: 'ESSENTIAL', certificateNumber };
    const serialNumbers = Array.from(
      { length: Math.min(SERIALS_PER_CERTIFICATE, SERIALS - c * SERIALS_PER_CERTIFICATE) },
      (_, i) => `M${String(3_000_000_000 + c * SERIALS_PER_CERTIFICATE + i)}`,
    );
    const contactId = String(2_000_000_000 + c);
    const email = `it-${c}@customer.example`;
    items.push({
      ...keys.certificate(certificateNumber),
      type: 'Certificate',
      certificateNumber,
      contactsCertificate: certificateNumber,
      roster: {
        [contactId]: {
          role: 'PRIMARY',
          serialNumbers,
          email,
          to: email,
          name: 'Marie Curie',
          language: 'fr',
        },
      },
      rosterVersion: 1,
    });
    serialNumbers.forEach((serialNumber, i) => {
      const version = ['11.0', '11.5', '12.0', '12.0 MP 1'][i % 4]!;
      items.push({
        ...keys.serial(serialNumber),
        ...keys.productIndex(PRODUCT, versionSortKey(version), serialNumber),
        type: 'Serial',
        serialNumber,
        supportIdentifier: `1234-5678-${String(i).padStart(4, '0')}`,
        product: PRODUCT,
        productLine: PRODUCT,
        version,
        contactsCertificate: certificateNumber,
        terms: [term],
        termCertificates: new Set([certificateNumber]),
      });
    });
  }
  const batches: Array<typeof items> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < batches.length) {
        let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
          [stack.tableName]: batches[next++]!.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length) {
          const out = await loader.send(new BatchWriteCommand({ RequestItems: request }));
          request = out.UnprocessedItems as typeof request;
        }
      }
    }),
  );
  // The release, as PUT /products/{product}/releases/{version} stores it.
  const versionKey = versionSortKey('12.5');
  await loader.send(
    new PutCommand({
      TableName: stack.tableName,
      Item: {
        ...keys.release(PRODUCT, versionKey),
        ...keys.dueIndex(gaDate, 'RELEASE', `${PRODUCT}#${versionKey}`),
        type: 'Release',
        product: PRODUCT,
        version: '12.5',
        versionKey,
        gaDate,
        status: 'SCHEDULED',
        revision: 1,
        announcedAt: `${today}T00:00:00.000Z`,
        updatedAt: `${today}T00:00:00.000Z`,
      },
    }),
  );
}

console.log(
  `loading ${SERIALS.toLocaleString('en')} serials of ${PRODUCT} (${SERIALS_PER_CERTIFICATE} per certificate)…`,
);
await load();

const started = performance.now();
const execution = await stack.stepFunctions.startSync(
  stateMachineArn('UpgradeDecisions'),
  JSON.stringify({ product: PRODUCT, version: '12.5', gaDate }),
  'bench-ga-run',
);
const decidedSeconds = (performance.now() - started) / 1000;
if (execution.status !== 'SUCCEEDED') throw new Error(`GA run failed: ${execution.cause}`);
const run = { ...io };
await stack.stepFunctions.idle(); // every upgrade email delivered
const deliveredSeconds = (performance.now() - started) / 1000;
const emails = ((await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] }).emails.length;
const pages = stack.stepFunctions.list('UpgradeDecisions').length;

console.log('\n== GA run (upgrade-decisions.asl.json on the local stack, Distributed Map inline) ==');
console.log(`serials decided                     ${SERIALS.toLocaleString('en')}`);
console.log(`GA run, plan to release decided     ${decidedSeconds.toFixed(1)} s`);
console.log(`decisions per second                ${(SERIALS / decidedSeconds).toFixed(0)}`);
console.log(
  `items read per decision             ${(run.items / SERIALS).toFixed(2)}   (plan: 1 key per serial; page: 1 serial; rosters: 1 certificate per ${SERIALS_PER_CERTIFICATE} entitled serials; notices to deliver)`,
);
console.log(`read units per decision             ${(run.units / SERIALS).toFixed(3)}`);
console.log(
  `writes per decision                 ${(run.writes / SERIALS).toFixed(2)}   (the decision record; one notice update per contact and page)`,
);
console.log(`Scans                               ${run.scans}`);
console.log(
  `upgrade emails (one per entitled contact)  ${emails}, all delivered after ${deliveredSeconds.toFixed(1)} s`,
);
console.log(`executions of the GA run            ${pages}`);

await stop();
process.exit(0);
