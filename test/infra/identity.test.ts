/**
 * Who signs in: the stage's Cognito user pool (lib/constructs/identity.ts). People in groups
 * named as the roles, MFA required; systems by client credentials with the integration scope;
 * the console by authorization code without a secret. The production pool (retained,
 * protected, its console URLs and domain from context) is checked in stages.test.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE_ROLES, RESOURCE_SERVER, scopeOf } from '../../functions/core/actors.ts';
import { readStageConfig } from '../../lib/config.ts';
import { Identity } from '../../lib/constructs/identity.ts';
import {
  appContext,
  importedValue,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  type Synthesized,
  synthService,
} from './synth.ts';

let synth: Synthesized;
let stateful: Template;
beforeAll(() => {
  synth = synthService();
  stateful = synth.statefulTemplate;
});

const identity = () => synth.stateful.identity;
const pool = (): Json => {
  const pools = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPool'));
  expect(pools).toHaveLength(1);
  return pools[0]!;
};
const poolRef = () => ({ Ref: logicalIdOf(identity().userPool) });

describe('the user pool', () => {
  it('is in the stateful stack, and only there', () => {
    expect(resourcesOf(synth.statelessTemplate, 'AWS::Cognito::UserPool')).toEqual({});
    expect(resourceOf(stateful, identity().userPool)).toEqual(pool());
  });

  it('requires MFA with an authenticator app, never SMS', () => {
    const { Properties } = pool();
    expect(Properties.MfaConfiguration).toBe('ON');
    expect(Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(Properties.SmsConfiguration).toBeUndefined();
  });

  it('asks for 14 characters of every class, and a temporary password lasts 3 days', () => {
    expect(pool().Properties.Policies.PasswordPolicy).toEqual({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
    });
  });

  it('lets nobody sign up: administrators add people; accounts are recovered by email only', () => {
    const { Properties } = pool();
    expect(Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(Properties.AccountRecoverySetting).toEqual({
      RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }],
    });
    expect(Properties.AutoVerifiedAttributes).toEqual(['email']);
  });

  it('is on the Plus plan with threat protection enforced', () => {
    const { Properties } = pool();
    expect(Properties.UserPoolTier).toBe('PLUS');
    expect(Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('goes with the stack on a stage other than prod, unprotected', () => {
    const resource = pool();
    expect(resource.Properties.DeletionProtection).toBe('INACTIVE');
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  it('has one group per people role, named exactly as the role', () => {
    const groups = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties as Json,
    );
    expect(groups.map((g) => g.GroupName).sort()).toEqual([...PEOPLE_ROLES].sort());
    for (const group of groups) {
      expect(group.UserPoolId).toEqual(poolRef());
      expect(group.Description.length).toBeGreaterThan(10);
    }
  });
});

describe('the API’s resource server and app clients', () => {
  // The console's client is in the stateless stack, beside the distribution it signs in at.
  const clients = (): Json[] =>
    [stateful, synth.statelessTemplate].flatMap((template) =>
      Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient')).map((c) => c.Properties as Json),
    );

  it('has a resource server `entitlements` with the one scope `integration`', () => {
    const servers = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolResourceServer'));
    expect(servers).toHaveLength(1);
    const { Properties } = servers[0]!;
    expect(Properties.Identifier).toBe(RESOURCE_SERVER);
    expect(Properties.UserPoolId).toEqual(poolRef());
    expect(Properties.Scopes.map((s: Json) => s.ScopeName)).toEqual(['integration']);
    expect(`${Properties.Identifier}/${Properties.Scopes[0].ScopeName}`).toBe(scopeOf('integration'));
  });

  it('has two clients: systems and the console', () => {
    expect(clients()).toHaveLength(2);
    expect(resourceOf(stateful, identity().systemsClient).Properties.UserPoolId).toEqual(poolRef());
    expect(
      importedValue(
        synth,
        resourceOf(synth.statelessTemplate, identity().consoleClient).Properties.UserPoolId,
      ),
    ).toEqual(poolRef());
  });

  it('gives systems client credentials with a secret, the integration scope only, tokens for an hour, and no user sign-in', () => {
    const resource = resourceOf(stateful, identity().systemsClient);
    const p = resource.Properties;
    expect(p.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(p.GenerateSecret).toBe(true);
    expect(p.AllowedOAuthScopes).toEqual([scopeOf('integration')]);
    expect(p.AccessTokenValidity).toBe(60);
    expect(p.TokenValidityUnits.AccessToken).toBe('minutes');
    // No password or SRP flow: a person cannot sign in through the systems' client.
    expect(p.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(p.CallbackURLs).toBeUndefined();
    // The scope exists before the client is given it.
    expect(resource.DependsOn).toContain(logicalIdOf(identity().resourceServer));
  });

  it('gives the console the authorization code grant without a secret (PKCE), OpenID scopes, and hides whether a user exists', () => {
    const p = resourceOf(synth.statelessTemplate, identity().consoleClient).Properties;
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.GenerateSecret).toBe(false);
    expect([...p.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(p.AllowedOAuthScopes).not.toContain(scopeOf('integration'));
    expect(p.PreventUserExistenceErrors).toBe('ENABLED');
    expect(p.EnableTokenRevocation).toBe(true);
    expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
    // Without context: the console's distribution only (test/infra/console.test.ts).
    expect(p.CallbackURLs).toHaveLength(1);
    expect(p.LogoutURLs).toHaveLength(1);
    expect(p.AccessTokenValidity).toBe(60);
  });

  it("signs people in with managed login (not the classic hosted UI), the console styled with Cognito's own", () => {
    const domains = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolDomain'));
    expect(domains).toHaveLength(1);
    expect(domains[0]!.Properties.ManagedLoginVersion).toBe(2);
    const brandings = Object.values(
      resourcesOf(synth.statelessTemplate, 'AWS::Cognito::ManagedLoginBranding'),
    );
    expect(brandings).toHaveLength(1);
    expect(brandings[0]!.Properties).toMatchObject({
      ClientId: { Ref: logicalIdOf(identity().consoleClient) },
      UseCognitoProvidedValues: true,
    });
  });

  it('no client may use the implicit grant', () => {
    for (const c of clients()) expect(c.AllowedOAuthFlows).not.toContain('implicit');
  });
});

describe('the domain and outputs', () => {
  it('has a Cognito prefix domain unique per stack by default: entitlements-<stage>-<8 hex digits of the stack id>', () => {
    const domains = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolDomain'));
    expect(domains).toHaveLength(1);
    const { Properties } = domains[0]!;
    expect(Properties.UserPoolId).toEqual(poolRef());
    expect(Properties.CustomDomainConfig).toBeUndefined();
    expect(Properties.Domain).toEqual({
      'Fn::Join': [
        '',
        [
          'entitlements-test-',
          {
            'Fn::Select': [
              0,
              { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
            ],
          },
        ],
      ],
    });
    // What CloudFormation makes of it, on a stack id as CloudFormation gives one.
    const stackId =
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/Entitlements-test-Stateful/51af3dc0-da77-11e4-872e-1234567890ab';
    expect(`entitlements-test-${stackId.split('/')[2]!.split('-')[0]}`).toMatch(
      /^entitlements-test-[0-9a-f]{8}$/,
    );
  });

  it('outputs the user pool id, both client ids and the token endpoint', () => {
    const outputs = stateful.toJSON().Outputs as Json;
    expect(outputs.UserPoolId.Value).toEqual(poolRef());
    expect(outputs.SystemsClientId.Value).toEqual({ Ref: logicalIdOf(identity().systemsClient) });
    expect((synth.statelessTemplate.toJSON().Outputs as Json).ConsoleClientId.Value).toEqual({
      Ref: logicalIdOf(identity().consoleClient),
    });
    expect(outputs.TokenEndpoint.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: logicalIdOf(identity().domain) },
          '.auth.',
          { Ref: 'AWS::Region' },
          '.amazoncognito.com/oauth2/token',
        ],
      ],
    });
  });

  it('takes the domain prefix from context `cognitoDomainPrefix`', () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: appContext({ cognitoDomainPrefix: 'acme-entitlements-test' }),
    });
    const stack = new Stack(app, 'Identity');
    new Identity(stack, 'Identity', { stage: 'test', ...readStageConfig(app).identity });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'acme-entitlements-test',
    });
  });
});

describe('identity configuration (CDK context)', () => {
  const identityOf = (extra: Record<string, unknown>) =>
    readStageConfig(new App({ context: appContext(extra) })).identity;

  it('names no console URL but the distribution by default, and takes a comma-separated list of https URLs', () => {
    expect(identityOf({}).consoleUrls).toEqual([]);
    expect(identityOf({ stage: 'prod' }).consoleUrls).toEqual([]);
    expect(identityOf({}).domainPrefix).toBeUndefined();
    expect(identityOf({}).retain).toBe(false);
    expect(
      identityOf({ consoleUrl: 'https://console.example/, http://localhost:3001/callback' }).consoleUrls,
    ).toEqual(['https://console.example/', 'http://localhost:3001/callback']);
  });

  it('requires https console URLs on prod, and refuses a malformed URL or domain prefix', () => {
    expect(() => identityOf({ stage: 'prod', consoleUrl: 'http://localhost:5173/' })).toThrow(/consoleUrl/);
    expect(identityOf({ stage: 'prod', consoleUrl: 'https://console.example/' }).retain).toBe(true);
    expect(() => identityOf({ consoleUrl: 'http://console.example/' })).toThrow(/consoleUrl/);
    expect(() => identityOf({ consoleUrl: 'not a url' })).toThrow(/consoleUrl/);
    expect(() => identityOf({ consoleUrl: 'https://console.example/#x' })).toThrow(/consoleUrl/);
    expect(() => identityOf({ consoleUrl: ' , ' })).toThrow(/consoleUrl/);
    for (const prefix of ['Entitlements', 'my-cognito-pool', '-x', 'a_b'])
      expect(() => identityOf({ cognitoDomainPrefix: prefix }), prefix).toThrow(/cognitoDomainPrefix/);
    expect(identityOf({ cognitoDomainPrefix: 'acme-entitlements' }).domainPrefix).toBe('acme-entitlements');
  });
});
