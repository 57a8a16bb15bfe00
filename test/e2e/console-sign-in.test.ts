/**
 * The console's sign-in on the local stack: authorization code with PKCE against the local
 * issuer (as the console does with Cognito on AWS). The code is single use, bound to its
 * verifier and redirect URI, and the access token it gives is one the API's role check accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLIENTS } from '../../local/tokens.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(params: Record<string, string>): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: LOCAL_CLIENTS.console,
    redirect_uri: `${stack.apiUrl}/console/callback`,
    code_challenge_method: 'S256',
    state: 'st-1',
    ...params,
  });
  return `${stack.apiUrl}/_local/authorize?${q}`;
}

async function codeFor(role: string, challenge: string, extra: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl({ role, code_challenge: challenge, ...extra }), {
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(`${stack.apiUrl}/console/callback`);
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
}

const exchange = (form: Record<string, string>) =>
  fetch(`${stack.apiUrl}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: LOCAL_CLIENTS.console,
      redirect_uri: `${stack.apiUrl}/console/callback`,
      ...form,
    }),
  });

describe('sign-in with authorization code and PKCE', () => {
  it('discovery names the authorization, token and end-session endpoints, code flow with S256 only', async () => {
    const doc = (await (
      await fetch(`${stack.apiUrl}/_local/.well-known/openid-configuration`)
    ).json()) as any;
    expect(doc.authorization_endpoint).toBe(`${stack.apiUrl}/_local/authorize`);
    expect(doc.end_session_endpoint).toBe(`${stack.apiUrl}/_local/logout`);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('gives, for the role the button named, an access token the API accepts and an ID token with the nonce', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor('support-engineer', challenge, { nonce: 'n-42', login_hint: 'sam' });
    const res = await exchange({ code, code_verifier: verifier });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; id_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: 'sam',
      token_use: 'access',
      'cognito:groups': ['support-engineer'],
      client_id: LOCAL_CLIENTS.console,
    });
    expect(decodeJwt(tokens.id_token)).toMatchObject({
      token_use: 'id',
      nonce: 'n-42',
      aud: LOCAL_CLIENTS.console,
    });
    // Allowed for support engineers: not a 401 or 403 (an unknown Contact ID is a 404).
    const entitlement = await stack.anonymous.get('/entitlements/ZZZZZZZZZZ', {
      authorization: `Bearer ${tokens.access_token}`,
    });
    expect([401, 403]).not.toContain(entitlement.status);
    // Not allowed for support engineers: registrations.
    const refused = await stack.anonymous.post(
      '/registrations',
      {},
      { authorization: `Bearer ${tokens.access_token}` },
    );
    expect(refused.status).toBe(403);
    // The ID token is not an access token: the API refuses it.
    const withId = await stack.anonymous.get('/entitlements/ZZZZZZZZZZ', {
      authorization: `Bearer ${tokens.id_token}`,
    });
    expect(withId.status).toBe(401);
  });

  it('takes a code once, only with its own verifier and redirect URI', async () => {
    const { verifier, challenge } = pkce();
    const wrongVerifier = await exchange({
      code: await codeFor('licensing-ops', challenge),
      code_verifier: pkce().verifier,
    });
    expect(wrongVerifier.status).toBe(400);

    const code = await codeFor('licensing-ops', challenge);
    const elsewhere = await exchange({
      code,
      code_verifier: verifier,
      redirect_uri: `${stack.apiUrl}/console/other`,
    });
    expect(elsewhere.status).toBe(400);
    // A refused exchange spends the code, as OAuth asks.
    expect((await exchange({ code, code_verifier: verifier })).status).toBe(400);

    const fresh = await codeFor('licensing-ops', challenge);
    expect((await exchange({ code: fresh, code_verifier: verifier })).status).toBe(200);
    expect((await exchange({ code: fresh, code_verifier: verifier })).status).toBe(400);
  });

  it.each([
    ['no PKCE', { code_challenge: '' }],
    ['plain PKCE', { code_challenge_method: 'plain', code_challenge: 'x'.repeat(43) }],
    ['another client', { client_id: LOCAL_CLIENTS.integration, code_challenge: 'x'.repeat(43) }],
    [
      'a foreign redirect',
      { redirect_uri: 'https://evil.example/console/callback', code_challenge: 'x'.repeat(43) },
    ],
    ['an implicit grant', { response_type: 'token', code_challenge: 'x'.repeat(43) }],
    ['the integration role', { role: 'integration', code_challenge: 'x'.repeat(43) }],
    ['no role', { role: '', code_challenge: 'x'.repeat(43) }],
  ])('refuses %s with 400, redirecting nowhere', async (_, params) => {
    const res = await fetch(authorizeUrl({ role: 'licensing-ops', ...params }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it("lets Vite's dev server (npm run console:dev) read the issuer from the browser, and no other origin", async () => {
    const dev = 'http://localhost:5173';
    const preflight = await fetch(`${stack.apiUrl}/_local/token`, {
      method: 'OPTIONS',
      headers: { origin: dev, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(dev);
    const discovery = await fetch(`${stack.apiUrl}/_local/.well-known/openid-configuration`, {
      headers: { origin: dev },
    });
    expect(discovery.headers.get('access-control-allow-origin')).toBe(dev);
    const foreign = await fetch(`${stack.apiUrl}/_local/.well-known/openid-configuration`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('signs out back to the console only', async () => {
    const home = `${stack.apiUrl}/console/`;
    const ok = await fetch(
      `${stack.apiUrl}/_local/logout?post_logout_redirect_uri=${encodeURIComponent(home)}`,
      {
        redirect: 'manual',
      },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(home);
    const away = await fetch(
      `${stack.apiUrl}/_local/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      { redirect: 'manual' },
    );
    expect(away.status).toBe(400);
  });
});
