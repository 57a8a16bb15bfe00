/**
 * Renewals over HTTP on the local stack (issue 11, points 1 and 2): a renewal emails the
 * Contact ID to the primary contact it names, once; a partial renewal stops the reminders
 * of the serials it renews only; the installation's time zone and country are checked.
 * One stack (and clock) for the file: each test dates its contracts from where the clock stands.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrectionStore } from '../../functions/adapters/corrections.ts';
import { ReminderStore } from '../../functions/adapters/reminders.ts';
import { keys, shardOf } from '../../functions/adapters/table-design.ts';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { reminderDigestId } from '../../functions/core/reminders.ts';
import { claimRenewalReminders } from '../../functions/use-cases/remind-renewals.ts';
import { voidCertificate } from '../../functions/use-cases/void-certificate.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let s: TestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(() => s?.stop());

type Registration = ReturnType<typeof registration>;
const settle = () => s.stepFunctions.idle();
const today = () => dayOf(s.clock.now());
const moveTo = async (day: string) => {
  const r = await s.post('/_local/clock', { now: `${day}T12:00:00Z` });
  expect(r.status).toBe(200);
};

let people = 0;
const person = () => {
  people++;
  return {
    name: `Person ${people}`,
    email: `renewal-person-${people}-${process.pid}@customer.example`,
    phone: '+33 1 00 00 00 00',
    language: 'en',
  };
};

const contactIdEmails = async (to: string) =>
  (await s.emails(to)).filter((e) => /Contact ID/.test(e.subject));
const reminders = async (to: string) =>
  (await s.emails(to)).filter((e) => /Renewal reminder|Rappel de renouvellement|Напоминание/.test(e.subject));

/** A registered certificate, `serials` products long, whose term ends on `end`. */
async function registered(end: string, serials = 1, overrides: Record<string, unknown> = {}) {
  const base = registration({ term: { start: addDays(end, -364), end }, ...overrides });
  const [first] = base.products;
  const body: Registration = {
    ...base,
    primaryContact: { ...base.primaryContact, language: 'en' },
    products: Array.from({ length: serials }, (_, i) => ({
      ...first!,
      serialNumber: `${first!.serialNumber.slice(0, 9)}${i}${first!.serialNumber.at(-1)}`,
      supportIdentifier: `${first!.supportIdentifier.slice(0, 10)}${i}${first!.supportIdentifier.slice(11)}`,
    })),
  };
  const res = await s.post('/registrations', body);
  expect(res.status).toBe(201);
  await settle();
  return { body, contactId: res.body.contactId as string };
}

/** A renewal of `products` (all of them by default) for the year after the original's term. */
function renewalOf(original: Registration, overrides: Record<string, unknown> = {}) {
  const fresh = registration();
  return {
    ...original,
    certificateNumber: fresh.certificateNumber,
    salesOrderNumber: fresh.salesOrderNumber,
    term: { start: addDays(original.term.end, 1), end: addDays(original.term.end, 365) },
    ...overrides,
  };
}

const certificate = async (n: string) => (await s.get(`/certificates/${n}`)).body;
const contactOf = (view: { contacts: Array<{ contactId: string }> }, contactId: string) =>
  view.contacts.find((c) => c.contactId === contactId);

