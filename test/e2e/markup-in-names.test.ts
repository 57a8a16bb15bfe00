/**
 * Names are data, never markup: a certificate whose contact, company and product names
 * are full of HTML is registered on the local stack, and the emails local SES delivers
 * (rendered as SES renders them, without escaping) show those names escaped in the HTML
 * part and as they are in the subject and the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../functions/adapters/mailer.ts';
import { addDays } from '../../functions/core/calendar.ts';
import { clockOf } from '../support/clock.ts';
import { type Email, registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const { today, settle } = clockOf(() => stack);

const CONTACT = `<script>alert('contact')</script> Marie "Curie" & Co`;
const COMPANY = `<img src=x onerror=alert(1)> Acme & "Sons" 'SA'`;
const PRODUCT = `<b onmouseover="alert(1)">Backup</b> Exec & 'Pro'`;

/** Nothing from the names is markup in the HTML; each name is there, escaped. */
function expectEscaped(email: Email, names: string[]) {
  const html = email.body.html ?? '';
  expect(html).not.toMatch(/<script|<img|<b onmouseover|onerror=|"Curie"|'SA'|'Pro'/);
  for (const name of names) expect(html).toContain(escapeHtml(name));
  for (const name of names) expect(email.body.text).toContain(name);
  expect(email.body.text).not.toMatch(/&amp;|&lt;|&quot;|&#x27;/);
}

describe('names full of markup', () => {
  it('are escaped in the HTML of the Contact ID email and of a lifecycle notice, as they are in the text', async () => {
    const base = registration({ term: { start: addDays(today(), -30), end: addDays(today(), 700) } });
    const body = {
      ...base,
      company: { ...base.company, name: COMPANY },
      primaryContact: { ...base.primaryContact, name: CONTACT, language: 'en' },
      products: [{ ...base.products[0]!, product: PRODUCT, version: '12.0' }],
    };
    const res = await stack.post('/registrations', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settle();

    const to = body.primaryContact.email;
    const [contactId] = await stack.emails(to);
    expect(contactId, 'the Contact ID email').toBeDefined();
    expect(contactId!.subject).toMatch(/^Your Contact ID/);
    expectEscaped(contactId!, [CONTACT, COMPANY, PRODUCT]);

    const put = await stack.put(`/products/${encodeURIComponent(PRODUCT)}/majors/12/lifecycle`, {
      eolDate: addDays(today(), 30),
      partialSupportDate: addDays(today(), 60),
      endOfSupportDate: addDays(today(), 90),
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await settle();
    const notice = (await stack.emails(to)).find((e) => /end-of-life schedule/.test(e.subject));
    expect(notice, 'the lifecycle notice').toBeDefined();
    expect(notice!.subject).toBe(`${PRODUCT} 12: end-of-life schedule`);
    expectEscaped(notice!, [CONTACT, PRODUCT]);
  });
});
