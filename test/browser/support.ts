/**
 * What every browser test uses: the API as a client (to set the scene, never a back door),
 * sign-in through the console's own page, the axe check, and screenshots to look at.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page } from '@playwright/test';

export type Role = 'licensing-ops' | 'support-engineer' | 'product-manager' | 'integration';
export const ROLE_BUTTONS = {
  'licensing-ops': 'Licensing ops',
  'support-engineer': 'Support engineer',
  'product-manager': 'Product manager',
} as const;

/** A token from the local issuer, as any client gets one. */
export async function tokenFor(
  request: APIRequestContext,
  role: Role,
  subject = `seed-${role}`,
): Promise<string> {
  const res = await request.post('/_local/token', { data: { role, subject } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Calls the API as `role`; answers status and parsed body. */
export async function call(
  request: APIRequestContext,
  role: Role | null,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  data?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (role) headers.authorization = `Bearer ${await tokenFor(request, role)}`;
  if (method === 'PATCH') headers['content-type'] = 'application/merge-patch+json';
  const res = await request.fetch(path, { method, headers, ...(data !== undefined ? { data } : {}) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status(), body };
}

/** A registration with unique identifiers (CONTRACT.md's example shape), current on 2026-11-27. */
export function registration(overrides: Record<string, unknown> = {}) {
  const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const n = digits();
  const m = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  return {
    certificateNumber: `${n}-${m}`,
    salesOrderNumber: n,
    tier: 'ESSENTIAL',
    term: { start: '2026-01-01', end: '2026-12-31' },
    company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
    primaryContact: {
      name: 'Marie Curie',
      email: `marie-${randomUUID().slice(0, 8)}@acme.example`,
      phone: '+33 6 00 00 00 00',
      language: 'fr',
    },
    products: [
      {
        serialNumber: `M${digits()}${digits().slice(0, 2)}`,
        supportIdentifier: `${n.slice(0, 4)}-${n.slice(4)}-${m.slice(0, 4)}`,
        product: 'Backup Exec',
        version: '12.0',
      },
    ],
    ...overrides,
  };
}

/** Registers through the API as the order system would; answers the body and the Contact ID. */
export async function registered(request: APIRequestContext, overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await call(request, 'integration', 'POST', '/registrations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { body, contactId: res.body.contactId as string };
}

/** Opens `path`, meets the sign-in page, signs in as `role` with its button, and lands back on `path`. */
export async function signIn(page: Page, role: keyof typeof ROLE_BUTTONS, path = '/console/'): Promise<void> {
  await page.goto(path);
  await page.getByRole('button', { name: ROLE_BUTTONS[role], exact: true }).click();
  if (path !== '/console/') await page.waitForURL((url) => url.pathname === path.split('?')[0]);
  else await page.waitForURL((url) => url.pathname !== '/console/callback' && url.pathname !== '/console/');
}

/** No serious or critical axe violation (WCAG 2.1 A/AA) on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  expect(serious, `axe on ${page.url()}`).toEqual([]);
}

/** A full-page screenshot in test/browser/screenshots/, to look at before a change is done. */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = join(import.meta.dirname, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** A product of its own: a serial on major 4, release 4.0 (GA passed), 5.0 (GA to come), and major 4's lifecycle. */
export async function productScene(request: APIRequestContext) {
  const product = `Vault ${randomUUID().slice(0, 8)}`;
  const path = `/products/${encodeURIComponent(product)}`;
  const [line] = registration().products;
  await registered(request, { products: [{ ...line, product, version: '4.1' }] });
  for (const [version, gaDate] of [
    ['4.0', '2025-03-01'],
    ['5.0', '2027-02-01'],
  ] as const) {
    const res = await call(request, 'product-manager', 'PUT', `${path}/releases/${version}`, { gaDate });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const lifecycle = {
    eolDate: '2027-03-31',
    partialSupportDate: '2027-09-30',
    endOfSupportDate: '2028-03-31',
  };
  const res = await call(request, 'product-manager', 'PUT', `${path}/majors/4/lifecycle`, lifecycle);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { product, path, lifecycle };
}
