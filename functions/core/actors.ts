/**
 * Who acts: the roles of CONTRACT.md ("Who may do what"), read from a verified access
 * token's claims, and the actor every recorded change names. Pure: the claims come from
 * API Gateway's JWT authorizer on AWS and from the local stack's verifier locally, in the
 * same shape.
 */

/** People (Cognito user-pool groups named as the roles) and systems (a client-credentials scope). */
export const ROLES = ['licensing-ops', 'support-engineer', 'product-manager', 'integration'] as const;
export type Role = (typeof ROLES)[number];
export const PEOPLE_ROLES = ['licensing-ops', 'support-engineer', 'product-manager'] as const;

/** The resource server of the API's scopes: systems hold `entitlements/integration`. */
export const RESOURCE_SERVER = 'entitlements';
export const scopeOf = (role: Role) => `${RESOURCE_SERVER}/${role}`;

/**
 * Who made a change. People and systems act with a token; customers act through a public
 * route (a signed unsubscribe link, the self-service form); the service itself acts on a
 * schedule (a lifecycle milestone, the renewal-reminder run).
 */
export interface Actor {
  /** The token's `sub`; for a customer or the service, what stands for them (never an address). */
  subject: string;
  role: Role | 'customer' | 'service';
  /** The person's user name when the token carries one (Cognito `username`). */
  name?: string;
}

export const SERVICE_ACTOR: Actor = { subject: 'entitlements-service', role: 'service' };

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** A claim API Gateway passes as a string (`"[a b]"` for an array claim), or an array locally. */
type ClaimValue = string | number | boolean | readonly string[] | undefined;
export type Claims = Readonly<Record<string, ClaimValue>>;

/** The values of a list claim: a JSON array, API Gateway's `"[a b c]"`, or a space-separated `scope`. */
export function claimList(value: ClaimValue): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const text = value.trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner
    .split(/[\s,]+/)
    .map((v) => v.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

/** The roles a token holds: its people groups, and the roles its scopes name. */
export function rolesOf(claims: Claims): Role[] {
  const groups = claimList(claims['cognito:groups']).filter(isRole);
  const scoped = claimList(claims.scope)
    .filter((s) => s.startsWith(`${RESOURCE_SERVER}/`))
    .map((s) => s.slice(RESOURCE_SERVER.length + 1))
    .filter(isRole);
  return [...new Set([...groups, ...scoped])];
}

/**
 * The actor of a request a route allows to `allowed` roles, or null when the token holds
 * none of them. A person in two groups acts in the first role the route allows.
 */
export function actorFor(claims: Claims, allowed: readonly Role[]): Actor | null {
  const role = rolesOf(claims).find((r) => allowed.includes(r));
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (!role || !subject) return null;
  const name = typeof claims.username === 'string' ? claims.username : undefined;
  return { subject, role, ...(name && name !== subject ? { name } : {}) };
}