describe('a renewal sends the Contact ID', () => {
  it('emails the same Contact ID once to the same person; a replay sends nothing', async () => {
    const { body, contactId } = await registered(addDays(today(), 200));
    const to = body.primaryContact.email;
    expect(await contactIdEmails(to)).toHaveLength(1);

    const renewal = renewalOf(body);
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'RENEWED', contactId, renewalOf: [body.certificateNumber] });
    await settle();
    const emails = await contactIdEmails(to);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body.text).toContain(contactId);
    expect(emails[1]!.subject).toContain(renewal.certificateNumber);

    const again = await s.post('/registrations', renewal);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'REPLAYED', contactId });
    await settle();
    expect(await contactIdEmails(to)).toHaveLength(2);
    const original = await certificate(body.certificateNumber);
    expect(original.contacts).toEqual([
      expect.objectContaining({ contactId, role: 'PRIMARY', status: 'ACTIVE' }),
    ]);
  });

  it('issues a new Contact ID to a new person, who becomes primary; the old primary stays designated (Essential)', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const newcomer = person();
    const renewal = renewalOf(body, { primaryContact: newcomer });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    expect(newId).not.toBe(oldId);
    await settle();
    const emails = await contactIdEmails(newcomer.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toContain(newId);
    expect(await contactIdEmails(body.primaryContact.email)).toHaveLength(1); // only its own, at purchase

    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, newId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, oldId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    // Both Contact IDs verify.
    for (const id of [newId, oldId]) expect((await s.get(`/entitlements/${id}`)).status).toBe(200);

    expect((await s.post('/registrations', renewal)).status).toBe(200);
    await settle();
    expect(await contactIdEmails(newcomer.email)).toHaveLength(1);
  });

  it('replaces the old primary when the tier has no room for it (Basic, with a designated contact already)', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200), 1, { tier: 'BASIC' });
    const designated = { ...person(), address: '2 avenue Y, Lyon', company: 'Acme SA' };
    const added = await s.post(`/certificates/${body.certificateNumber}/contacts`, {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
      contact: designated,
    });
    expect(added.status).toBe(201);
    await settle();

    const newcomer = person();
    const res = await s.post('/registrations', renewalOf(body, { primaryContact: newcomer }));
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();
    expect(await contactIdEmails(newcomer.email)).toHaveLength(1);

    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, newId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, added.body.contactId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    expect(contactOf(original, oldId)).toMatchObject({ status: 'REPLACED' });
    const oldItem = (await s.items()).find((i) => i.PK?.S === `CONTACT#${oldId}`);
    expect(oldItem?.replacedBy?.S).toBe(newId);
    expect(original.contacts.filter((c: { status: string }) => c.status === 'ACTIVE')).toHaveLength(2);
  });

  it('serialises with a contact added at the same moment: the tier’s limit holds (Basic)', async () => {
    const { body } = await registered(addDays(today(), 200), 1, { tier: 'BASIC' });
    const newcomer = person();
    const [added, renewed] = await Promise.all([
      s.post(`/certificates/${body.certificateNumber}/contacts`, {
        salesOrderNumber: body.salesOrderNumber,
        products: body.products.map((p) => ({
          serialNumber: p.serialNumber,
          supportIdentifier: p.supportIdentifier,
        })),
        contact: { ...person(), address: '2 avenue Y, Lyon', company: 'Acme SA' },
      }),
      s.post('/registrations', renewalOf(body, { primaryContact: newcomer })),
    ]);
    expect(renewed.status).toBe(201);
    expect([201, 409]).toContain(added.status);
    await settle();
    const original = await certificate(body.certificateNumber);
    const active = original.contacts.filter((c: { status: string }) => c.status === 'ACTIVE');
    expect(active).toHaveLength(2);
    expect(active.filter((c: { role: string }) => c.role === 'PRIMARY')).toEqual([
      expect.objectContaining({ contactId: renewed.body.contactId }),
    ]);
    expect(await contactIdEmails(newcomer.email)).toHaveLength(1);
  });

  it('sends one email when two identical renewals race', async () => {
    const { body } = await registered(addDays(today(), 200));
    const newcomer = person();
    const renewal = renewalOf(body, { primaryContact: newcomer });
    const [a, b] = await Promise.all([s.post('/registrations', renewal), s.post('/registrations', renewal)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.contactId).toBe(b.body.contactId);
    await settle();
    expect(await contactIdEmails(newcomer.email)).toHaveLength(1);
    const original = await certificate(body.certificateNumber);
    expect(original.contacts.filter((c: { role: string }) => c.role === 'PRIMARY')).toEqual([
      expect.objectContaining({ contactId: a.body.contactId }),
    ]);
  });
});

