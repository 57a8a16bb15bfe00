/**
 * The register-certificate Task: the real RegistrationStore on a real table in DynamoDB
 * Local, decisions from the real core. Faults DynamoDB cannot be asked for (a cancelled
 * transaction, throttling) are injected on the handler's client (`Sends.fail`).
 */
import type { randomInt } from 'node:crypto';
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const env = await vi.hoisted(async () => {
  const { localTableEnvironment } = await import('../support/table.ts');
  const values = { ...localTableEnvironment(), POWERTOOLS_LOG_LEVEL: 'SILENT' };
  Object.assign(process.env, values);
  return values;
});

import { RegistrationStore } from '../../functions/adapters/registrations.ts';
import { keys } from '../../functions/adapters/table-design.ts';
import { generateContactId, isValidContactId } from '../../functions/core/contact-id.ts';
import { registrationFingerprint } from '../../functions/core/registration.ts';
import {
  handler,
  makeRecordRegistration,
  type RecordRegistrationInput,
} from '../../functions/record-registration/handler.ts';
import { documentClient } from '../../functions/shared/aws.ts';
import { LocalTable, Sends } from '../support/table.ts';
import { CERTIFICATE, contractExample, parsedRequest, withField } from '../unit/fixtures.ts';

let table: LocalTable;
let sends: Sends;
beforeAll(async () => {
  table = await LocalTable.create(env.TABLE_NAME);
});
beforeEach(async () => {
  await table.clear();
  sends = new Sends(documentClient);
});

/** crypto.randomInt stand-in that yields the given payloads in turn (the handler types it as randomInt). */
function randoms(...payloads: number[]): typeof randomInt {
  let i = 0;
  const next = (min: number, max: number) => {
    const value = payloads[i++ % payloads.length]!;
    if (value < min || value >= max) throw new Error(`payload ${value} outside [${min}, ${max})`);
    return value;
  };
  return next as unknown as typeof randomInt;
}
const FIRST = 123_456_789;
const SECOND = 987_654_321;
const idOf = (payload: number) => generateContactId(() => payload);

const store = () => new RegistrationStore(documentClient, env.TABLE_NAME);
const record = (...payloads: number[]) =>
  makeRecordRegistration(store(), randoms(...(payloads.length ? payloads : [FIRST, SECOND])));
const ALICE = { subject: 'alice', role: 'licensing-ops' } as const;
const input = (request: unknown = contractExample(), requestId = 'req-1'): RecordRegistrationInput => ({
  request,
  requestId,
  receivedAt: '2026-03-01T10:00:00.000Z',
  actor: ALICE,
});
const transactions = () => sends.of(TransactWriteCommand);
const itemKeys = async () => (await table.items()).map((i) => `${i.PK} ${i.SK}`).sort();
const cancelled = (code: string) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: code }],
  });

