/**
 * The console's security headers, one definition for both places that serve it: CloudFront's
 * response headers policy on AWS (lib/constructs/console.ts) and the local stack
 * (local/console.ts). No imports: the CDK app and the local server both load it as is.
 */

/** The content security policy's directives. `connect-src` gains the sign-in origins on AWS. */
const DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  // Cloudscape sets inline styles on elements (positions, sizes).
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:']],
  ['font-src', ["'self'", 'data:']],
  ['connect-src', ["'self'"]],
  ['frame-ancestors', ["'none'"]],
  ['base-uri', ["'self'"]],
  ['form-action', ["'self'"]],
  ['object-src', ["'none'"]],
];

/**
 * The content security policy, with `connectSources` added to `connect-src`: on AWS the
 * console's OIDC client fetches Cognito's discovery document (the issuer's origin) and
 * exchanges the code at the pool domain's token endpoint, both other origins. Locally the
 * issuer is the console's own origin, so none are added.
 */
export function consoleContentSecurityPolicy(connectSources: readonly string[] = []): string {
  return DIRECTIVES.map(([name, sources]) =>
    [name, ...sources, ...(name === 'connect-src' ? connectSources : [])].join(' '),
  ).join('; ');
}

/** The headers every console page is served with (local/console.ts sends them as they are). */
export const CONSOLE_SECURITY_HEADERS = {
  'content-security-policy': consoleContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;
