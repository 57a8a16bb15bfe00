/**
 * GET /docs — the API reference page: Scalar's reference, loaded from the jsDelivr CDN at a
 * pinned version, rendering GET /openapi.json. The browser needs internet access for the
 * script; the content-security policy allows scripts from that CDN only, and calls (the
 * reference's "try it") to this API only.
 */
import { logged } from '../shared/logger.ts';
import type { HttpEvent, HttpResult } from './http.ts';

export const SCALAR_VERSION = '1.76.0';
export const SCALAR_SCRIPT = `https://cdn.jsdelivr.net/npm/@scalar/api-reference@${SCALAR_VERSION}/dist/browser/standalone.js`;

// No inline script: the standalone build mounts itself on the script tag with `id="api-reference"`.
// `withDefaultFonts: false` keeps it from loading fonts from another host. The document's URL is
// relative to this page, so the page works behind any base path.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Entitlement and renewal lifecycle service — API reference</title>
</head>
<body>
<noscript>The API reference needs JavaScript and internet access (it loads from cdn.jsdelivr.net). The document itself is at <a href="./openapi.json">openapi.json</a>.</noscript>
<script id="api-reference" data-url="./openapi.json" data-configuration='{"withDefaultFonts":false}' src="${SCALAR_SCRIPT}" crossorigin="anonymous"></script>
</body>
</html>
`;

const CDN = 'https://cdn.jsdelivr.net';
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${CDN}`,
  // The reference injects its styles at run time.
  `style-src ${CDN} 'unsafe-inline'`,
  `font-src ${CDN} data:`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const handler = logged(
  async (_event: HttpEvent): Promise<HttpResult> => ({
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body: PAGE,
  }),
  (event) => event.requestContext?.requestId,
);
