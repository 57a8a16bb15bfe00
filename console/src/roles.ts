/** The people roles (functions/core/actors.ts PEOPLE_ROLES) and what the console calls them. */
export const PEOPLE_ROLES = ['licensing-ops', 'support-engineer', 'product-manager'] as const;
export type PersonRole = (typeof PEOPLE_ROLES)[number];

export const ROLE_LABELS: Record<PersonRole, string> = {
  'licensing-ops': 'Licensing ops',
  'support-engineer': 'Support engineer',
  'product-manager': 'Product manager',
};

/** Each role's first page after sign-in. */
export const HOME: Record<PersonRole, string> = {
  'licensing-ops': '/console/certificates',
  'support-engineer': '/console/entitlements',
  'product-manager': '/console/products',
};

export const isPersonRole = (value: unknown): value is PersonRole =>
  typeof value === 'string' && (PEOPLE_ROLES as readonly string[]).includes(value);