describe('voiding a renewal puts its roster change back', () => {
  const designatedOn = (body: Registration) => ({
    salesOrderNumber: body.salesOrderNumber,
    products: body.products.map((p) => ({
      serialNumber: p.serialNumber,
      supportIdentifier: p.supportIdentifier,
    })),
    contact: { ...person(), address: '2 avenue Y, Lyon', company: 'Acme SA' },
  });
  const audits = (view: { audit: Array<Record<string, any>> }, action: string) =>
    view.audit.filter((a) => a.action === action);
  const verifies = async (contactId: string) => (await s.get(`/entitlements/${contactId}`)).status;
  const itemOf = async (pk: string, sk: string) =>
    (await s.items()).find((i) => i.PK?.S === pk && i.SK?.S === sk);

  it('a new person named by the renewal: withdrawn (no longer verifying), the former primary primary again, nothing emailed', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const newcomer = person();
    const renewal = renewalOf(body, { primaryContact: newcomer });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();

    // The renewal keeps its roster change, and the contacts' certificate audits it.
    const item = await itemOf(`CERT#${renewal.certificateNumber}`, 'CERTIFICATE');
    expect(item?.rosterChange?.M?.contactId?.S).toBe(newId);
    expect(item?.rosterChange?.M?.created?.BOOL).toBe(true);
    const renewed = await certificate(body.certificateNumber);
    expect(audits(renewed, 'RENEWAL_CONTACTS_CHANGED')).toEqual([
      expect.objectContaining({
        via: renewal.certificateNumber,
        contactId: newId,
        change: 'NEW_PRIMARY',
        formerPrimary: { contactId: oldId, became: 'DESIGNATED' },
        // Whole for licensing ops; masked for a support engineer.
        email: newcomer.email,
      }),
    ]);
    const masked = await s.as('support-engineer').get(`/certificates/${body.certificateNumber}`);
    expect(JSON.stringify(masked.body)).not.toContain(newcomer.email);
    const sentBefore = (await s.emails()).length;

    const voided = await s.delete(`/certificates/${renewal.certificateNumber}`);
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('VOID');
    expect(audits(voided.body, 'CERTIFICATE_VOIDED')).toEqual([
      expect.objectContaining({
        rosterChange: { outcome: 'REVERTED', contactsCertificate: body.certificateNumber },
      }),
    ]);

    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, oldId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, newId)).toMatchObject({ status: 'REPLACED' });
    expect(audits(original, 'RENEWAL_CONTACTS_REVERTED')).toEqual([
      expect.objectContaining({
        via: renewal.certificateNumber,
        contactId: oldId,
        withdrawnContactId: newId,
      }),
    ]);
    expect(await verifies(newId)).toBe(404);
    expect(await verifies(oldId)).toBe(200);
    const holder = await itemOf(`CERT#${body.certificateNumber}`, 'CERTIFICATE');
    expect(holder?.primaryContactId?.S).toBe(oldId);
    expect(Object.keys(holder?.roster?.M ?? {})).toEqual([oldId]);
    expect(holder?.formerContactIds?.SS).toEqual([newId]);
    const withdrawn = await itemOf(`CONTACT#${newId}`, 'CONTACT');
    expect(withdrawn).toMatchObject({
      status: { S: 'REPLACED' },
      replacedBy: { S: oldId },
      withdrawnWith: { S: renewal.certificateNumber },
    });

    // The void emails nobody; voiding again changes nothing.
    await settle();
    expect(await s.emails()).toHaveLength(sentBefore);
    const frozen = await s.items();
    expect((await s.delete(`/certificates/${renewal.certificateNumber}`)).status).toBe(200);
    expect(await s.items()).toEqual(frozen);

    // A resend goes to the primary contact restored, with its own Contact ID.
    const resend = await s.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
    });
    expect(resend.status).toBe(202);
    await settle();
    const again = await contactIdEmails(body.primaryContact.email);
    expect(again).toHaveLength(2);
    expect(again[1]!.body.text).toContain(oldId);
    expect(await contactIdEmails(newcomer.email)).toHaveLength(1);
  });

  it('a former primary the renewal replaced (Basic, full) is reinstated and verifies again', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200), 1, { tier: 'BASIC' });
    const added = await s.post(`/certificates/${body.certificateNumber}/contacts`, designatedOn(body));
    expect(added.status).toBe(201);
    const designatedId = added.body.contactId as string;
    const renewal = renewalOf(body, { primaryContact: person() });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();
    expect(await verifies(oldId)).toBe(404);
    expect(audits(await certificate(body.certificateNumber), 'RENEWAL_CONTACTS_CHANGED')).toEqual([
      expect.objectContaining({ contactId: newId, formerPrimary: { contactId: oldId, became: 'REPLACED' } }),
    ]);
    const sentBefore = (await s.emails()).length;

    expect((await s.delete(`/certificates/${renewal.certificateNumber}`)).status).toBe(200);
    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, oldId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, designatedId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    expect(contactOf(original, newId)).toMatchObject({ status: 'REPLACED' });
    expect(original.contacts.filter((c: { status: string }) => c.status === 'ACTIVE')).toHaveLength(2);
    expect(audits(original, 'RENEWAL_CONTACTS_REVERTED')).toEqual([
      expect.objectContaining({ contactId: oldId, withdrawnContactId: newId, reinstatedContactId: oldId }),
    ]);
    expect(await verifies(oldId)).toBe(200);
    expect(await verifies(designatedId)).toBe(200);
    expect(await verifies(newId)).toBe(404);
    const reinstated = await itemOf(`CONTACT#${oldId}`, 'CONTACT');
    expect(reinstated?.replacedBy).toBeUndefined();
    expect(reinstated?.serialNumbers?.L?.map((x: any) => x.S)).toEqual(
      body.products.map((p) => p.serialNumber),
    );
    const holder = await itemOf(`CERT#${body.certificateNumber}`, 'CERTIFICATE');
    expect(Object.keys(holder?.roster?.M ?? {}).sort()).toEqual([oldId, designatedId].sort());
    expect(holder?.formerContactIds?.SS).toEqual([newId]);
    await settle();
    expect(await s.emails()).toHaveLength(sentBefore);

    // The tier's limit holds on the restored roster: still full.
    expect(
      (await s.post(`/certificates/${body.certificateNumber}/contacts`, designatedOn(body))).status,
    ).toBe(409);
  });

  it('a designated contact the renewal promoted is designated again, the former primary primary', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const designated = designatedOn(body);
    const added = await s.post(`/certificates/${body.certificateNumber}/contacts`, designated);
    expect(added.status).toBe(201);
    const designatedId = added.body.contactId as string;
    const renewal = renewalOf(body, {
      primaryContact: { ...person(), email: designated.contact.email.toUpperCase() },
    });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    expect(res.body.contactId).toBe(designatedId);
    await settle();
    expect(audits(await certificate(body.certificateNumber), 'RENEWAL_CONTACTS_CHANGED')).toEqual([
      expect.objectContaining({
        contactId: designatedId,
        change: 'PROMOTED',
        formerPrimary: { contactId: oldId, became: 'DESIGNATED' },
      }),
    ]);

    expect((await s.delete(`/certificates/${renewal.certificateNumber}`)).status).toBe(200);
    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, oldId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, designatedId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    expect(audits(original, 'RENEWAL_CONTACTS_REVERTED')).toEqual([
      expect.objectContaining({ contactId: oldId, demotedContactId: designatedId }),
    ]);
    for (const id of [oldId, designatedId]) expect(await verifies(id)).toBe(200);
  });

  it('leaves the roster as it is, and says so, when a contact change moved those seats since', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const renewal = renewalOf(body, { primaryContact: person() });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();
    const replaced = await s.put(`/certificates/${body.certificateNumber}/contacts/${newId}`, {
      products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
      contact: designatedOn(body).contact,
    });
    expect(replaced.status).toBe(200);
    const successorId = replaced.body.contactId as string;
    await settle();
    const sentBefore = (await s.emails()).length;

    const voided = await s.delete(`/certificates/${renewal.certificateNumber}`);
    expect(voided.status).toBe(200);
    expect(audits(voided.body, 'CERTIFICATE_VOIDED')).toEqual([
      expect.objectContaining({
        rosterChange: expect.objectContaining({ outcome: 'KEPT', reason: expect.stringContaining(newId) }),
      }),
    ]);
    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, successorId)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, oldId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    expect(audits(original, 'RENEWAL_CONTACTS_KEPT')).toEqual([
      expect.objectContaining({ via: renewal.certificateNumber, contactId: newId }),
    ]);
    for (const id of [successorId, oldId]) expect(await verifies(id)).toBe(200);
    await settle();
    expect(await s.emails()).toHaveLength(sentBefore);
  });
  it('racing a replacement of the contact it named, ends with one primary and the audit saying which came first', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const renewal = renewalOf(body, { primaryContact: person() });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();
    const [voided, replaced] = await Promise.all([
      s.delete(`/certificates/${renewal.certificateNumber}`),
      s.put(`/certificates/${body.certificateNumber}/contacts/${newId}`, {
        products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
        contact: designatedOn(body).contact,
      }),
    ]);
    expect(voided.status).toBe(200);
    expect([200, 409]).toContain(replaced.status);
    await settle();
    const original = await certificate(body.certificateNumber);
    const active = original.contacts.filter((c: { status: string }) => c.status === 'ACTIVE');
    const primaries = active.filter((c: { role: string }) => c.role === 'PRIMARY');
    expect(primaries).toHaveLength(1);
    expect(await verifies(newId)).toBe(404);
    if (replaced.status === 200) {
      // The replacement came first: the void kept the roster.
      expect(primaries[0].contactId).toBe(replaced.body.contactId);
      expect(audits(original, 'RENEWAL_CONTACTS_KEPT')).toHaveLength(1);
    } else {
      expect(primaries[0].contactId).toBe(oldId);
      expect(audits(original, 'RENEWAL_CONTACTS_REVERTED')).toHaveLength(1);
    }
    const holder = await itemOf(`CERT#${body.certificateNumber}`, 'CERTIFICATE');
    expect(Object.keys(holder?.roster?.M ?? {}).sort()).toEqual(active.map((c: any) => c.contactId).sort());
  });
  it('a contact change committed between the void’s read and its write: the void decides again and keeps the roster', async () => {
    const { body, contactId: oldId } = await registered(addDays(today(), 200));
    const renewal = renewalOf(body, { primaryContact: person() });
    const res = await s.post('/registrations', renewal);
    expect(res.status).toBe(201);
    const newId = res.body.contactId as string;
    await settle();

    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: s.dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const store = new CorrectionStore(db, s.tableName);
    const load = store.loadVoid.bind(store);
    let successorId: string | undefined;
    store.loadVoid = async (n) => {
      const context = await load(n);
      if (!successorId) {
        // Read with the renewal's seats in place; the named contact is replaced before the write.
        expect(context?.roster?.holder.roster[newId]?.role).toBe('PRIMARY');
        const replaced = await s.put(`/certificates/${body.certificateNumber}/contacts/${newId}`, {
          products: body.products.map((p) => ({ serialNumber: p.serialNumber })),
          contact: designatedOn(body).contact,
        });
        expect(replaced.status).toBe(200);
        successorId = replaced.body.contactId as string;
      }
      return context;
    };
    const out = await voidCertificate(store)({
      certificateNumber: renewal.certificateNumber,
      requestId: 'void-race',
      receivedAt: s.clock.now().toISOString(),
      actor: { subject: 'alice', role: 'licensing-ops' },
    });
    expect(out).toEqual({ outcome: 'VOIDED' });
    const original = await certificate(body.certificateNumber);
    expect(contactOf(original, successorId!)).toMatchObject({ role: 'PRIMARY', status: 'ACTIVE' });
    expect(contactOf(original, oldId)).toMatchObject({ role: 'DESIGNATED', status: 'ACTIVE' });
    expect(contactOf(original, newId)).toMatchObject({ status: 'REPLACED' });
    expect(audits(original, 'RENEWAL_CONTACTS_REVERTED')).toHaveLength(0);
    expect(audits(original, 'RENEWAL_CONTACTS_KEPT')).toHaveLength(1);
    expect((await certificate(renewal.certificateNumber)).status).toBe('VOID');
  });
});

