/**
 * Licensing ops' journeys: find a certificate by what the customer reads out, work on it
 * (contacts, a correction, void, each confirmed), register one, import a CSV.
 */
import { expect, type Page, test } from '@playwright/test';
import { CSV_COLUMNS } from '../../functions/core/csv-import.ts';
import { call, expectAccessible, registered, registration, signIn, snap } from './support.ts';

/** signIn() returns at once when the sign-in page had the same address: wait for the page itself. */
async function openAs(page: Page, path: string, heading: string | RegExp) {
  await signIn(page, 'licensing-ops', path);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test('a certificate deep link opened signed out lands on that certificate after sign-in', async ({
  page,
  request,
}) => {
  const { body } = await registered(request);
  await openAs(
    page,
    `/console/certificates/${body.certificateNumber}`,
    `Certificate ${body.certificateNumber}`,
  );
  await expect(page.getByText(body.primaryContact.email)).toBeVisible();
});

test('find by serial, add a designated contact, correct the company name (audited), then void', async ({
  page,
  request,
}) => {
  const { body } = await registered(request);
  const serial = body.products[0]!.serialNumber;
  const n = body.certificateNumber;

  await openAs(page, '/console/certificates', 'Find certificates');
  await page.getByRole('textbox', { name: 'Serial number' }).fill(serial);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  const results = page.getByRole('table').filter({ hasText: 'Sales order' });
  await expect(results.getByRole('link', { name: n })).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'ops-search');

  await results.getByRole('link', { name: n }).click();
  await page.waitForURL(`**/console/certificates/${n}`);
  await expect(page.getByRole('heading', { level: 1, name: `Certificate ${n}` })).toBeVisible();
  await expect(page.getByText('Today 2026-11-27')).toBeVisible();
  await expect(page.getByText('Certificate term: 2026-01-01 to 2026-12-31')).toBeVisible();
  const contacts = page.getByRole('table').filter({ hasText: 'Contact ID email' });
  await expect(page.getByText('(1 of 6 designated contacts)')).toBeVisible();
  // Registered after its 90-day reminder's day: nothing sent yet, the 30-day one next.
  await expect(page.getByText('None yet')).toBeVisible();
  await expect(page.getByText('2026-12-01 (30 days before the term ends on 2026-12-31)')).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'ops-certificate');

  // Add a designated contact.
  await page.getByRole('button', { name: 'Add designated contact' }).click();
  const addDialog = page.getByRole('dialog');
  await addDialog.getByLabel('Name').fill('Pierre Curie');
  await addDialog.getByLabel('Email').fill(`pierre-${n}@acme.example`);
  await addDialog.getByLabel('Phone').fill('+33 6 11 11 11 11');
  await expectAccessible(page);
  await snap(page, 'ops-add-contact');
  await addDialog.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByText(/Designated contact added with Contact ID \d{10}/)).toBeVisible();
  await expect(contacts.getByRole('row').filter({ hasText: 'Pierre Curie' })).toContainText('Designated');
  await expect(page.getByText('(2 of 6 designated contacts)')).toBeVisible();
  const added = await page.getByText(/Designated contact added with Contact ID \d{10}/).textContent();
  const pierre = /\d{10}/.exec(added ?? '')![0];

  // Send Pierre's Contact ID again, then replace him: a new Contact ID, the old one replaced.
  await page.getByRole('button', { name: `Resend Contact ID ${pierre}` }).click();
  await expect(page.getByText(`Contact ID ${pierre} is being emailed again`)).toBeVisible();
  await page.getByRole('button', { name: `Replace contact ${pierre}` }).click();
  const replace = page.getByRole('dialog');
  await replace.getByLabel('Name').fill('Irène Joliot-Curie');
  await replace.getByLabel('Email').fill(`irene-${n}@acme.example`);
  await replace.getByLabel('Phone').fill('+33 6 22 22 22 22');
  await replace.getByRole('button', { name: 'Replace contact' }).click();
  await expect(page.getByText(new RegExp(`Contact ${pierre} replaced by Contact ID \\d{10}`))).toBeVisible();
  await expect(contacts.getByRole('row').filter({ hasText: 'Pierre Curie' })).toContainText('Replaced');
  await expect(contacts.getByRole('row').filter({ hasText: 'Irène Joliot-Curie' })).toContainText('Active');
  await expect(page.getByText('(2 of 6 designated contacts)')).toBeVisible();

  // Correct the company name, confirmed, and find it in the audit trail with its actor.
  await page.getByRole('button', { name: 'Correct', exact: true }).click();
  const correct = page.getByRole('dialog');
  await correct.getByLabel('Company name').fill('Acme Corporation');
  await correct.getByRole('button', { name: 'Review correction' }).click();
  await expect(correct.getByRole('row').filter({ hasText: 'Company name' })).toContainText(
    'Acme Corporation',
  );
  await expectAccessible(page);
  await snap(page, 'ops-correct-confirm');
  await correct.getByRole('button', { name: 'Confirm correction' }).click();
  await expect(page.getByText(`Certificate ${n} corrected.`)).toBeVisible();
  const audit = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Who' }) });
  const corrected = audit.getByRole('row').filter({ hasText: 'Corrected' });
  await expect(corrected).toContainText('local-licensing-ops (licensing-ops)');
  await expect(corrected).toContainText('company.name: Acme SA → Acme Corporation');
  expect((await call(request, 'licensing-ops', 'GET', `/certificates/${n}`)).body.company.name).toBe(
    'Acme Corporation',
  );

  // Void, confirmed.
  await page.getByRole('button', { name: 'Void', exact: true }).click();
  const voiding = page.getByRole('dialog');
  await expect(voiding).toContainText(`Void certificate ${n}?`);
  await expectAccessible(page);
  await voiding.getByRole('button', { name: 'Void certificate' }).click();
  await expect(page.getByText(`Certificate ${n} is void.`)).toBeVisible();
  await expect(audit.getByRole('row').filter({ hasText: 'Voided' })).toContainText('local-licensing-ops');
  expect((await call(request, 'licensing-ops', 'GET', `/certificates/${n}`)).body.status).toBe('VOID');
  await expectAccessible(page);
  await snap(page, 'ops-certificate-void');
});