describe('record-registration: a new certificate', () => {
  it('commits certificate, contact (with a PENDING notice) and serial as new items in one transaction', async () => {
    const out = await record()(input());
    const contactId = idOf(FIRST);

    expect(out).toEqual({
      outcome: 'CREATED',
      certificateNumber: CERTIFICATE,
      contactId,
      renewalOf: [],
      delivery: { executionName: `contact-id-${contactId}`, noticeKey: keys.contact(contactId) },
      // What DynamoDB reports the transaction cost: 2 units per item written in a transaction,
      // and 2 per index entry (certificate: due date and order lookup, contact: pending notice and
      // email lookup, serial: product and support identifier lookup), and the two events' outbox
      // items (no index entry; DynamoDB Local counts them 1 unit each).
      writeUnits: 20,
    });
    expect(isValidContactId(contactId)).toBe(true);

    const [tx, ...more] = transactions();
    expect(more).toEqual([]);
    expect(tx!.TransactItems!.map((a) => Object.keys(a))).toEqual([
      ['Put'],
      ['Put'],
      ['Put'],
      ['Put'],
      ['Put'],
    ]);
    expect(await itemKeys()).toEqual(
      [
        `CERT#${CERTIFICATE} CERTIFICATE`,
        `CONTACT#${contactId} CONTACT`,
        'SERIAL#M1234567890 SERIAL',
        // Its events, in its transaction (functions/adapters/outbox.ts).
        `OUTBOX#CertificateRegistered:${CERTIFICATE} EVENT`,
        `OUTBOX#ContactIdIssued:${contactId} EVENT`,
      ].sort(),
    );
    const certificate = await table.item(keys.certificate(CERTIFICATE));
    const contact = await table.item(keys.contact(contactId));
    const serial = await table.item(keys.serial('M1234567890'));

    expect(certificate).toMatchObject({
      PK: `CERT#${CERTIFICATE}`,
      SK: 'CERTIFICATE',
      type: 'Certificate',
      certificateNumber: CERTIFICATE,
      primaryContactId: contactId,
      contactIds: [contactId],
      contactsCertificate: CERTIFICATE,
      fingerprint: registrationFingerprint(parsedRequest()),
      requestId: 'req-1',
      registeredAt: '2026-03-01T10:00:00.000Z',
      registeredBy: ALICE,
      nextReminder: { offset: 90, on: '2026-10-02' },
      GSI2PK: expect.stringMatching(/^DUE#2026-10-02#[0-3]$/),
      GSI2SK: `REMINDER#${CERTIFICATE}#90`,
    });
    expect(contact).toMatchObject({
      PK: `CONTACT#${contactId}`,
      SK: 'CONTACT',
      type: 'Contact',
      contactId,
      role: 'PRIMARY',
      status: 'ACTIVE',
      email: 'marie@acme.example',
      language: 'fr',
      notice: {
        id: `contact-id-${contactId}`,
        status: 'PENDING',
        template: 'ContactIdIssued',
        to: 'marie@acme.example',
        language: 'fr',
        data: expect.objectContaining({ contactId, certificateNumber: CERTIFICATE }),
      },
      // Owed until sent: in the pending-notice index, for the re-driver.
      ...keys.pendingNotice(`contact-id-${contactId}`, '2026-03-01T10:00:00.000Z'),
    });
    expect(serial).toMatchObject({
      PK: 'SERIAL#M1234567890',
      SK: 'SERIAL',
      type: 'Serial',
      GSI1PK: 'PRODUCT#Backup Exec',
      GSI1SK: 'V#0012.0000.0000.000#M1234567890',
      contactsCertificate: CERTIFICATE,
      termCertificates: new Set([CERTIFICATE]),
      terms: [{ start: '2026-01-01', end: '2026-12-31', tier: 'ESSENTIAL', certificateNumber: CERTIFICATE }],
    });
  });

  it('stores the request as parsed: defaults applied, text trimmed', async () => {
    const body = withField(
      withField(contractExample(), 'primaryContact.language', undefined),
      'company.name',
      ' Acme SA ',
    );
    await record()(input(body));
    expect(await table.item(keys.certificate(CERTIFICATE))).toMatchObject({
      company: { name: 'Acme SA' },
      products: [{ productLine: 'Backup Exec' }],
    });
    expect((await table.item(keys.contact(idOf(FIRST))))!.notice.language).toBe('en');
  });

  it('writes one serial per product', async () => {
    const second = {
      serialNumber: 'M0000000002',
      supportIdentifier: '0000-0000-0002',
      product: 'NetBackup',
      version: '7.1',
    };
    await record()(input(withField(contractExample(), 'products', [contractExample().products[0], second])));
    expect(transactions()[0]!.TransactItems).toHaveLength(4 + 2); // and its two events' outbox items
    expect(await table.item(keys.serial('M0000000002'))).toMatchObject({
      product: 'NetBackup',
      GSI1PK: 'PRODUCT#NetBackup',
    });
  });

  it('is wired as the module handler, on TABLE_NAME', async () => {
    const out = await handler(input());
    expect(out).toMatchObject({ outcome: 'CREATED', certificateNumber: CERTIFICATE });
    expect(transactions()[0]!.TransactItems![0]!.Put!.TableName).toBe(env.TABLE_NAME);
    expect(await table.item(keys.certificate(CERTIFICATE))).toMatchObject({ certificateNumber: CERTIFICATE });
  });
});

describe('record-registration: the same registration again', () => {
  it('replays without writing, returning the stored Contact ID and a delivery while the notice is PENDING', async () => {
    const first = await record(FIRST)(input());
    sends.reset();

    const again = await record(SECOND)(input(contractExample(), 'req-2'));

    expect(again).toEqual({
      outcome: 'REPLAYED',
      certificateNumber: CERTIFICATE,
      contactId: idOf(FIRST),
      renewalOf: [],
      delivery: { executionName: `contact-id-${idOf(FIRST)}`, noticeKey: keys.contact(idOf(FIRST)) },
    });
    expect(first.outcome === 'CREATED' && again.outcome === 'REPLAYED' && again.contactId).toBe(
      first.outcome === 'CREATED' && first.contactId,
    );
    expect(transactions()).toEqual([]);
    expect(await table.items()).toHaveLength(3 + 2); // the first registration's, with its two events
  });

  it('owes no delivery once the notice is SENT', async () => {
    await record()(input());
    const key = keys.contact(idOf(FIRST));
    const contact = (await table.item(key))!;
    await table.put({ ...contact, notice: { ...contact.notice, status: 'SENT', messageId: 'm-1' } });
    sends.reset();

    const again = await record()(input());

    expect(again).toMatchObject({ outcome: 'REPLAYED', contactId: idOf(FIRST) });
    expect(again).not.toHaveProperty('delivery');
    expect(transactions()).toEqual([]);
  });

  it('owes no delivery for an UNDELIVERABLE notice', async () => {
    await record()(input());
    const key = keys.contact(idOf(FIRST));
    const contact = (await table.item(key))!;
    await table.put({ ...contact, notice: { ...contact.notice, status: 'UNDELIVERABLE' } });
    expect(await record()(input())).not.toHaveProperty('delivery');
  });

  it('replays a request differing only in email case and product order', async () => {
    const two = [
      contractExample().products[0],
      {
        serialNumber: 'M0000000002',
        supportIdentifier: '0000-0000-0002',
        product: 'NetBackup',
        version: '7.1',
      },
    ];
    await record()(input(withField(contractExample(), 'products', two)));
    const reordered = withField(
      withField(contractExample(), 'products', [...two].reverse()),
      'primaryContact.email',
      'Marie@Acme.example',
    );
    expect(await record()(input(reordered))).toMatchObject({ outcome: 'REPLAYED', contactId: idOf(FIRST) });
  });
});

describe('record-registration: races and retries', () => {
  it('a racing identical registration replays the winner (TransactionCanceledException → reload → REPLAYED)', async () => {
    // Both decide on an empty table, then commit at once: DynamoDB lets one transaction through.
    sends.together(TransactWriteCommand, 2);
    const [a, b] = await Promise.all([
      record(FIRST)(input(contractExample(), 'req-a')),
      record(SECOND)(input(contractExample(), 'req-b')),
    ]);

    expect([a.outcome, b.outcome].sort()).toEqual(['CREATED', 'REPLAYED']);
    const winner = a.outcome === 'CREATED' ? a : b;
    const loser = a.outcome === 'CREATED' ? b : a;
    if (winner.outcome === 'REFUSED' || loser.outcome === 'REFUSED') throw new Error('refused');
    expect(loser.contactId).toBe(winner.contactId);
    // The winner's notice is still PENDING: the loser also points at its delivery (deduplicated by name).
    expect(loser.delivery).toEqual(winner.delivery);
    // The loser's transaction was cancelled by the winner's (by its conditions, or as a conflict).
    expect(transactions().length).toBeGreaterThanOrEqual(2);
    expect((await itemKeys()).filter((k) => k.startsWith('CONTACT#'))).toHaveLength(1);
  });

  it('retries with a fresh Contact ID when the candidate is already taken', async () => {
    await table.put({
      ...keys.contact(idOf(FIRST)),
      type: 'Contact',
      contactId: idOf(FIRST),
      certificateNumber: '99999999-9999999',
    });

    const out = await record(FIRST, SECOND)(input());

    expect(out).toMatchObject({ outcome: 'CREATED', contactId: idOf(SECOND) });
    expect(transactions()).toHaveLength(2);
    expect((await table.item(keys.contact(idOf(FIRST))))!.certificateNumber).toBe('99999999-9999999');
    expect((await table.item(keys.certificate(CERTIFICATE)))!.primaryContactId).toBe(idOf(SECOND));
  });

  it('reloads before each attempt', async () => {
    sends.fail(TransactWriteCommand, cancelled('TransactionConflict'), 1);
    const out = await record(FIRST, SECOND)(input());
    expect(out).toMatchObject({ outcome: 'CREATED', contactId: idOf(SECOND) });
    expect(sends.of(BatchGetCommand)).toHaveLength(2);
    expect(transactions()).toHaveLength(2);
  });

  it('gives up with RegistrationContention after 6 cancelled attempts, having written nothing', async () => {
    sends.fail(
      TransactWriteCommand,
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [] }),
    );
    await expect(record()(input())).rejects.toMatchObject({ name: 'RegistrationContention' });
    expect(transactions()).toHaveLength(6);
    expect(await table.items()).toEqual([]);
  });

  it('lets other storage errors through for the workflow to retry', async () => {
    sends.fail(
      TransactWriteCommand,
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
    );
    await expect(record()(input())).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(transactions()).toHaveLength(1);
  });
});

