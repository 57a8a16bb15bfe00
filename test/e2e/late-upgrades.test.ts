/**
 * Owed upgrade notices on the local stack: a serial registered after the GA run of a release
 * (its register-certificate run ends with DecideLateUpgrades) is decided by the GA rule,
 * recorded as the GA run records it, and its entitled contacts get the release's one upgrade
 * email; replays, retries and races send nothing more. One stack per file; dates are
 * relative to its clock.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseStore } from '../../functions/adapters/releases.ts';
import { WORKFLOWS } from '../../functions/catalog.ts';
import { addDays } from '../../functions/core/calendar.ts';
import { gaRunExecutionName } from '../../functions/core/upgrades.ts';
import { versionSortKey } from '../../functions/core/versions.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { aslSubstitutions } from '../../local/stack.ts';
import { LocalStepFunctions, stateMachineArn, type TaskHandler } from '../../local/stepfunctions.ts';
import { clockOf, unchanged } from '../support/clock.ts';
import { registerVersions, registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let releases: ReleaseStore;
beforeAll(async () => {
  stack = await startTestStack();
  releases = new ReleaseStore(
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    ),
    stack.tableName,
  );
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

let products = 0;
const newProduct = () => `Late Suite ${++products}`;
const releasePath = (product: string, version: string) =>
  `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`;
const entitlement = async (product: string, version: string, serial: string) =>
  (await stack.get(`${releasePath(product, version)}/entitlements/${serial}`)).body;
const upgradeEmails = async (to: string) =>
  (await stack.emails(to)).filter((e) =>
    /is available: your upgrade|est disponible|доступен/.test(e.subject),
  );
const decisionsOf = async (product: string) =>
  (await stack.items()).filter((i) => i.type?.S === 'UpgradeDecision' && i.product?.S === product);

/** A body for one serial per version of `product`, not yet registered. */
function body(product: string, versions: string[], term: { start: string; end: string }, email?: string) {
  const base = registration({ term });
  return {
    ...base,
    primaryContact: { ...base.primaryContact, language: 'en', ...(email ? { email } : {}) },
    products: versions.map((version, i) => ({
      ...base.products[0]!,
      serialNumber: `M${base.products[0]!.serialNumber.slice(1, 9)}${i}3`,
      product,
      version,
    })),
  };
}

/** A product with release 2.0, its GA date passed and its run done; one customer it told. */
async function releasedProduct() {
  const product = newProduct();
  const T = today();
  const ga = addDays(T, 5);
  const early = await registerVersions(stack, product, ['1.0'], {
    start: addDays(T, -30),
    end: addDays(T, 300),
  });
  expect((await stack.put(releasePath(product, '2.0'), { gaDate: ga })).status).toBe(201);
  await moveTo(ga);
  await settle();
  expect((await releases.get(product, versionSortKey('2.0')))?.status).toBe('DECIDED');
  expect(await upgradeEmails(early.to)).toHaveLength(1);
  return { product, ga, early, announcedOn: T };
}