test("register: the API's message next to the field it names, then a registration that opens its page", async ({
  page,
  request,
}) => {
  const good = registration();
  const bad = { ...good, primaryContact: { ...good.primaryContact, email: 'marie-at-acme' } };
  // What the API says about this email, to find word for word next to the field.
  const refused = await call(request, 'licensing-ops', 'POST', '/registrations', bad);
  expect(refused.status).toBe(400);
  const message = (refused.body.errors as Array<{ path: string; message: string }>).find(
    (e) => e.path === 'primaryContact.email',
  )!.message;

  await openAs(page, '/console/register', 'Register a certificate');
  await expectAccessible(page);
  const product = good.products[0]!;
  const fill: Array<[string, string]> = [
    ['Certificate number', good.certificateNumber],
    ['Sales order number', good.salesOrderNumber],
    ['Term start', good.term.start],
    ['Term end', good.term.end],
    ['Company name', good.company.name],
    ['Company address', good.company.address],
    ['Company phone', good.company.phone],
    ['Contact name', good.primaryContact.name],
    ['Contact email', bad.primaryContact.email],
    ['Serial number', product.serialNumber],
    ['Support identifier', product.supportIdentifier],
    ['Product', product.product],
    ['Version', product.version],
  ];
  for (const [label, value] of fill) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  const email = page.getByLabel('Contact email', { exact: true });
  await expect(email).toHaveAccessibleDescription(new RegExp(escapeRegExp(message)));
  await expect(page.getByLabel('Contact name', { exact: true })).not.toHaveAccessibleDescription(/./);
  await expectAccessible(page);
  await snap(page, 'ops-register-field-error');

  await email.fill(good.primaryContact.email);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.waitForURL(`**/console/certificates/${good.certificateNumber}`);
  await expect(
    page.getByRole('heading', { level: 1, name: `Certificate ${good.certificateNumber}` }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('table')
      .filter({ hasText: 'Contact ID email' })
      .getByRole('row')
      .filter({ hasText: good.primaryContact.email }),
  ).toContainText('Primary');
});

test('import a CSV: progress, then the per-row report', async ({ page, request }) => {
  const rows = [registration(), registration()];
  const columns = CSV_COLUMNS;
  const line = (r: ReturnType<typeof registration>) => {
    const p = r.products[0]!;
    return [
      r.certificateNumber,
      r.salesOrderNumber,
      r.tier,
      r.term.start,
      r.term.end,
      r.company.name,
      r.company.address,
      r.company.phone,
      r.primaryContact.name,
      r.primaryContact.email,
      '',
      r.primaryContact.language,
      p.serialNumber,
      p.supportIdentifier,
      p.product,
      p.version,
      '',
    ]
      .map((cell) => (/[",]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
      .join(',');
  };
  // The second row's tier is not a tier: refused, and said so on its line.
  const refusedRow = { ...rows[1]!, tier: 'GOLD' };
  const csv = [columns.join(','), line(rows[0]!), line(refusedRow)].join('\n');

  await openAs(page, '/console/imports', 'Import a CSV');
  await expectAccessible(page);
  await snap(page, 'ops-import');
  await page.locator('input[type=file]').setInputFiles({
    name: 'registrations.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  const report = page.getByRole('table').filter({ hasText: 'Outcome' });
  await expect(report.getByRole('row')).toHaveCount(3, { timeout: 30_000 });
  await expect(report.getByRole('row').filter({ hasText: rows[0]!.certificateNumber })).toContainText(
    'CREATED',
  );
  await expect(report.getByRole('row').filter({ hasText: refusedRow.certificateNumber })).toContainText(
    'tier',
  );
  await expect(page.getByText('1 created, 0 renewed, 0 replayed, 1 refused')).toBeVisible();
  await expect(page.getByRole('link', { name: /Download the report/ })).toHaveAttribute('href', /report/);
  expect(
    (await call(request, 'licensing-ops', 'GET', `/certificates/${rows[0]!.certificateNumber}`)).status,
  ).toBe(200);
  await expectAccessible(page);
  await snap(page, 'ops-import-report');
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