describe('a partial renewal', () => {
  it('keeps reminding of the serial it left out at every offset, and only of it', async () => {
    const end = addDays(today(), 100);
    const { body } = await registered(end, 2);
    const [renewed, left] = body.products;
    const res = await s.post('/registrations', renewalOf(body, { products: [renewed] }));
    expect(res.status).toBe(201);
    await settle();
    const to = body.primaryContact.email;
    for (const offset of [90, 60, 30, 7, 0, -30]) {
      const day = addDays(end, -offset);
      await moveTo(day);
      const sent = await reminders(to);
      expect(sent).toHaveLength([90, 60, 30, 7, 0, -30].indexOf(offset) + 1);
      const text = sent.at(-1)!.body.text!;
      expect(text).toContain(body.certificateNumber);
      expect(text).toContain(left!.serialNumber);
      expect(text).not.toContain(renewed!.serialNumber);
    }
    const original = await certificate(body.certificateNumber);
    expect(original.nextReminder).toBeNull();
  });

  it('stops every reminder of the earlier term when all its serials are renewed', async () => {
    const end = addDays(today(), 100);
    const { body } = await registered(end, 2);
    expect((await s.post('/registrations', renewalOf(body))).status).toBe(201);
    await settle();
    const original = await certificate(body.certificateNumber);
    expect(original.nextReminder).toBeNull();
    await moveTo(addDays(end, 31));
    expect(await reminders(body.primaryContact.email)).toHaveLength(0);
  });

  it.each([
    ['some serials', 1],
    ['every serial', 2],
  ])('racing the daily reminder run, renewing %s, ends consistent', async (_, renewing) => {
    const end = addDays(today(), 40);
    const { body } = await registered(end, 2);
    const renewedSerials = body.products.slice(0, renewing).map((p) => p.serialNumber);
    const leftSerials = body.products.slice(renewing).map((p) => p.serialNumber);
    const to = body.primaryContact.email;
    const day = addDays(end, -30);
    await moveTo(addDays(day, -1));

    const [clock, res] = await Promise.all([
      s.post('/_local/clock', { now: `${day}T12:00:00Z` }),
      s.post('/registrations', renewalOf(body, { products: body.products.slice(0, renewing) })),
    ]);
    expect(clock.status).toBe(200);
    expect(res.status).toBe(201);
    await settle();

    // The day's reminder went before the renewal (naming every serial), or after it (naming
    // only what is left, or nothing when all is renewed): never twice, never a renewed serial late.
    const sent = await reminders(to);
    expect(sent.length).toBeLessThanOrEqual(1);
    if (sent.length === 1) {
      const text = sent[0]!.body.text!;
      for (const serial of leftSerials) expect(text).toContain(serial);
      const named = renewedSerials.filter((serial) => text.includes(serial));
      expect(named.length === 0 || named.length === renewedSerials.length).toBe(true);
    } else expect(leftSerials).toHaveLength(0);

    const original = await certificate(body.certificateNumber);
    if (leftSerials.length === 0) expect(original.nextReminder).toBeNull();
    else expect(original.nextReminder).toMatchObject({ offset: 7, on: addDays(end, -7) });

    // The next offset names only what is left, or nothing at all.
    await moveTo(addDays(end, -7));
    const after = await reminders(to);
    expect(after).toHaveLength(sent.length + (leftSerials.length ? 1 : 0));
    if (leftSerials.length) {
      const text = after.at(-1)!.body.text!;
      for (const serial of leftSerials) expect(text).toContain(serial);
      for (const serial of renewedSerials) expect(text).not.toContain(serial);
    }
  });
});

