/**
 * The local stack's token issuer and verifier, local only and never deployed. It stands in
 * for Amazon Cognito (access tokens shaped like Cognito's: `cognito:groups` for people, the
 * `entitlements/integration` scope for systems, `client_id`, `token_use: access`) and for
 * API Gateway's JWT authorizer (signature against the JWKS, issuer, audience or client_id,
 * expiry), so the handlers receive the same verified claims they get on AWS.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { isRole, PEOPLE_ROLES, ROLES, type Role, scopeOf } from '../functions/core/actors.ts';
import { InvalidInput, Unauthenticated } from '../functions/core/errors.ts';

/** The app clients of the local user pool: the console's (people) and the order systems' (client credentials). */
export const LOCAL_CLIENTS = {
  console: 'entitlements-local-console',
  integration: 'entitlements-local-integration',
} as const;

export const TOKEN_LIFETIME_SECONDS = 3600;
const ALGORITHM = 'ES256';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Claims as API Gateway hands them to Lambda: every value a string, arrays as `[a b]`. */
export type GatewayClaims = Record<string, string>;

/** Where the local console may be sent back to after sign-in: the stack itself, or Vite's dev server. */
export const DEV_CONSOLE_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];
const CODE_LIFETIME_MS = 60_000;

interface PendingCode {
  role: Role;
  subject: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expires: number;
}

export class LocalTokenIssuer {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  /** Authorization codes not yet exchanged: in memory, single use, a minute each. */
  private readonly codes = new Map<string, PendingCode>();

  private constructor(
    readonly issuer: string,
    private readonly privateKey: Awaited<ReturnType<typeof importJWK>>,
    private readonly publicJwk: JWK,
    /** What a token's `aud` or `client_id` must be, as the JWT authorizer's audience list. */
    readonly audiences: readonly string[] = Object.values(LOCAL_CLIENTS),
  ) {
    this.keys = createLocalJWKSet({ keys: [publicJwk] });
  }