describe('record-registration: refusals, as data and without writing', () => {
  it('refuses other content under the same certificate number as 409 Conflict', async () => {
    await record()(input());
    sends.reset();

    const out = await record()(input(withField(contractExample(), 'tier', 'BASIC')));

    expect(out).toEqual({
      outcome: 'REFUSED',
      problem: { status: 409, name: 'Conflict', detail: expect.stringContaining(CERTIFICATE) },
    });
    expect(transactions()).toEqual([]);
    expect((await table.item(keys.certificate(CERTIFICATE)))!.tier).toBe('ESSENTIAL');
  });

  it.each([
    [
      'a malformed certificate number',
      withField(contractExample(), 'certificateNumber', 'nope'),
      'certificateNumber',
    ],
    [
      'a header-injecting email',
      withField(contractExample(), 'primaryContact.email', 'a@b.example\r\nBcc: x@y.example'),
      'primaryContact.email',
    ],
    ['an unknown tier', withField(contractExample(), 'tier', 'GOLD'), 'tier'],
    ['not an object', 'hello', '(body)'],
  ])('refuses %s as 400 with errors, touching nothing', async (_name, body, path) => {
    const out = await record()(input(body));
    expect(out).toMatchObject({
      outcome: 'REFUSED',
      problem: { status: 400, name: 'InvalidInput', detail: 'the registration is malformed' },
    });
    if (out.outcome !== 'REFUSED') throw new Error('expected REFUSED');
    expect((out.problem.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    expect(sends.count).toBe(0);
    expect(await table.items()).toEqual([]);
  });

  it.each([
    ['no actor', undefined],
    ['an actor with no role', { subject: 'alice' }],
    ['an actor of another role', { subject: 'alice', role: 'admin' }],
  ])('refuses a run started with %s as 400, touching nothing', async (_name, actor) => {
    const out = await record()({ ...input(), actor } as unknown as RecordRegistrationInput);
    expect(out).toMatchObject({
      outcome: 'REFUSED',
      problem: { status: 400, name: 'InvalidInput', detail: 'the actor is malformed' },
    });
    expect(sends.count).toBe(0);
    expect(await table.items()).toEqual([]);
  });

  it('refuses a registered serial with another support identifier as 422', async () => {
    await record()(input());
    sends.reset();
    const renewal = withField(
      withField(contractExample(), 'certificateNumber', '22222222-2222222'),
      'products.0.supportIdentifier',
      '9999-9999-9999',
    );

    const out = await record()(input(renewal));

    expect(out).toEqual({
      outcome: 'REFUSED',
      problem: {
        status: 422,
        name: 'RuleViolation',
        detail: expect.any(String),
        errors: [{ path: 'products.0.supportIdentifier', message: expect.stringContaining('M1234567890') }],
      },
    });
    expect(transactions()).toEqual([]);
  });
});

describe('record-registration: a renewal', () => {
  const RENEWAL = '22222222-2222222';
  const renewal = () =>
    withField(withField(contractExample(), 'certificateNumber', RENEWAL), 'term', {
      start: '2027-01-01',
      end: '2027-12-31',
    });

  it('extends the serial, keeps the Contact ID, stops the earlier reminders, and owes the Contact ID email on the renewal', async () => {
    await record(FIRST)(input());
    sends.reset();

    const out = await record(SECOND)(input(renewal(), 'req-renew'));

    expect(out).toMatchObject({
      outcome: 'RENEWED',
      certificateNumber: RENEWAL,
      contactId: idOf(FIRST),
      renewalOf: [CERTIFICATE],
    });
    expect(out).toMatchObject({
      delivery: {
        executionName: `contact-id-${idOf(FIRST)}-renewal-${RENEWAL}`,
        noticeKey: keys.certificate(RENEWAL),
      },
    });

    const items = transactions()[0]!.TransactItems!;
    expect(items.map((a) => (a.Put ? `Put ${a.Put.Item!.PK}` : `Update ${a.Update!.Key!.PK}`))).toEqual([
      `Put CERT#${RENEWAL}`,
      'Update SERIAL#M1234567890',
      `Update CERT#${CERTIFICATE}`,
      `Put OUTBOX#CertificateRenewed:${RENEWAL}`,
    ]);
    expect(items[0]!.Put!.Item).toMatchObject({
      contactIds: [],
      contactsCertificate: CERTIFICATE,
      primaryContactId: idOf(FIRST),
      notice: { kind: 'CONTACT_ID_ISSUED', status: 'PENDING' },
    });

    const serial = (await table.item(keys.serial('M1234567890')))!;
    expect(serial.terms.map((t: { certificateNumber: string }) => t.certificateNumber)).toEqual([
      CERTIFICATE,
      RENEWAL,
    ]);
    expect(serial.termCertificates).toEqual(new Set([CERTIFICATE, RENEWAL]));
    const earlier = (await table.item(keys.certificate(CERTIFICATE)))!;
    expect(earlier.nextReminder).toBeNull();
    expect(earlier.GSI2PK).toBeUndefined();
    expect(earlier.GSI2SK).toBeUndefined();
    expect(earlier.renewedBy).toEqual(new Set([RENEWAL]));
    expect((await itemKeys()).filter((k) => k.startsWith('CONTACT#'))).toHaveLength(1);
  });

  it('replays a renewal with its Contact ID email still owed, writing nothing', async () => {
    await record(FIRST)(input());
    await record(SECOND)(input(renewal()));
    sends.reset();

    const again = await record(SECOND)(input(renewal()));

    expect(again).toEqual({
      outcome: 'REPLAYED',
      certificateNumber: RENEWAL,
      contactId: idOf(FIRST),
      renewalOf: [CERTIFICATE],
      delivery: {
        executionName: `contact-id-${idOf(FIRST)}-renewal-${RENEWAL}`,
        noticeKey: keys.certificate(RENEWAL),
      },
    });
    expect(transactions()).toEqual([]);
  });
});
