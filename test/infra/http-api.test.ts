import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS, type WorkflowName } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import {
  allows,
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

describe('HTTP API', () => {
  it('serves exactly the routes of functions/http/routes.ts', () => {
    expect(
      routes()
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('authorizes every route with IAM (SigV4), but the public ones, each with its reason', () => {
    expect(routes().length).toBeGreaterThan(0);
    const open = new Set(ROUTES.filter((r) => r.public).map((r) => `${r.method} ${r.path}`));
    // Only the unsubscribe routes (a customer's mail client or browser), whose token is signed.
    expect([...open].sort()).toEqual(['GET /customer/unsubscribe', 'POST /unsubscribe']);
    for (const route of ROUTES.filter((r) => r.public)) expect(route.public!.length).toBeGreaterThan(40);
    for (const route of routes())
      expect(route.AuthorizationType, route.RouteKey).toBe(open.has(route.RouteKey) ? 'NONE' : 'AWS_IAM');
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
      userArn: '$context.identity.userArn',
    });
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(
      stage.DefaultRouteSettings.ThrottlingRateLimit,
    );
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