  /**
   * An issuer at `issuer` (the stack's `…/_local`). With `keyPath`, its signing key is kept
   * there (git-ignored data), so tokens outlive a restart on the same port.
   */
  static async create(issuer: string, keyPath: string | null): Promise<LocalTokenIssuer> {
    let privateJwk: JWK | undefined;
    if (keyPath && existsSync(keyPath)) {
      try {
        privateJwk = JSON.parse(readFileSync(keyPath, 'utf8')) as JWK;
      } catch {
        console.warn(`local token issuer: ${keyPath} is unreadable; a new key signs tokens from now on`);
      }
    }
    if (!privateJwk) {
      const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      privateJwk = await exportJWK(privateKey);
      if (keyPath) writeFileSync(keyPath, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const { d: _private, ...publicPart } = privateJwk;
    const kid = await calculateJwkThumbprint(publicPart);
    const privateKey = await importJWK({ ...privateJwk, alg: ALGORITHM }, ALGORITHM);
    return new LocalTokenIssuer(issuer, privateKey, { ...publicPart, kid, alg: ALGORITHM, use: 'sig' });
  }

  /** `POST /_local/token` `{role, subject}`: an access token like Cognito's for that role. */
  async issue(body: unknown): Promise<IssuedToken> {
    const { role, subject } = parseTokenRequest(body);
    const people = (PEOPLE_ROLES as readonly string[]).includes(role);
    const access_token = await this.sign({
      sub: subject,
      token_use: 'access',
      ...(people
        ? { username: subject, 'cognito:groups': [role], client_id: LOCAL_CLIENTS.console, scope: 'openid' }
        : { client_id: LOCAL_CLIENTS.integration, scope: scopeOf(role) }),
    });
    return { access_token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /**
   * `GET /_local/authorize`: the sign-in of the console, as Cognito's managed login answers
   * it, without a password page: the console's button names the role (`role=`, and
   * `login_hint=` the subject). Authorization code with PKCE (S256) only, for the console
   * client, back to the stack's own origin or Vite's dev server. Answers where to redirect.
   */
  authorize(query: URLSearchParams): string {
    const redirectUri = query.get('redirect_uri') ?? '';
    const errors: Array<{ path: string; message: string }> = [];
    if (query.get('response_type') !== 'code')
      errors.push({ path: 'response_type', message: 'must be code' });
    if (query.get('client_id') !== LOCAL_CLIENTS.console)
      errors.push({ path: 'client_id', message: `must be ${LOCAL_CLIENTS.console}` });
    if (!this.allowsRedirect(redirectUri))
      errors.push({ path: 'redirect_uri', message: 'must be on this stack or http://localhost:5173' });
    const challenge = query.get('code_challenge') ?? '';
    if (query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      errors.push({ path: 'code_challenge', message: 'PKCE with S256 is required' });
    const role = query.get('role');
    if (!role || !(PEOPLE_ROLES as readonly string[]).includes(role))
      errors.push({ path: 'role', message: `must be one of ${PEOPLE_ROLES.join(', ')}` });
    const hint = query.get('login_hint');
    if (hint !== null && !/^[\w.@+-]{1,128}$/.test(hint))
      errors.push({ path: 'login_hint', message: 'letters, digits and . _ @ + - (at most 128)' });
    if (errors.length)
      throw new InvalidInput('sign in from the console: its buttons send each of these', errors);
    const code = randomBytes(24).toString('base64url');
    const nonce = query.get('nonce');
    this.codes.set(code, {
      role: role as Role,
      subject: hint ?? `local-${role}`,
      redirectUri,
      challenge,
      ...(nonce ? { nonce } : {}),
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = query.get('state');
    if (state) back.searchParams.set('state', state);
    return back.href;
  }

  /**
   * The token endpoint's authorization-code grant (form-encoded, as oidc-client-ts sends it):
   * the code once, with the verifier of its challenge and the same redirect URI. Answers an
   * access token like `issue`'s and an ID token for the console to read the name and role from.
   */
  async exchange(form: URLSearchParams): Promise<IssuedToken & { id_token: string }> {
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    const problems = [
      form.get('grant_type') !== 'authorization_code' && 'grant_type must be authorization_code',
      (!pending || pending.expires < Date.now()) && 'the code is unknown, used or expired',
      pending && form.get('redirect_uri') !== pending.redirectUri && 'redirect_uri differs',
      pending &&
        createHash('sha256').update(verifier).digest('base64url') !== pending.challenge &&
        'code_verifier does not match the challenge',
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length || !pending)
      throw new InvalidInput(
        'invalid_grant',
        problems.map((message) => ({ path: 'code', message })),
      );
    const { access_token } = await this.issue({ role: pending.role, subject: pending.subject });
    const id_token = await this.sign({
      sub: pending.subject,
      aud: LOCAL_CLIENTS.console,
      token_use: 'id',
      'cognito:username': pending.subject,
      'cognito:groups': [pending.role],
      name: pending.subject,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
    });
    return { access_token, id_token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /** Where `GET /_local/logout` may send the browser back to: the same places as sign-in. */
  allowsRedirect(uri: string): boolean {
    const url = URL.parse(uri);
    if (!url || url.hash) return false;
    return url.origin === new URL(this.issuer).origin || DEV_CONSOLE_ORIGINS.includes(url.origin);
  }

  /** Signs any claims with the issuer's key (tests forge foreign audiences and expired tokens with it). */
  async sign(
    claims: JWTPayload,
    options: { issuedAt?: number; expiresAt?: number; issuer?: string } = {},
  ): Promise<string> {
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid: this.publicJwk.kid!, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(options.expiresAt ?? iat + TOKEN_LIFETIME_SECONDS)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /**
   * What the JWT authorizer checks, on an `Authorization` header: a bearer token whose
   * signature verifies against the JWKS, from this issuer, for one of the audiences (its
   * `aud`, or Cognito's `client_id` on access tokens), not expired. Answers the claims as
   * API Gateway passes them; throws Unauthenticated (401) saying why not.
   */
  async verify(authorization: string | undefined): Promise<GatewayClaims> {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(authorization ?? '');
    if (!match)
      throw new Unauthenticated('send Authorization: Bearer <access token> (POST /_local/token gives one)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, this.keys, {
        issuer: this.issuer,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      throw new Unauthenticated(`the token is refused: ${reason(error)}`);
    }
    const audiences = [payload.aud ?? [], payload.client_id ?? []].flat().map(String);
    if (!audiences.some((a) => this.audiences.includes(a)))
      throw new Unauthenticated('the token is refused: it was issued for another client (audience)');
    return gatewayClaims(payload);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The OIDC discovery document (`…/_local/.well-known/openid-configuration`). */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks.json`,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      end_session_endpoint: `${this.issuer}/logout`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALGORITHM],
      scopes_supported: ['openid', ...ROLES.map(scopeOf)],
    };
  }
}

function parseTokenRequest(body: unknown): { role: Role; subject: string } {
  const usage = `send {"role": one of ${ROLES.join(', ')}, "subject": "alice"}`;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInput(usage, [{ path: '(body)', message: 'must be a JSON object' }]);
  const { role, subject, ...rest } = body as Record<string, unknown>;
  const errors = [
    ...(isRole(role) ? [] : [{ path: 'role', message: `must be one of ${ROLES.join(', ')}` }]),
    ...(subject === undefined || (typeof subject === 'string' && /^[\w.@+-]{1,128}$/.test(subject))
      ? []
      : [{ path: 'subject', message: 'letters, digits and . _ @ + - (at most 128)' }]),
    ...Object.keys(rest).map((k) => ({ path: k.slice(0, 100), message: 'unknown field' })),
  ];
  if (errors.length) throw new InvalidInput(usage, errors);
  return { role: role as Role, subject: (subject as string | undefined) ?? `local-${role as Role}` };
}

function gatewayClaims(payload: JWTPayload): GatewayClaims {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'it has expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "its signature does not verify against the issuer's keys";
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `its ${(error as { claim?: string }).claim ?? 'claims'} claim is not valid (${(error as Error).message})`;
    default:
      return 'it is not a JWT this issuer signed';
  }
}
