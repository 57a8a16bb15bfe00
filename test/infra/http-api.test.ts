import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS, type WorkflowName } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { ROUTE_THROTTLES } from '../../lib/constructs/http-api.ts';
import {
  allows,
  importedValue,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  type Synthesized,
  statementsOfRole,
  synthService,
} from './synth.ts';

let synth: Synthesized;
let stateless: Template;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
});

const routes = () =>
  Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Json);
const deployedRoute = (route: (typeof ROUTES)[number]): Json => {
  const found = routes().filter((r) => r.RouteKey === `${route.method} ${route.path}`);
  expect(found, route.id).toHaveLength(1);
  return found[0]!;
};

describe('HTTP API', () => {
  it('serves exactly the routes of functions/http/routes.ts', () => {
    expect(
      routes()
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('needs a Cognito access token on every route with roles, through the one JWT authorizer', () => {
    const authorizers = Object.keys(resourcesOf(stateless, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toEqual([
      logicalIdOf(synth.stateless.httpApi.api.node.findChild('CognitoAccessToken')),
    ]);
    const withRoles = ROUTES.filter((r) => r.roles);
    expect(withRoles.length).toBeGreaterThan(0);
    for (const route of withRoles) {
      expect(route.roles!.length, route.id).toBeGreaterThan(0);
      const deployed = deployedRoute(route);
      expect(deployed.AuthorizationType, route.id).toBe('JWT');
      expect(deployed.AuthorizerId, route.id).toEqual({ Ref: authorizers[0] });
      // The handlers check the role (groups for people, the scope for systems): no scope here.
      expect(deployed.AuthorizationScopes, route.id).toBeUndefined();
    }
  });

  it('opens every public route, and only those, each with its reason', () => {
    const open = ROUTES.filter((r) => r.public);
    for (const route of open) {
      expect(route.public!.length, route.id).toBeGreaterThan(40);
      const deployed = deployedRoute(route);
      expect(deployed.AuthorizationType, route.id).toBe('NONE');
      expect(deployed.AuthorizerId, route.id).toBeUndefined();
    }
    // Only what CONTRACT.md ("Who may do what") lists as public: no route is opened by mistake.
    const contractPublic = (key: string) =>
      [
        'GET /health',
        'GET /openapi.json',
        'GET /docs',
        'GET /products/{product}/majors/{major}/lifecycle',
        'GET /products/{product}/lifecycle',
        'GET /products/{product}/lifecycle.svg',
        'GET /products/{product}/lifecycle.ics',
        'POST /self-service/contact-id-requests',
        // The one-click unsubscribe its reminders' List-Unsubscribe header names.
        'POST /unsubscribe',
      ].includes(key) || key.startsWith('GET /customer/');
    for (const route of open) expect(contractPublic(`${route.method} ${route.path}`), route.id).toBe(true);
    // Every deployed route is one of the two kinds.
    expect(routes().filter((r) => r.AuthorizationType === 'NONE')).toHaveLength(open.length);
    expect(routes().filter((r) => r.AuthorizationType === 'JWT')).toHaveLength(ROUTES.length - open.length);
  });

  it("accepts tokens issued by the stage's user pool to either of its app clients", () => {
    const authorizer = Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Authorizer'))[0]!.Properties;
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.ApiId).toEqual({ Ref: logicalIdOf(synth.stateless.httpApi.api) });
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    const [separator, parts] = authorizer.JwtConfiguration.Issuer['Fn::Join'] as [string, unknown[]];
    expect(separator).toBe('');
    expect(parts.slice(0, 3)).toEqual(['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/']);
    expect(parts).toHaveLength(4);
    const identity = synth.stateful.identity;
    expect(importedValue(synth, parts[3])).toEqual({ Ref: logicalIdOf(identity.userPool) });
    // The systems' client from the stateful stack; the console's made beside its distribution, here.
    const [systems, console] = authorizer.JwtConfiguration.Audience as unknown[];
    expect(importedValue(synth, systems)).toEqual({ Ref: logicalIdOf(identity.systemsClient) });
    expect(console).toEqual({ Ref: logicalIdOf(identity.consoleClient) });
  });

  it('sends each route to its own function', () => {
    const integrations = resourcesOf(stateless, 'AWS::ApiGatewayV2::Integration');
    for (const route of ROUTES) {
      const deployed = routes().find((r) => r.RouteKey === `${route.method} ${route.path}`)!;
      const target = (deployed.Target['Fn::Join'] as [string, unknown[]])[1];
      const integrationId = (target[1] as Json).Ref as string;
      const integration = integrations[integrationId]!.Properties;
      expect(integration.IntegrationType, route.id).toBe('AWS_PROXY');
      expect(integration.PayloadFormatVersion, route.id).toBe('2.0');
      expect(integration.IntegrationUri, route.id).toEqual({
        'Fn::GetAtt': [logicalIdOf(synth.stateless.httpApi.functions[route.id]!.function), 'Arn'],
      });
    }
  });

  it('logs access on its default stage and throttles it', () => {
    const stages = Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    const [logGroupId] = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'];
    expect((stateless.toJSON().Resources as Json)[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      subject: '$context.authorizer.claims.sub',
      clientId: '$context.authorizer.claims.client_id',
      authorizerError: '$context.authorizer.error',
    });
    // Nothing of IAM callers any more: the caller is the token's subject.
    expect(stage.AccessLogSettings.Format).not.toContain('$context.identity.userArn');
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(
      stage.DefaultRouteSettings.ThrottlingRateLimit,
    );
  });

  it('throttles the public self-service form tighter than the stage, on its own route', () => {
    const { Properties: stage, DependsOn } = Object.values(
      resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage'),
    )[0]!;
    const byId = Object.fromEntries(ROUTES.map((r) => [r.id, r]));
    expect(Object.keys(ROUTE_THROTTLES)).toContain('PostContactIdRequest');
    expect(Object.keys(stage.RouteSettings).sort()).toEqual(
      Object.keys(ROUTE_THROTTLES)
        .map((id) => `${byId[id]!.method} ${byId[id]!.path}`)
        .sort(),
    );
    expect(stage.RouteSettings['POST /self-service/contact-id-requests']).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
    for (const settings of Object.values(stage.RouteSettings as Record<string, Json>)) {
      expect(settings.ThrottlingRateLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingRateLimit);
      expect(settings.ThrottlingBurstLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingBurstLimit);
    }
    // The stage-wide throttle stays for every other route.
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    // CloudFormation finds a route by its key only once the route exists.
    const routeIds = Object.entries(resourcesOf(stateless, 'AWS::ApiGatewayV2::Route'))
      .filter(([, r]) => r.Properties.RouteKey in stage.RouteSettings)
      .map(([id]) => id);
    expect(routeIds).toHaveLength(Object.keys(ROUTE_THROTTLES).length);
    for (const id of routeIds) expect(DependsOn).toContain(id);
  });

  it('outputs its URL', () => {
    const outputs = stateless.findOutputs('ApiUrl');
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('execute-api');
  });

  it("gives every route the stage's settings, so an email it owes carries the stage's links and support contacts", () => {
    for (const route of ROUTES) {
      const fn = synth.stateless.httpApi.functions[route.id]!;
      const variables = resourceOf(stateless, fn.function).Properties.Environment.Variables as Json;
      for (const name of ['SUPPORT_CONTACTS', 'RENEWAL_URL', 'LICENSING_PORTAL_URL'])
        expect(variables[name], `${route.id}: ${name}`).toEqual(expect.any(String));
    }
  });

  it('lets a route start only the workflows it declares, whose ARN it gets by variable', () => {
    for (const route of ROUTES) {
      const fn = synth.stateless.httpApi.functions[route.id]!;
      const statements = statementsOfRole(stateless, logicalIdOf(fn.role));
      const variables = resourceOf(stateless, fn.function).Properties.Environment.Variables as Json;
      const sync = (route.access.startSync ?? []) as WorkflowName[];
      const async = (route.access.start ?? []) as WorkflowName[];
      const declared = [...sync, ...async];
      for (const name of declared) {
        const arn = { Ref: logicalIdOf(synth.stateless.workflows.stateMachines[name]) };
        const action = sync.includes(name) ? 'states:StartSyncExecution' : 'states:StartExecution';
        expect(allows(statements, action, arn), `${route.id} → ${name}`).toBe(true);
        expect(variables[WORKFLOWS[name].arnVariable], route.id).toEqual(arn);
      }
      const started = statements.filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('states:')),
      );
      expect(
        started.flatMap((s) => [s.Resource].flat()),
        route.id,
      ).toHaveLength(declared.length);
    }
  });
});

describe('unsubscribe links', () => {
  it('are signed and verified with the generated secret, never the local default, pointing at this API', () => {
    const signers = [
      ...ROUTES.filter((r) => r.access.unsubscribe).map((r) => synth.stateless.httpApi.functions[r.id]!),
      synth.stateless.workflows.functions.ClaimDueReminders,
      synth.stateless.workflows.functions.DeliverReminderDigests,
    ];
    expect(signers).toHaveLength(4);
    const secrets = resourcesOf(stateless, 'AWS::SecretsManager::Secret');
    expect(Object.values(secrets).map((s) => s.Properties.GenerateSecretString)).toEqual([
      { ExcludePunctuation: true, PasswordLength: 64 },
    ]);
    const [secretId] = Object.keys(secrets);
    for (const fn of signers) {
      const env = resourceOf(stateless, fn.function).Properties.Environment.Variables;
      // A dynamic reference CloudFormation resolves at deploy: {{resolve:secretsmanager:<arn>:SecretString:::}}.
      expect(JSON.stringify(env.UNSUBSCRIBE_SECRET)).toContain('{{resolve:secretsmanager:');
      expect(JSON.stringify(env.UNSUBSCRIBE_SECRET)).toContain(secretId);
      expect(JSON.stringify(env.UNSUBSCRIBE_BASE_URL)).toContain(logicalIdOf(synth.stateless.httpApi.api));
    }
  });
});
