/**
 * Opting out of renewal reminders on the local stack (issue 12, point 6): a designated contact
 * follows the link of their reminder digest, confirms, and gets no more renewal reminders; the
 * primary contact on the same certificate still does, and the Contact ID resend still reaches
 * the one who opted out. Forged or tampered links store nothing; the page (GET) changes
 * nothing; a second opt-out is the first. The certificate shows it, and its audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../functions/core/calendar.ts';
import { maskEmail } from '../../functions/core/registration.ts';
import { unsubscribeToken } from '../../functions/core/unsubscribe.ts';
import { type Email, registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const moveTo = async (day: string) =>
  expect((await stack.post('/_local/clock', { now: `${day}T12:00:00Z` })).status).toBe(200);
const reminders = async (to: string) =>
  (await stack.emails(to)).filter((e) => /Renewal reminder/.test(e.subject));
const snapshot = async () => JSON.stringify(await stack.items());

/** The unsubscribe link a digest shows (its text part holds plain URLs), on this stack's port. */
function linkIn(email: Email): { page: string; token: string } {
  const found = /https?:\/\/\S+\/customer\/unsubscribe\?token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
    email.body.text ?? '',
  );
  expect(found, 'an unsubscribe link in the reminder').not.toBeNull();
  const url = new URL(found![0]);
  // The link points at this stack's API, whatever port it listens on.
  expect(url.origin).toBe(stack.apiUrl);
  // The HTML part links to the same page (its `=` written as an entity, as every value is escaped).
  expect(email.body.html?.replaceAll('&#x3D;', '=')).toContain(`href="${found![0]}"`);
  return { page: `${stack.apiUrl}${url.pathname}${url.search}`, token: found![1]! };
}

