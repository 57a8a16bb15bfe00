import { expect, test } from '@playwright/test';
import { expectAccessible, ROLE_BUTTONS, signIn, snap } from './support.ts';

test('the sign-in page offers one button per role, and each lands on its start page', async ({ page }) => {
  await page.goto('/console/');
  for (const label of Object.values(ROLE_BUTTONS))
    await expect(page.getByRole('button', { name: label, exact: true })).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'sign-in');
  await page.getByRole('button', { name: 'Support engineer', exact: true }).click();
  await page.waitForURL('**/console/entitlements');
  await expect(page.getByRole('button', { name: /local-support-engineer/ })).toBeVisible();
});

test('signing out returns to the sign-in page, and a staff page asks to sign in again', async ({ page }) => {
  await signIn(page, 'product-manager');
  await page.getByRole('button', { name: /local-product-manager/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/console/');
  await expect(page.getByRole('button', { name: 'Product manager', exact: true })).toBeVisible();
  await page.goto('/console/products');
  await expect(page.getByRole('button', { name: 'Licensing ops', exact: true })).toBeVisible();
});