describe('a renewal committed between the reminder claim’s read and its write', () => {
  it.each([
    ['some serials', 1],
    ['every serial', 2],
  ])('renewing %s: the claim is decided again on the certificate as it now is', async (_, renewing) => {
    const end = addDays(today(), 40);
    const { body } = await registered(end, 2);
    const to = body.primaryContact.email;
    const left = body.products.slice(renewing).map((p) => p.serialNumber);
    const renewedSerials = body.products.slice(0, renewing).map((p) => p.serialNumber);
    const day = addDays(end, -30);
    await moveTo(addDays(day, -1));

    // The claim Task of the day, its index read answered before the renewal commits.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: s.dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const store = new ReminderStore(db, s.tableName);
    const read = store.dueOn.bind(store);
    let renewedMeanwhile = false;
    store.dueOn = async function* (d, shard, cost) {
      for await (const page of read(d, shard, cost)) {
        if (page.some((c) => c.certificateNumber === body.certificateNumber)) {
          const res = await s.post(
            '/registrations',
            renewalOf(body, { products: body.products.slice(0, renewing) }),
          );
          expect(res.status).toBe(201);
          renewedMeanwhile = true;
        }
        yield page;
      }
    };
    const claimed = await claimRenewalReminders(store, {
      day,
      shard: shardOf(`${body.certificateNumber}#30`),
      offsets: {},
      renewUrl: 'https://renew.example',
    });
    expect(renewedMeanwhile).toBe(true);
    const digest = await db.send(
      new GetCommand({
        TableName: s.tableName,
        Key: keys.notice(reminderDigestId(day, to)),
        ConsistentRead: true,
      }),
    );
    const ledger = await db.send(
      new GetCommand({
        TableName: s.tableName,
        Key: keys.reminder(body.certificateNumber, end, 30),
        ConsistentRead: true,
      }),
    );
    if (left.length) {
      expect(claimed.claimed).toBeGreaterThanOrEqual(1);
      const lines = [...((digest.Item?.lines as Set<string> | undefined) ?? [])].map(
        (l) => JSON.parse(l).products as string,
      );
      expect(lines).toHaveLength(1);
      for (const serial of left) expect(lines[0]).toContain(serial);
      for (const serial of renewedSerials) expect(lines[0]).not.toContain(serial);
    } else {
      expect(ledger.Item).toBeUndefined();
      expect(digest.Item).toBeUndefined();
    }

    // The day's run delivers what was claimed, once, and the next offset follows the same rule.
    await moveTo(day);
    await settle();
    const sent = await reminders(to);
    expect(sent).toHaveLength(left.length ? 1 : 0);
    await moveTo(addDays(end, -7));
    const after = await reminders(to);
    expect(after).toHaveLength(left.length ? 2 : 0);
    for (const email of after) {
      for (const serial of left) expect(email.body.text).toContain(serial);
      for (const serial of renewedSerials) expect(email.body.text).not.toContain(serial);
    }
  });
});

