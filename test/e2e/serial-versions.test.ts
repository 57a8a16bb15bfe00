/**
 * Serials move to new versions (PUT /serials/{serialNumber}/version) on the local stack:
 * forward only, within a major freely, to a later major only when entitled to a release of
 * it (announced with PUT /products/{p}/releases/{v}, its GA date come); the history on the
 * certificate; entitlements, lifecycle impact and notices follow the version run now.
 * One stack per file; dates are relative to its clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/calendar.ts';
import { clockOf, unchanged } from '../support/clock.ts';
import { registerVersions, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle, moveTo } = clockOf(() => stack);

let products = 0;
/** A product of its own per test, so releases, lifecycles and impacts do not mix. */
const newProduct = () => `Serial Suite ${++products}`;
const versionOf = (serial: string, version: unknown) => stack.put(`/serials/${serial}/version`, { version });
const announce = async (product: string, version: string, gaDate: string) => {
  const res = await stack.put(
    `/products/${encodeURIComponent(product)}/releases/${encodeURIComponent(version)}`,
    {
      gaDate,
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
  return res.body;
};
const lifecyclePath = (product: string, major: number) =>
  `/products/${encodeURIComponent(product)}/majors/${major}/lifecycle`;
const registered = (product: string, versions: string[], term: { start: string; end: string }) =>
  registerVersions(stack, product, versions, term);
type Registered = Awaited<ReturnType<typeof registered>>;

/** A renewal by certificate of `original`'s serials, for `term`. */
async function renewed(original: Registered, term: { start: string; end: string }) {
  const n = original.body.certificateNumber;
  const renewal = { ...original.body, certificateNumber: `${n.slice(0, 9)}9${n.slice(10)}`, term };
  const res = await stack.post('/registrations', renewal);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settle();
}

/** A refusal: problem+json with the status, its reasons (errors on `version`), nothing changed. */
async function refused(serial: string, version: unknown, status: number): Promise<any> {
  let body: any;
  await unchanged(stack, async () => {
    const res = await versionOf(serial, version);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    body = res.body;
  });
  return body;
}
const reasonsOf = (problem: any) => (problem.errors ?? []).map((e: any) => e.message).join(' ');

describe('PUT /serials/{serialNumber}/version', () => {
  it('moves forward within a major with no release; the same version again is a safe retry; never back', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const serial = customer.serials[0]!;

    const minor = await versionOf(serial, '12.1');
    expect(minor.status, JSON.stringify(minor.body)).toBe(200);
    expect(minor.body).toMatchObject({
      serialNumber: serial,
      product,
      version: '12.1',
      versionHistory: [
        { version: '12.1', from: '12.0', at: expect.any(String), requestId: expect.any(String) },
      ],
    });
    expect(minor.body.versionHistory[0].entitledBy).toBeUndefined();
    const mp = await versionOf(serial, '12.1 MP 1');
    expect(mp.status).toBe(200);
    expect(mp.body.versionHistory.map((h: any) => [h.from, h.version])).toEqual([
      ['12.0', '12.1'],
      ['12.1', '12.1 MP 1'],
    ]);

    // The same version again (however it is written): 200, nothing written, one history entry.
    for (const again of ['12.1 MP 1', '12.01 MP 1'])
      await unchanged(stack, async () => {
        const res = await versionOf(serial, again);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ version: '12.1 MP 1' });
        expect(res.body.versionHistory).toHaveLength(2);
      });

    // Back, within the major or to an earlier one: 422 with the reason.
    for (const older of ['12.1', '12.0 MP 3', '11.5']) {
      const problem = await refused(serial, older, 422);
      expect(reasonsOf(problem)).toContain(`${older} is older than 12.1 MP 1`);
    }

    // The certificate shows the version run now, the one registered, and the history.
    const certificate = await stack.get(`/certificates/${customer.body.certificateNumber}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body.status).toBe('ACTIVE');
    expect(certificate.body.products[0]).toMatchObject({
      serialNumber: serial,
      version: '12.1 MP 1',
      registeredVersion: '12.0',
      versionHistory: [
        { version: '12.1', from: '12.0' },
        { version: '12.1 MP 1', from: '12.1' },
      ],
    });
    // The ByProduct index follows: a GA run of 12.1 MP 2 would read it among earlier versions.
    const item = (await stack.items()).find((i) => i.PK?.S === `SERIAL#${serial}` && i.SK?.S === 'SERIAL')!;
    expect(item.GSI1SK.S).toBe(`V#0012.0001.0000.001#${serial}`);
  });

  it('moves to a new major only when entitled to a release of it, and says why not', async () => {
    const product = newProduct();
    const T = today();
    const ga = addDays(T, 10);
    const entitled = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const lapsed = await registered(product, ['12.0'], { start: addDays(T, -300), end: addDays(T, 5) });
    // Lapsed long ago and renewed since (before the announcement): the gap breaks it.
    const gap = await registered(product, ['12.0'], { start: addDays(T, -400), end: addDays(T, -100) });
    await renewed(gap, { start: addDays(T, -50), end: addDays(T, 300) });

    const release = await announce(product, '13.0', ga);
    expect(release).toMatchObject({ gaDate: ga, announcedOn: T });
    // The same announcement moved later keeps the day it was first announced.
    const moved = await stack.put(`/products/${encodeURIComponent(product)}/releases/13.0`, { gaDate: ga });
    expect(moved.body.announcedOn).toBe(T);

    // Before GA the release cannot be run.
    const early = await refused(entitled.serials[0]!, '13.0', 422);
    expect(reasonsOf(early)).toContain(`13.0 on ${ga}`);

    await moveTo(addDays(T, 1));
    // A contract bought after the announcement, before GA: not established before it.
    const bought = await registered(product, ['12.0'], { start: addDays(T, 1), end: addDays(T, 366) });
    await moveTo(ga);

    const up = await versionOf(entitled.serials[0]!, '13.0');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({
      version: '13.0',
      versionHistory: [
        { version: '13.0', from: '12.0', entitledBy: { version: '13.0', gaDate: ga, rule: 'CURRENT_ON_GA' } },
      ],
    });
    expect(up.body.reasons.join(' ')).toContain(
      `Reference date ${T}: the day ${product} 13.0 was first announced`,
    );
    expect(up.body.reasons.join(' ')).toContain('Coverage was continuous since its first registration');
    // Later within the new major: no entitlement needed again.
    expect((await versionOf(entitled.serials[0]!, '13.0 MP 1')).status).toBe(200);

    const cases: Array<[Registered, string, string]> = [
      [lapsed, 'LAPSED_BEFORE_GA', `coverage lapsed on ${addDays(T, 5)}`],
      [gap, 'GAP_BEFORE_GA', `coverage lapsed after ${addDays(T, -100)}`],
      [bought, 'STARTED_AFTER_ANNOUNCEMENT', `established on ${addDays(T, 1)}`],
    ];
    for (const [customer, rule, because] of cases) {
      const problem = await refused(customer.serials[0]!, '13.0', 422);
      expect(problem.detail).toContain('is not entitled to upgrade');
      const reasons = reasonsOf(problem);
      expect(reasons, rule).toContain(`rule ${rule}`);
      expect(reasons, rule).toContain(because);
      expect(reasons, rule).toContain(`Reference date ${T}`);
      expect(reasons, rule).toMatch(/Coverage was (not )?continuous/);
    }

    // A major with no release of this product: no version of it (another product's, or not announced).
    const unknown = await refused(entitled.serials[0]!, '14.0', 422);
    expect(reasonsOf(unknown)).toContain(`No release of ${product} major 14 has been announced`);
  });

  it('a correction of the certificate (term and company) keeps the version a serial moved to', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const serial = customer.serials[0]!;
    expect((await versionOf(serial, '12.2')).status).toBe(200);

    const n = customer.body.certificateNumber;
    const corrected = await stack.patch(`/certificates/${n}`, {
      company: { name: 'Acme Corrected SA' },
      term: { end: addDays(T, 320) },
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const view = (await stack.get(`/certificates/${n}`)).body;
    expect(view.products[0]).toMatchObject({ serialNumber: serial, version: '12.2' });
    expect(view.products[0].coverage.end).toBe(addDays(T, 320));
    expect((await stack.get(`/entitlements/${customer.contactId}`)).body.products[0].version).toBe('12.2');
  });

  it('answers 404 for an unknown serial and 400 for malformed input, changing nothing', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const serial = customer.serials[0]!;
    expect((await refused('M9999999999', '12.1', 404)).detail).toContain('M9999999999');
    for (const [path, body] of [
      ['/serials/X123/version', { version: '12.1' }],
      ['/serials/m1234567890/version', { version: '12.1' }],
      [`/serials/${serial}/version`, { version: 'thirteen' }],
      [`/serials/${serial}/version`, { version: '13.0.0.0' }],
      [`/serials/${serial}/version`, { version: 13 }],
      [`/serials/${serial}/version`, { version: '13.0', product: 'Other' }],
      [`/serials/${serial}/version`, {}],
      [`/serials/${serial}/version`, '{"version": '],
    ] as const)
      await unchanged(stack, async () => {
        const res = await stack.put(path, body);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });
  });

  it('of concurrent moves one wins; each loser is a 409 (or 422 once behind the winner), never half-applied', async () => {
    const product = newProduct();
    const T = today();
    const customer = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const serial = customer.serials[0]!;
    const targets = ['12.1', '12.2', '12.3', '12.4', '12.5', '12.6'];
    const answers = await Promise.all(targets.map((v) => versionOf(serial, v)));
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => [200, 409, 422].includes(s)),
      JSON.stringify(statuses),
    ).toBe(true);
    expect(statuses).toContain(409);

    const certificate = await stack.get(`/certificates/${customer.body.certificateNumber}`);
    const history = certificate.body.products[0].versionHistory;
    // Each 200 is one history entry, in a chain from 12.0 to the version run now.
    expect(history).toHaveLength(statuses.filter((s) => s === 200).length);
    expect(history[0].from).toBe('12.0');
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].version);
    expect(certificate.body.products[0].version).toBe(history.at(-1).version);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.detail).toContain('meanwhile');

    // The same move sent twice at once (a retried request): both 200, one history entry.
    const other = await registered(product, ['12.0'], { start: addDays(T, -30), end: addDays(T, 300) });
    const twice = await Promise.all([1, 2].map(() => versionOf(other.serials[0]!, '12.1')));
    expect(twice.map((a) => a.status)).toEqual([200, 200]);
    for (const a of twice)
      expect(a.body).toMatchObject({ version: '12.1', versionHistory: [{ version: '12.1' }] });
  });

  it('entitlements, lifecycle impact and lifecycle notices follow the version run now', async () => {
    const product = newProduct();
    const T = today();
    const term = { start: addDays(T, -30), end: addDays(T, 300) };
    const upgraded = await registered(product, ['12.0'], term);
    const stayed = await registered(product, ['12.0'], term);
    await announce(product, '13.0', addDays(T, 2));
    await moveTo(addDays(T, 2));
    const now = addDays(T, 2);

    const dryRun = (major: number) =>
      stack.put(`${lifecyclePath(product, major)}?dryRun=true`, {
        eolDate: addDays(now, 100),
        partialSupportDate: addDays(now, 200),
        endOfSupportDate: addDays(now, 300),
      });
    expect((await dryRun(12)).body.impact).toEqual({ serials: 2, contacts: 2, certificates: 2 });
    expect((await dryRun(13)).status).toBe(404); // nobody runs 13 yet
    const before = await stack.get(`/entitlements/${upgraded.contactId}`);
    expect(before.body.products[0]).toMatchObject({ version: '12.0' });

    expect((await versionOf(upgraded.serials[0]!, '13.0')).status).toBe(200);

    expect((await dryRun(12)).body.impact).toEqual({ serials: 1, contacts: 1, certificates: 1 });
    expect((await dryRun(13)).body.impact).toEqual({ serials: 1, contacts: 1, certificates: 1 });

    // Major 12 reaches end of support (dates already past): only the serial still on it is told and loses support.
    const sent = async () => [
      (await stack.emails(upgraded.to)).length,
      (await stack.emails(stayed.to)).length,
    ];
    const [upgradedBefore, stayedBefore] = await sent();
    const eos = await stack.put(lifecyclePath(product, 12), {
      eolDate: addDays(now, -10),
      partialSupportDate: addDays(now, -5),
      endOfSupportDate: addDays(now, -1),
    });
    expect(eos.status, JSON.stringify(eos.body)).toBe(201);
    await settle();
    expect(await sent()).toEqual([upgradedBefore, stayedBefore! + 1]);

    const onNew = (await stack.get(`/entitlements/${upgraded.contactId}`)).body;
    expect(onNew).toMatchObject({ entitled: true });
    expect(onNew.products[0]).toMatchObject({ version: '13.0', supportPhase: 'STANDARD' });
    const onOld = (await stack.get(`/entitlements/${stayed.contactId}`)).body;
    expect(onOld).toMatchObject({ entitled: false });
    expect(onOld.products[0]).toMatchObject({ version: '12.0', supportPhase: 'NONE' });

    // A lifecycle for 13 tells the upgraded serial's contact, not the other.
    const thirteen = await stack.put(lifecyclePath(product, 13), {
      eolDate: addDays(now, 100),
      partialSupportDate: addDays(now, 200),
      endOfSupportDate: addDays(now, 300),
    });
    expect(thirteen.status, JSON.stringify(thirteen.body)).toBe(201);
    await settle();
    expect(await sent()).toEqual([upgradedBefore! + 1, stayedBefore! + 1]);
  });
});