const oneClick = (
  token: string,
  body = 'List-Unsubscribe=One-Click',
  contentType = 'application/x-www-form-urlencoded',
) =>
  fetch(`${stack.apiUrl}/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

/** A 400 problem+json that stored nothing. */
async function refusedOneClick(token: string, status = 400) {
  const before = await snapshot();
  const res = await oneClick(token);
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await snapshot()).toBe(before);
  return (await res.json()) as { detail: string };
}

describe('opting out of renewal reminders', () => {
  const marie = {
    name: 'Marie Curie',
    email: `marie-${process.pid}@acme.example`,
    phone: '+33 6 00 00 00 00',
    language: 'en',
  };
  const pierre = {
    name: 'Pierre Curie',
    email: `Pierre-${process.pid}@acme.example`,
    phone: '+33 6 11 11 11 11',
    address: '1 rue X, Paris',
    company: 'Acme SA',
    language: 'en',
  };
  let body: ReturnType<typeof registration>;
  let pierreId: string;
  let end: string;
  let link: { page: string; token: string };

  it('gives every reminder a signed link to a page, and the RFC 8058 one-click headers', async () => {
    end = addDays(dayOf(stack.clock.now()), 100);
    body = registration({ term: { start: addDays(end, -364), end }, primaryContact: marie });
    expect((await stack.post('/registrations', body)).status).toBe(201);
    const added = await stack.post(`/certificates/${body.certificateNumber}/contacts`, {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
      contact: pierre,
    });
    expect(added.status).toBe(201);
    pierreId = added.body.contactId;
    await stack.stepFunctions.idle();

    await moveTo(addDays(end, -90));
    const [toMarie] = await reminders(marie.email);
    const [toPierre, ...more] = await reminders(pierre.email);
    expect(toMarie).toBeDefined();
    expect(more).toHaveLength(0);
    link = linkIn(toPierre!);
    // Each address its own link.
    expect(linkIn(toMarie!).token).not.toBe(link.token);
    const headers = Object.fromEntries(
      ((toPierre as Email & { headers?: Array<{ name: string; value: string }> }).headers ?? []).map((h) => [
        h.name,
        h.value,
      ]),
    );
    expect(headers['List-Unsubscribe']).toMatch(
      new RegExp(`^<https?://\\S+/unsubscribe\\?token=${link.token.replace(/[.-]/g, '\\$&')}>$`),
    );
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('shows the address and a confirm button, and changes nothing on a GET (mail scanners follow links)', async () => {
    const before = await snapshot();
    const page = await fetch(link.page);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain(pierre.email.toLowerCase());
    expect(html).toContain(`<form method="post" action="../unsubscribe?token=${link.token}">`);
    expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(html).not.toContain('<script');
    expect(await snapshot()).toBe(before);
  });

  it('refuses forged and tampered links with 400, storing nothing', async () => {
    const [payload, signature] = link.token.split('.') as [string, string];
    // Marie's address with Pierre's signature.
    const forged = Buffer.from(JSON.stringify(['REMINDERS', marie.email, '2099-12-31'])).toString(
      'base64url',
    );
    const problem = await refusedOneClick(`${forged}.${signature}`);
    expect(problem.detail).toMatch(/not signed by this service/);
    // Signed, for Marie, but with a secret that is not the service's.
    await refusedOneClick(unsubscribeToken(marie.email, 'x'.repeat(40), dayOf(stack.clock.now())));
    // One character of the signature changed; the payload cut short.
    await refusedOneClick(`${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    await refusedOneClick(`${payload.slice(0, -2)}.${signature}`);
    await refusedOneClick('');
    // The page says so too, as a page.
    const page = await fetch(`${stack.apiUrl}/customer/unsubscribe?token=${forged}.${signature}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('This unsubscribe link is not valid');
  });

  it('takes only the one-click body: anything else is refused and stores nothing', async () => {
    const before = await snapshot();
    for (const [text, type, status] of [
      ['{"List-Unsubscribe":"One-Click"}', 'application/json', 415],
      ['List-Unsubscribe=One-Click&more=1', 'application/x-www-form-urlencoded', 400],
      ['List-Unsubscribe=Yes', 'application/x-www-form-urlencoded', 400],
      ['', 'application/x-www-form-urlencoded', 400],
      ['List-Unsubscribe=One-Click', 'text/plain', 415],
    ] as const) {
      const res = await oneClick(link.token, text, type);
      expect(res.status, `${type} ${text}`).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const extraQuery = await fetch(`${stack.apiUrl}/unsubscribe?token=${link.token}&all=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(extraQuery.status).toBe(400);
    expect(await snapshot()).toBe(before);
  });

  it('opts the address out with one click; a second time (multipart, as RFC 8058 prefers) changes nothing', async () => {
    const res = await oneClick(link.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toContain(`Renewal reminders to ${pierre.email.toLowerCase()} are stopped`);
    const after = await snapshot();
    const boundary = 'x0x0x0';
    const again = await oneClick(
      link.token,
      `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      `multipart/form-data; boundary=${boundary}`,
    );
    expect(again.status).toBe(200);
    expect(await snapshot()).toBe(after);
    // The page now says it is done, and offers nothing to click.
    const page = await (await fetch(link.page)).text();
    expect(page).toContain('Renewal reminders are stopped');
    expect(page).not.toContain('<form');
  });

  it('shows the opt-out on the certificate and once in its audit trail', async () => {
    const { body: certificate } = await stack
      .as('support-engineer')
      .get(`/certificates/${body.certificateNumber}`);
    const byId = Object.fromEntries(certificate.contacts.map((c: any) => [c.contactId, c]));
    expect(byId[pierreId].remindersOptOut).toEqual({ at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    const primary = certificate.contacts.find((c: any) => c.role === 'PRIMARY');
    expect(primary.remindersOptOut).toBeNull();
    const events = certificate.audit.filter((e: any) => e.action === 'REMINDERS_OPTED_OUT');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      at: byId[pierreId].remindersOptOut.at,
      email: maskEmail(pierre.email.toLowerCase()),
    });
    expect(JSON.stringify(certificate)).not.toContain(pierre.email.toLowerCase());
  });

  it('stops renewal reminders for that address only; the Contact ID still reaches it', async () => {
    await moveTo(addDays(end, -60));
    expect(await reminders(marie.email)).toHaveLength(2);
    expect(await reminders(pierre.email)).toHaveLength(1);

    const before = (await stack.emails(pierre.email)).length;
    const resend = await stack.post(`/certificates/${body.certificateNumber}/contact-id/resend`, {
      salesOrderNumber: body.salesOrderNumber,
      products: body.products.map((p) => ({
        serialNumber: p.serialNumber,
        supportIdentifier: p.supportIdentifier,
      })),
      contactId: pierreId,
    });
    expect(resend.status).toBe(202);
    await stack.stepFunctions.idle();
    const emails = await stack.emails(pierre.email);
    expect(emails).toHaveLength(before + 1);
    expect(emails.at(-1)!.body.text).toContain(pierreId);
    // A service email: nothing to leave, so no unsubscribe headers.
    const headers = (emails.at(-1) as Email & { headers?: Array<{ name: string }> }).headers ?? [];
    expect(headers.map((h) => h.name)).not.toContain('List-Unsubscribe');
  });

  it('records the reminder OPTED_OUT, and sends none, once every contact has opted out', async () => {
    const [latest] = (await reminders(marie.email)).slice(-1);
    const res = await oneClick(linkIn(latest!).token);
    expect(res.status).toBe(200);
    await moveTo(addDays(end, -30));
    expect(await reminders(marie.email)).toHaveLength(2);
    expect(await reminders(pierre.email)).toHaveLength(1);
    const ledger = (await stack.items()).find(
      (i) => i.PK?.S === `CERT#${body.certificateNumber}` && i.SK?.S === `REMINDER#${end}#30`,
    );
    expect(ledger?.status?.S).toBe('OPTED_OUT');
    // The run moved on: the next reminder is still planned, should either of them be reachable again.
    const { body: certificate } = await stack.get(`/certificates/${body.certificateNumber}`);
    expect(certificate.nextReminder).toMatchObject({ offset: 7 });
  });
});
