/** The support engineer's journey: is this caller entitled, to what, and why — by Contact ID or support identifier. */
import { expect, test } from '@playwright/test';
import { expectAccessible, registered, signIn, snap } from './support.ts';

test('a deep link opened signed out lands on the entitlement after sign-in: ENTITLED, with the reasons', async ({
  page,
  request,
}) => {
  const { body, contactId } = await registered(request);
  const path = `/console/entitlements/${contactId}`;
  await signIn(page, 'support-engineer', path);
  await expect(page.getByTestId('verdict')).toHaveText('ENTITLED');
  await expect(
    page.getByRole('heading', { level: 1, name: `Entitlement of Contact ID ${contactId}` }),
  ).toBeVisible();
  const product = body.products[0]!;
  const products = page.getByRole('table').filter({ hasText: 'Support phase' });
  await expect(products.getByRole('row').filter({ hasText: product.serialNumber })).toContainText(
    'Standard support',
  );
  await expect(page.getByRole('table').filter({ hasText: 'Initial response' })).toContainText('30 minutes');
  const reasons = page.getByRole('list', { name: 'Reasons' });
  await expect(reasons).toContainText(`Contact ID ${contactId} is the primary technical contact`);
  await expect(reasons).toContainText(`is covered by certificate ${body.certificateNumber}`);
  await expect(page.getByText('Open now', { exact: true })).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'support-entitlement');
});

test('the lookup page: a Contact ID opens its page, a support identifier answers in place, an unknown one says so', async ({
  page,
  request,
}) => {
  const { body, contactId } = await registered(request);
  await signIn(page, 'support-engineer', '/console/entitlements');
  // The sign-in page had this address too: wait for the lookup form itself.
  await expect(page.getByRole('heading', { name: 'Check entitlement' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'support-lookup');

  await page.getByLabel('Contact ID').fill(contactId);
  await page.getByRole('button', { name: 'Look up Contact ID' }).click();
  await page.waitForURL(`**/console/entitlements/${contactId}`);
  await expect(page.getByTestId('verdict')).toHaveText('ENTITLED');

  await page.goBack();
  const supportIdentifier = body.products[0]!.supportIdentifier;
  await page.getByLabel('Support identifier').fill(supportIdentifier);
  await page.getByRole('button', { name: 'Look up support identifier' }).click();
  await expect(page).toHaveURL(new RegExp(`supportIdentifier=${supportIdentifier}`));
  await expect(page.getByTestId('verdict')).toHaveText('ENTITLED');
  await expect(page.getByRole('list', { name: 'Reasons' })).toContainText(
    `support identifier ${supportIdentifier} names 1 covered product(s)`,
  );
  await expectAccessible(page);
  await snap(page, 'support-lookup-by-support-identifier');

  await page.getByLabel('Support identifier').fill('0000-0000-0000');
  await page.getByRole('button', { name: 'Look up support identifier' }).click();
  await expect(page.getByText('No such support identifier')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveCount(0);
});

test('a lapsed contract is NOT ENTITLED, and the reasons say why', async ({ page, request }) => {
  const { contactId } = await registered(request, { term: { start: '2025-01-01', end: '2025-12-31' } });
  await signIn(page, 'support-engineer', `/console/entitlements/${contactId}`);
  await expect(page.getByTestId('verdict')).toHaveText('NOT ENTITLED');
  await expect(page.getByRole('list', { name: 'Reasons' })).toContainText('coverage lapsed after 2025-12-31');
  await expect(page.getByText('None owed')).toBeVisible();
  await snap(page, 'support-not-entitled');
});

test('an unknown Contact ID is "No such Contact ID"', async ({ page }) => {
  await signIn(page, 'support-engineer', '/console/entitlements/9999999999');
  await expect(page.getByText('No such Contact ID')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, 'support-unknown-contact-id');
});

test('licensing ops opening an entitlement page see the not-available page', async ({ page, request }) => {
  const { contactId } = await registered(request);
  await signIn(page, 'licensing-ops', `/console/entitlements/${contactId}`);
  await expect(page.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();
  await expect(page.getByText('This page is for Support engineer')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, 'support-wrong-role');
});