describe('time zone and country', () => {
  it('stores them, and a replay with them is the same registration', async () => {
    const body = { ...registration(), timeZone: 'Europe/Paris', country: 'FR' };
    expect((await s.post('/registrations', body)).status).toBe(201);
    const item = (await s.items()).find(
      (i) => i.PK?.S === `CERT#${body.certificateNumber}` && i.SK?.S === 'CERTIFICATE',
    );
    expect(item?.timeZone?.S).toBe('Europe/Paris');
    expect(item?.country?.S).toBe('FR');
    expect((await s.post('/registrations', body)).status).toBe(200);
    const { timeZone: _tz, ...without } = body;
    expect((await s.post('/registrations', without)).status).toBe(409);
  });

  it.each([
    ['timeZone', 'Mars/Olympus_Mons'],
    ['timeZone', 'Europe/Paris; DROP'],
    ['country', 'XX'],
    ['country', 'fr'],
    ['country', 'FRA'],
  ])('refuses %s %s with 400, storing and sending nothing', async (field, value) => {
    const body = { ...registration(), [field]: value };
    const res = await s.post('/registrations', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).toContain(field);
    await settle();
    expect((await s.get(`/certificates/${body.certificateNumber}`)).status).toBe(404);
    const stored = (await s.items()).filter((i) => i.PK?.S === `CERT#${body.certificateNumber}`);
    expect(stored).toHaveLength(0);
    expect(await s.emails(body.primaryContact.email)).toHaveLength(0);
  });
});
