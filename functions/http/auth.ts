/**
 * The role check every HTTP handler makes after the JWT authorizer (API Gateway on AWS,
 * the local server locally) has verified the token: the route table says which roles a
 * route allows; a token holding none of them is a 403, and nothing runs. The actor (the
 * token's subject and role) goes into the invocation's log lines and every change it makes.
 */
import type { MiddlewareObj } from '@middy/core';
import { type Actor, actorFor, type Claims, rolesOf } from '../core/actors.ts';
import { Forbidden, Unauthenticated } from '../core/errors.ts';
import { logger } from '../shared/logger.ts';
import type { HttpEvent } from './http.ts';
import { ROUTES, type Route } from './routes.ts';

const BY_KEY = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r]));

/** The route an event was routed to (API Gateway's `routeKey`: `PUT /serials/{serialNumber}/version`). */
export function routeOf(event: HttpEvent): Route | undefined {
  return BY_KEY.get(event.routeKey);
}

/** The verified token's claims, as the JWT authorizer passes them (`requestContext.authorizer.jwt.claims`). */
export function claimsOf(event: HttpEvent): Claims | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } };
  return context.authorizer?.jwt?.claims;
}

/**
 * Who makes this request: the token's subject and the first of its roles the route allows.
 * Throws 401 without verified claims (the authorizer let nothing through: defence in depth)
 * and 403 when the route is unknown (fail closed), public, or allows none of the token's roles.
 */
export function actorOf(event: HttpEvent): Actor {
  const route = routeOf(event);
  if (!route?.roles) throw new Forbidden(`${event.routeKey} does not act for a signed-in role`);
  const claims = claimsOf(event);
  if (!claims) throw new Unauthenticated('send Authorization: Bearer <access token>');
  // The JWT authorizer also accepts the console's ID tokens (same issuer and audience): only
  // access tokens grant access.
  if (claims.token_use !== 'access')
    throw new Unauthenticated('the token is refused: send an access token, not an ID token');
  const actor = actorFor(claims, route.roles);
  if (!actor) {
    const held = rolesOf(claims);
    throw new Forbidden(
      `${route.method} ${route.path} is for ${route.roles.join(', ')}; your token's role${held.length === 1 ? ' is' : 's are'} ${held.length ? held.join(', ') : 'none of the service roles'}`,
    );
  }
  return actor;
}

/** Middy middleware: a route with roles answers 401/403 before the handler runs; a public route passes. */
export function authorize<Result>(): MiddlewareObj<HttpEvent, Result> {
  return {
    before: (request) => {
      const route = routeOf(request.event);
      if (route?.public) return;
      const actor = actorOf(request.event);
      logger.appendKeys({ actor });
    },
  };
}
