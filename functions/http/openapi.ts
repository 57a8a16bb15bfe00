/**
 * The OpenAPI 3.1 document of the route table: every route, its path parameters, and who
 * may call it (`security` and `x-roles` from the same `roles` CDK and the handlers read).
 */
import type { Route } from './routes.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export function openApiDocument(routes: readonly Route[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.id,
      ...(parameters.length ? { parameters } : {}),
      ...(route.roles
        ? {
            security: [{ bearerAuth: [] }],
            'x-roles': route.roles,
            description: `Allowed roles: ${route.roles.join(', ')}.`,
          }
        : { security: [], description: `Public: ${route.public}.` }),
      responses: {
        default: { description: 'See CONTRACT.md for the body of each answer.' },
        '400': problem('Malformed input; nothing stored'),
        ...(route.roles
          ? {
              '401': problem('No valid bearer token (missing, forged, expired, another audience)'),
              '403': problem("The token's role may not call this route"),
            }
          : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Entitlement and renewal lifecycle service',
      version: '1',
      description:
        'Contact IDs, entitlement verification, renewal reminders, upgrade entitlement and version end of life. Tokens: Amazon Cognito on AWS (people: user-pool groups named as the roles; systems: client credentials with the scope entitlements/integration); locally POST /_local/token.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