describe('a serial registered after the GA run of a release', () => {
  it('entitled: its contact gets one upgrade email listing its serials; the decision is a record', async () => {
    const { product, ga } = await releasedProduct();
    const decidedByRun = (await decisionsOf(product)).length;
    // A first purchase begun before GA, registered after it: established before GA, so entitled.
    const late = await registerVersions(stack, product, ['1.0', '1.5'], {
      start: addDays(ga, -20),
      end: addDays(ga, 345),
    });

    const emails = await upgradeEmails(late.to);
    expect(emails).toHaveLength(1);
    for (const serial of late.serials) expect(emails[0]!.body.text).toContain(serial);
    expect(emails[0]!.subject).toContain(`${product} 2.0`);
    expect(await decisionsOf(product)).toHaveLength(decidedByRun + 2);
    for (const serial of late.serials) {
      const answer = await entitlement(product, '2.0', serial);
      expect(answer).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA', gaDate: ga });
      expect(answer.reasons.join(' ')).not.toMatch(/Decided on request/);
      expect(answer.reasons[0]).toContain(late.body.certificateNumber);
      expect(answer.termsConsidered).toHaveLength(1);
      expect(answer.decidedOn.slice(0, 10)).toBe(ga);
    }

    // A replay of the registration: the same answer, nothing stored, nothing sent.
    await unchanged(stack, async () => {
      const replay = await stack.post('/registrations', late.body);
      expect(replay.status).toBe(200);
    });
    expect(await upgradeEmails(late.to)).toHaveLength(1);
  });

  it('the same registration sent three times at once: one registration, one upgrade email', async () => {
    const { product, ga } = await releasedProduct();
    const request = body(product, ['1.0'], { start: addDays(ga, -60), end: addDays(ga, 300) });
    const answers = await Promise.all([1, 2, 3].map(() => stack.post('/registrations', request)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    await settle();
    expect(await upgradeEmails(request.primaryContact.email)).toHaveLength(1);
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(2); // and the Contact ID
    expect(await entitlement(product, '2.0', request.products[0]!.serialNumber)).toMatchObject({
      entitled: true,
    });
  });

  it('not entitled: nobody is told, and the decision is recorded with its rule', async () => {
    const { product, ga } = await releasedProduct();
    const startsOnGa = await registerVersions(stack, product, ['1.0'], { start: ga, end: addDays(ga, 365) });
    const onRelease = await registerVersions(stack, product, ['2.0'], {
      start: addDays(ga, -30),
      end: addDays(ga, 300),
    });
    for (const r of [startsOnGa, onRelease]) expect(await upgradeEmails(r.to)).toHaveLength(0);

    const refused = await entitlement(product, '2.0', startsOnGa.serials[0]!);
    expect(refused).toMatchObject({ entitled: false, rule: 'STARTED_ON_OR_AFTER_GA' });
    expect(refused.reasons.join(' ')).not.toMatch(/Decided on request/);
    const decided = await decisionsOf(product);
    expect(decided.map((d) => d.serialNumber.S)).toContain(startsOnGa.serials[0]);
    // Already on the release: nothing to upgrade, not decided (as in the GA run).
    expect(decided.map((d) => d.serialNumber.S)).not.toContain(onRelease.serials[0]);
    expect((await entitlement(product, '2.0', onRelease.serials[0]!)).rule).toBe('ALREADY_ON_RELEASE');
  });

  it('a first purchase begun after the announcement, registered after GA: not established before it', async () => {
    const { product, ga, announcedOn } = await releasedProduct();
    const bought = await registerVersions(stack, product, ['1.0'], {
      start: addDays(announcedOn, 1),
      end: addDays(ga, 360),
    });
    const refused = await entitlement(product, '2.0', bought.serials[0]!);
    expect(refused).toMatchObject({ entitled: false, rule: 'STARTED_AFTER_ANNOUNCEMENT' });
    expect(refused.reasons.join(' ')).toContain(
      `Reference date ${announcedOn}: the day ${product} 2.0 was first announced, before its GA date ${ga}`,
    );
    expect(refused.reasons.join(' ')).toContain('Coverage was continuous since its first registration');
    expect(refused.reasons.join(' ')).not.toMatch(/Decided on request/);
    expect(await upgradeEmails(bought.to)).toHaveLength(0);
  });

  it('a contact the GA run told is not told again about a serial registered since', async () => {
    const { product, ga, early } = await releasedProduct();
    const request = body(product, ['1.0'], { start: addDays(ga, -60), end: addDays(ga, 300) }, early.to);
    expect((await stack.post('/registrations', request)).status).toBe(201);
    await settle();
    expect(await entitlement(product, '2.0', request.products[0]!.serialNumber)).toMatchObject({
      entitled: true,
      rule: 'CURRENT_ON_GA',
    });
    expect(await upgradeEmails(early.to)).toHaveLength(1);
  });

  it('a renewal after GA: the decision taken stands, nobody is told again', async () => {
    const { product, ga, early } = await releasedProduct();
    const lapsed = await registerVersions(stack, product, ['1.0'], {
      start: addDays(ga, -200),
      end: addDays(ga, -10),
    });
    expect((await entitlement(product, '2.0', lapsed.serials[0]!)).rule).toBe('LAPSED_BEFORE_GA');
    const renew = async (r: typeof early, term: { start: string; end: string }) => {
      const n = r.body.certificateNumber;
      const res = await stack.post('/registrations', {
        ...r.body,
        certificateNumber: `${n.slice(0, 9)}9${n.slice(10)}`,
        term,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      await settle();
    };
    await renew(early, { start: addDays(ga, 200), end: addDays(ga, 565) });
    // Back-dated over GA, registered after it: no retroactive grant.
    await renew(lapsed, { start: addDays(ga, -9), end: addDays(ga, 356) });

    const told = await entitlement(product, '2.0', early.serials[0]!);
    expect(told).toMatchObject({ entitled: true, rule: 'CURRENT_ON_GA' });
    expect(told.termsConsidered).toHaveLength(1);
    const refused = await entitlement(product, '2.0', lapsed.serials[0]!);
    expect(refused).toMatchObject({ entitled: false, rule: 'LAPSED_BEFORE_GA' });
    expect(refused.termsConsidered).toHaveLength(1);
    expect(await upgradeEmails(early.to)).toHaveLength(1);
    expect(await upgradeEmails(lapsed.to)).toHaveLength(0);
  });

  it('while the GA run is under way: decided now, told by the run with its other serials', async () => {
    const product = newProduct();
    const T = today();
    const term = { start: addDays(T, -30), end: addDays(T, 300) };
    const early = await registerVersions(stack, product, ['1.0'], term);
    // GA today, its run not started yet (as between the GA date and the run's first page).
    await releases.save({
      product,
      version: '2.0',
      versionKey: versionSortKey('2.0'),
      gaDate: T,
      status: 'SCHEDULED',
      revision: 1,
      announcedAt: stack.clock.now().toISOString(),
      updatedAt: stack.clock.now().toISOString(),
    });
    // The same contact registers a second certificate: decided now, the email waits for the run.
    const request = body(product, ['1.5'], term, early.to);
    expect((await stack.post('/registrations', request)).status).toBe(201);
    await settle();
    expect(await entitlement(product, '2.0', request.products[0]!.serialNumber)).toMatchObject({
      entitled: true,
      rule: 'CURRENT_ON_GA',
    });
    expect(await upgradeEmails(early.to)).toHaveLength(0);

    stack.stepFunctions.start(
      stateMachineArn('UpgradeDecisions'),
      JSON.stringify({ product, version: '2.0', gaDate: T }),
      gaRunExecutionName(product, '2.0', T),
    );
    await settle();
    const emails = await upgradeEmails(early.to);
    expect(emails).toHaveLength(1);
    for (const serial of [...early.serials, request.products[0]!.serialNumber])
      expect(emails[0]!.body.text).toContain(serial);
  });

  it('a failure of DecideLateUpgrades never fails the registration; a replay decides and tells once', async () => {
    const { product, ga } = await releasedProduct();
    // The same ASL files and handlers, with the late-upgrade Task failing.
    // Imported after the stack set the environment, as a Lambda cold start would be.
    const record = await import('../../functions/record-registration/handler.ts');
    const send = await import('../../functions/send-notice/handler.ts');
    const failing = new LocalStepFunctions({
      functions: {
        RecordRegistration: record.handler as TaskHandler,
        SendNotice: send.handler as TaskHandler,
        DecideLateUpgrades: async () => {
          throw new Error('DynamoDB is unreachable');
        },
      },
      dynamodb: new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
      retryIntervalMs: 1,
    });
    const substitutions = aslSubstitutions(stack.tableName);
    for (const name of ['DeliverNotice', 'RegisterCertificate'] as const)
      failing.register(name, WORKFLOWS[name].file, WORKFLOWS[name].type, substitutions);

    const request = body(product, ['1.0'], { start: addDays(ga, -60), end: addDays(ga, 300) });
    const run = await failing.startSync(
      stateMachineArn('RegisterCertificate'),
      JSON.stringify({
        request,
        requestId: 'late-1',
        receivedAt: stack.clock.now().toISOString(),
        actor: { subject: 'alice', role: 'licensing-ops' },
      }),
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output!)).toMatchObject({ outcome: 'CREATED' });
    await failing.idle();
    const serial = request.products[0]!.serialNumber;
    expect((await decisionsOf(product)).map((d) => d.serialNumber.S)).not.toContain(serial);
    expect(await stack.emails(request.primaryContact.email)).toHaveLength(1); // the Contact ID only

    // A replay of the registration decides what the failure left.
    expect((await stack.post('/registrations', request)).status).toBe(200);
    await settle();
    expect(await upgradeEmails(request.primaryContact.email)).toHaveLength(1);
    expect((await entitlement(product, '2.0', serial)).reasons.join(' ')).not.toMatch(/Decided on request/);
    expect((await stack.post('/registrations', request)).status).toBe(200);
    await settle();
    expect(await upgradeEmails(request.primaryContact.email)).toHaveLength(1);
  });
});
