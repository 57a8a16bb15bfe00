/**
 * GET /openapi.json and GET /docs on the local stack: the document every other e2e suite checks
 * its answers against (test/support/openapi.ts), and the reference page that renders it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALAR_SCRIPT } from '../../functions/http/get-docs.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { answerMismatch } from '../support/openapi.ts';
import { registration, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /openapi.json', () => {
  it('answers the document, without a token, with every route of the table', async () => {
    const res = await stack.anonymous.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of ROUTES)
      expect(res.body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.id).toBe(route.id);
  });
});

describe('GET /docs', () => {
  it('answers an HTML page that loads the pinned reference from the CDN and points it at /openapi.json', async () => {
    const res = await stack.anonymous.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = res.body as string;
    const dataUrl = /<script id="api-reference" data-url="([^"]+)"/.exec(page)?.[1];
    expect(new URL(dataUrl!, `${stack.apiUrl}/docs`).pathname).toBe('/openapi.json');
    expect(page).toContain(`src="${SCALAR_SCRIPT}"`);
    expect(SCALAR_SCRIPT).toMatch(/@scalar\/api-reference@\d+\.\d+\.\d+\//);
    // Scripts from that CDN only: no inline script, nothing from elsewhere.
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src https:\/\/cdn\.jsdelivr\.net(;|$)/);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('the answers check', () => {
  it('refuses an answer the document does not describe, naming the route, status and errors', async () => {
    const res = await stack.post('/registrations', registration());
    expect(res.status).toBe(201);
    expect(answerMismatch('POST', '/registrations', 201, 'application/json', res.body)).toBeNull();
    const { contactId: _, ...withoutContactId } = res.body;
    expect(answerMismatch('POST', '/registrations', 201, 'application/json', withoutContactId)).toMatch(
      /POST \/registrations \(PostRegistration\) answered 201.*contactId/s,
    );
    expect(answerMismatch('POST', '/registrations', 418, 'application/json', {})).toMatch(
      /a status the OpenAPI document does not list/,
    );
    expect(answerMismatch('GET', '/health', 200, 'text/plain', 'ok')).toMatch(/as text\/plain/);
    expect(answerMismatch('GET', '/_local/clock', 200, 'application/json', {})).toBeNull();
  });
});
