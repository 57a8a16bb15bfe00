/**
 * The local stack's token issuer and verifier, local only and never deployed. It stands in
 * for Amazon Cognito (access tokens shaped like Cognito's: `cognito:groups` for people, the
 * `entitlements/integration` scope for systems, `client_id`, `token_use: access`) and for
 * API Gateway's JWT authorizer (signature against the JWKS, issuer, audience or client_id,
 * expiry), so the handlers receive the same verified claims they get on AWS.
 */
import { randomUUID } from 'node:crypto';
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

export class LocalTokenIssuer {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

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
      token_endpoint: `${this.issuer}/token`,
      response_types_supported: ['token'],
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
