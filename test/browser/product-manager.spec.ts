import { expect, type Page, test } from '@playwright/test';
import { call, expectAccessible, productScene, signIn, snap } from './support.ts';

/** A full-page screenshot from the top: scrolled, the sticky top bar would be drawn mid-page. */
async function snapFromTop(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)');
  await snap(page, name);
}

test('a product manager opens a product by deep link, previews a reschedule, confirms it and sees who did it', async ({
  page,
  request,
}) => {
  const { product, path, lifecycle } = await productScene(request);
  const page_ = `/console/products/${encodeURIComponent(product)}`;
  await signIn(page, 'product-manager', page_);
  await expect(page.getByRole('heading', { level: 1, name: product })).toBeVisible();

  // Every date is written out on the timeline, not only in a tooltip.
  const timeline = page.getByRole('figure', { name: `Lifecycle of ${product}` });
  for (const day of ['2025-03-01', '2027-02-01', ...Object.values(lifecycle), '2026-11-27'])
    await expect(timeline.getByText(day, { exact: true })).toBeVisible();
  const majors = page.getByRole('table', { name: 'Majors' });
  await expect(majors.getByRole('row').filter({ hasText: '2027-03-31' })).toContainText('2028-03-31');
  const releases = page.getByRole('table', { name: 'Releases' });
  await expect(releases.getByRole('row').filter({ hasText: '5.0' })).toContainText('2027-02-01');
  await expectAccessible(page);
  await snapFromTop(page, 'product-page');

  // Out of order: the API's 422 is shown with its messages, nothing is scheduled.
  await majors.getByRole('button', { name: 'Edit the milestones of major 4' }).click();
  await expect(page.getByLabel('Major version')).toHaveValue('4');
  await page.getByLabel('End of life', { exact: true }).fill('2028-12-31');
  await page.getByRole('button', { name: 'Preview impact' }).click();
  // Next to the date it is about, in the API's words.
  await expect(
    page.getByText('partial support starts on or after end of life', { exact: true }),
  ).toBeVisible();

  const next = { eolDate: '2027-06-30', partialSupportDate: '2027-12-31', endOfSupportDate: '2028-06-30' };
  await page.getByLabel('End of life', { exact: true }).fill(next.eolDate);
  await page.getByLabel('Partial support', { exact: true }).fill(next.partialSupportDate);
  await page.getByLabel('End of support', { exact: true }).fill(next.endOfSupportDate);
  await page.getByRole('button', { name: 'Preview impact' }).click();
  const api = await call(request, 'product-manager', 'PUT', `${path}/majors/4/lifecycle?dryRun=true`, next);
  expect(api.status).toBe(200);
  expect(api.body.impact.serials).toBeGreaterThanOrEqual(1);
  for (const count of ['serials', 'contacts', 'certificates'] as const)
    await expect(page.locator(`[data-impact="${count}"]`)).toHaveText(String(api.body.impact[count]));
  const phases = {
    GA: 'Standard support',
    EOL: 'End of life',
    PARTIAL_SUPPORT: 'Partial support',
    END_OF_SUPPORT: 'End of support',
  } as Record<string, string>;
  await expect(page.getByText('Dry run:')).toContainText(`phase “${phases[api.body.phase]}” today`);
  await snapFromTop(page, 'product-page-dry-run');
  // The dry run changed nothing.
  await expect(majors.getByRole('row').filter({ hasText: '2027-03-31' })).toBeVisible();

  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
  for (const day of Object.values(next)) await expect(timeline.getByText(day, { exact: true })).toBeVisible();
  const rescheduled = page
    .getByRole('table', { name: 'History' })
    .getByRole('row')
    .filter({ hasText: 'Rescheduled' });
  await expect(rescheduled).toContainText('local-product-manager');
  await expect(rescheduled).toContainText('2027-06-30');
  const stored = await call(request, null, 'GET', `${path}/majors/4/lifecycle`);
  expect(stored.body).toMatchObject(next);

  // The products page offers it again, and opens any product by name.
  await page.goto('/console/products');
  await expect(page.getByRole('link', { name: product })).toBeVisible();
  await expectAccessible(page);
  await snapFromTop(page, 'product-list');
  await page.getByLabel('Product', { exact: true }).fill(product);
  await page.getByRole('button', { name: 'Open' }).click();
  await page.waitForURL((url) => url.pathname === page_);
  await expect(page.getByRole('table', { name: 'Majors' })).toBeVisible();
});

test('a release announced on the page appears with its GA date', async ({ page, request }) => {
  const { product } = await productScene(request);
  await signIn(page, 'product-manager', `/console/products/${encodeURIComponent(product)}`);
  await page.getByLabel('Version', { exact: true }).fill('5.1');
  await page.getByLabel('General availability', { exact: true }).fill('2027-08-15');
  await page.getByRole('button', { name: 'Announce release' }).click();
  const row = page.getByRole('table', { name: 'Releases' }).getByRole('row').filter({ hasText: '5.1' });
  await expect(row).toContainText('2027-08-15');
  await expect(row).toContainText('local-product-manager');
});

test('a support engineer opening a product page sees it is not for their role', async ({ page }) => {
  await signIn(page, 'support-engineer', '/console/products/Backup%20Exec');
  await expect(page.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Majors' })).toHaveCount(0);
  await expectAccessible(page);
  await snapFromTop(page, 'product-page-wrong-role');
});
