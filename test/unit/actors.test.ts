/** Roles from a verified token's claims, in the shapes API Gateway and the local verifier pass them. */
import { describe, expect, it } from 'vitest';
import { actorFor, claimList, rolesOf } from '../../functions/core/actors.ts';

describe('rolesOf', () => {
  it('reads Cognito groups as API Gateway flattens them ("[a b]") and as arrays', () => {
    expect(rolesOf({ 'cognito:groups': '[licensing-ops support-engineer]' })).toEqual([
      'licensing-ops',
      'support-engineer',
    ]);
    expect(rolesOf({ 'cognito:groups': ['product-manager'] })).toEqual(['product-manager']);
  });

  it('reads a system role from its client-credentials scope, and only from our resource server', () => {
    expect(rolesOf({ scope: 'entitlements/integration' })).toEqual(['integration']);
    expect(rolesOf({ scope: 'openid other/integration' })).toEqual([]);
    expect(rolesOf({ scope: 'entitlements/licensing-ops' })).toEqual(['licensing-ops']);
  });

  it('ignores groups that are not roles', () => {
    expect(rolesOf({ 'cognito:groups': '[admins licensing-ops-old]' })).toEqual([]);
    expect(rolesOf({})).toEqual([]);
    expect(claimList(undefined)).toEqual([]);
  });
});

describe('actorFor', () => {
  const alice = { sub: 'a1b2', username: 'alice', 'cognito:groups': '[support-engineer licensing-ops]' };

  it("names the token's subject, the first of its roles the route allows, and the person's user name", () => {
    expect(actorFor(alice, ['licensing-ops'])).toEqual({
      subject: 'a1b2',
      role: 'licensing-ops',
      name: 'alice',
    });
    expect(actorFor(alice, ['support-engineer', 'licensing-ops'])?.role).toBe('support-engineer');
  });

  it('is null when the token holds none of the allowed roles, or has no subject', () => {
    expect(actorFor(alice, ['product-manager'])).toBeNull();
    expect(actorFor({ 'cognito:groups': '[licensing-ops]' }, ['licensing-ops'])).toBeNull();
  });
});
