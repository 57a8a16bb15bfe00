import { randomUUID } from 'node:crypto';
import { expect, type Page, test } from '@playwright/test';
import { expectAccessible, productScene, registered, snap } from './support.ts';

const LABELS = ['Certificate number', 'Sales order number', 'Serial number', 'Support identifier'] as const;
const CONFIRMATION =
  'If these details match a registered certificate, its primary contact will receive the Contact ID by email.';

const long = (day: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );

async function requestContactId(page: Page, identifiers: Record<(typeof LABELS)[number], string>) {
  for (const label of LABELS) await page.getByLabel(label, { exact: true }).fill(identifiers[label]);
  await page.getByRole('button', { name: 'Send my Contact ID' }).click();
}

test('the Contact ID form answers the same whether the identifiers match or not', async ({
  page,
  request,
}) => {
  const { body } = await registered(request);
  const [line] = body.products;
  if (!line) throw new Error('a registration has a product');
  await page.goto('/customer/contact-id');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Request your Contact ID again' })).toBeVisible();
  for (const label of LABELS) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  // Public: no staff frame, no sign-in.
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Product manager' })).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, 'customer-contact-id');

  // Malformed: the API's 400 is shown next to the field it is about.
  await requestContactId(page, {
    'Certificate number': body.certificateNumber,
    'Sales order number': body.salesOrderNumber,
    'Serial number': 'X12',
    'Support identifier': line.supportIdentifier,
  });
  await expect(page.getByText('a serial number is M and 10 digits, like M1234567890')).toBeVisible();
  await expect(page.getByLabel('Serial number', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await snap(page, 'customer-contact-id-invalid');

  await requestContactId(page, {
    'Certificate number': body.certificateNumber,
    'Sales order number': body.salesOrderNumber,
    'Serial number': line.serialNumber,
    'Support identifier': line.supportIdentifier,
  });
  const answer = page.getByRole('status');
  await expect(answer).toHaveText(CONFIRMATION);
  const matched = await page.locator('main').textContent();
  await expectAccessible(page);
  await snap(page, 'customer-contact-id-sent');

  await page.getByRole('button', { name: 'Make another request' }).click();
  await requestContactId(page, {
    'Certificate number': '99999999-9999999',
    'Sales order number': '99999999',
    'Serial number': 'M9999999999',
    'Support identifier': '9999-9999-9999',
  });
  await expect(answer).toHaveText(CONFIRMATION);
  expect(await page.locator('main').textContent()).toBe(matched);
});

test('the lifecycle page shows every major’s dates and phase, and the calendar feed', async ({
  page,
  request,
}) => {
  const { product, path, lifecycle } = await productScene(request);
  await page.goto(`/customer/lifecycle/${encodeURIComponent(product)}`);
  await expect(page.getByRole('heading', { level: 1, name: `${product}: version lifecycle` })).toBeVisible();
  const table = page.getByRole('table', { name: 'Dates by version' });
  const four = table.getByRole('row').filter({ hasText: 'Version 4' });
  for (const day of ['2025-03-01', ...Object.values(lifecycle)])
    await expect(four).toContainText(long(day, 'en-GB'));
  await expect(four).toContainText('Standard support');
  const five = table.getByRole('row').filter({ hasText: 'Version 5' });
  await expect(five).toContainText(long('2027-02-01', 'en-GB'));
  await expect(five).toContainText('Not scheduled');
  // Its general availability is ahead: not yet available, never "Standard support".
  await expect(five).toContainText('Not yet available');
  await expect(five).not.toContainText('Standard support');
  const timeline = page.getByRole('figure', { name: 'Timeline' });
  for (const day of ['2025-03-01', '2027-02-01', ...Object.values(lifecycle)])
    await expect(timeline.getByText(long(day, 'en-GB'), { exact: true })).toBeVisible();

  const feed = `${path}/lifecycle.ics`;
  await expect(page.getByRole('link', { name: 'Download the iCalendar file (.ics)' })).toHaveAttribute(
    'href',
    feed,
  );
  await expect(page.getByRole('link', { name: 'Subscribe in your calendar app' })).toHaveAttribute(
    'href',
    `webcal://${new URL(page.url()).host}${feed}`,
  );
  const ics = await request.get(feed);
  expect(ics.status()).toBe(200);
  expect(ics.headers()['content-type']).toContain('text/calendar');
  await expectAccessible(page);
  await snap(page, 'customer-lifecycle');
});

test('an unknown product gets a page that says so', async ({ page }) => {
  await page.goto(`/customer/lifecycle/${encodeURIComponent(`No such product ${randomUUID().slice(0, 6)}`)}`);
  await expect(page.getByRole('heading', { level: 1, name: /We don.t know this product/ })).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, 'customer-lifecycle-unknown');
});

test.describe('a browser that asks for French', () => {
  test.use({ locale: 'fr-FR' });

  test('shows French, and the switcher changes the language', async ({ page }) => {
    await page.goto('/customer/contact-id');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.getByLabel('Numéro de certificat', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Envoyer mon Contact ID' })).toBeVisible();
    await expectAccessible(page);
    await snap(page, 'customer-contact-id-fr');

    await page.getByLabel('Langue', { exact: true }).selectOption('de');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByLabel('Zertifikatsnummer', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Sprache', { exact: true })).toHaveValue('de');
    // The choice holds on the next page.
    await page.goto('/customer/lifecycle/Unknown');
    await expect(
      page.getByRole('heading', { level: 1, name: 'Dieses Produkt kennen wir nicht' }),
    ).toBeVisible();
  });
});

test.describe('a browser that asks for Russian', () => {
  test.use({ locale: 'ru-RU' });

  test('shows the lifecycle and the form in Russian, dates as Russian readers write them', async ({
    page,
    request,
  }) => {
    const { product, lifecycle } = await productScene(request);
    await page.goto(`/customer/lifecycle/${encodeURIComponent(product)}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    const table = page.getByRole('table', { name: 'Даты по версиям' });
    for (const day of Object.values(lifecycle)) await expect(table).toContainText(long(day, 'ru-RU'));
    await expect(table.getByRole('columnheader', { name: 'Окончание поддержки' })).toBeVisible();
    await expectAccessible(page);
    await snap(page, 'customer-lifecycle-ru');

    await page.goto('/customer/contact-id');
    await expect(page.getByLabel('Номер сертификата', { exact: true })).toBeVisible();
    await expectAccessible(page);
    await snap(page, 'customer-contact-id-ru');
  });
});
