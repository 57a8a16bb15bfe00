/**
 * Stages: both stacks named after the stage, and a production stage with every optional
 * setting given (synth.ts's PRODUCTION): logs kept a year, stacks protected, the sender
 * identity, the links and the settings from context, Control Tower checks passed with no
 * retention acknowledgment. One production synth for all of them, in this file.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUARD_PLUGIN } from '../../lib/constructs/guard.ts';
import {
  acknowledgments,
  type Json,
  PRODUCTION,
  pluginReports,
  resourceOf,
  resourcesOf,
  type Synthesized,
  synthService,
  TEST_STAGE,
} from './synth.ts';

let synth: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  synth = synthService();
  // Throws on any unacknowledged finding of cdk-nag or the Control Tower checks.
  prod = synthService(PRODUCTION);
});

describe('stages', () => {
  it('names both stacks after the stage and ships nothing account-specific', () => {
    expect(synth.stateful.stackName).toBe(`Entitlements-${TEST_STAGE}-Stateful`);
    expect(synth.stateless.stackName).toBe(`Entitlements-${TEST_STAGE}-Stateless`);
    for (const stack of [synth.stateful, synth.stateless]) {
      expect(stack.environment).toBe('aws://unknown-account/unknown-region');
      expect(stack.dependencies.map((d) => d.stackName)).toEqual(
        stack === synth.stateless ? [synth.stateful.stackName] : [],
      );
    }
  });

  it('refuses a malformed stage or sender address', () => {
    expect(() => synthService({ stage: 'Prod!' })).toThrow(/stage/);
    expect(() => synthService({ senderAddress: 'nobody' })).toThrow(/senderAddress/);
  });

  it('creates the sender domain identity, with the configuration set, when createSenderIdentity is set', () => {
    const template = prod.statefulTemplate;
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
  });

  it('keeps production logs a year, past the stack, and protects production stacks from deletion', () => {
    expect(prod.stateful.stackName).toBe('Entitlements-prod-Stateful');
    expect(prod.stateful.terminationProtection).toBe(true);
    const logGroups = Object.values(resourcesOf(prod.statelessTemplate, 'AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThan(0);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toBe(365);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
    const devLogGroups = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::Logs::LogGroup'));
    for (const logGroup of devLogGroups) {
      expect(logGroup.Properties.RetentionInDays).toBe(30);
      expect(logGroup.DeletionPolicy).toBe('Delete');
    }
  });

  it('pass the Control Tower checks in production with no retention acknowledgment: its logs are kept a year', () => {
    const guard = pluginReports(prod.assembly.directory)[GUARD_PLUGIN];
    expect(guard, 'the Control Tower checks ran').toBeDefined();
    expect(guard!.violations ?? []).toEqual([]);
    const retention = acknowledgments(prod.app).filter((a) =>
      a.id.endsWith('::cloudwatch_log_group_retention_period_check'),
    );
    expect(retention).toEqual([]);
  });
});

describe('the production user pool', () => {
  const pool = (): Json => {
    const pools = Object.values(resourcesOf(prod.statefulTemplate, 'AWS::Cognito::UserPool'));
    expect(pools).toHaveLength(1);
    return pools[0]!;
  };

  it('is protected from deletion and retained past its stack: it holds the people', () => {
    const resource = pool();
    expect(resource.Properties.DeletionProtection).toBe('ACTIVE');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    // The same MFA and Plus plan as every stage.
    expect(resource.Properties.MfaConfiguration).toBe('ON');
    expect(resource.Properties.UserPoolTier).toBe('PLUS');
  });

  it("takes the console's other origins and the domain prefix from context", () => {
    const consoleClient = resourceOf(prod.statelessTemplate, prod.stateful.identity.consoleClient).Properties;
    // The distribution's own origin first, then each URL's origin once (both URLs share one).
    const distribution = prod.stateless.console.distribution.distributionDomainName;
    const at = (path: string) => prod.stateless.resolve(`https://${distribution}${path}`);
    const origins = [...new Set(PRODUCTION.consoleUrl.split(',').map((url) => new URL(url).origin))];
    expect(origins).toEqual(['https://console.acme.example']);
    expect(consoleClient.CallbackURLs).toEqual([
      at('/console/callback'),
      ...origins.map((o) => `${o}/console/callback`),
    ]);
    expect(consoleClient.LogoutURLs).toEqual([at('/console/'), ...origins.map((o) => `${o}/console/`)]);
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: PRODUCTION.cognitoDomainPrefix,
    });
  });
});

describe('links in the emails', () => {
  it('come from configuration (CDK context), defaulting to the vendor sites, https only', () => {
    const env = ({ stateless, statelessTemplate }: Synthesized) =>
      resourceOf(statelessTemplate, stateless.workflows.functions.DecideUpgrades.function).Properties
        .Environment.Variables as Json;
    expect(env(synth)).toMatchObject({
      LICENSING_PORTAL_URL: 'https://licensing.vendor.example',
      DOWNLOADS_URL: 'https://downloads.vendor.example',
    });
    expect(env(prod).DOWNLOADS_URL).toBe(PRODUCTION.downloadsUrl);
    expect(() => synthService({ licensingPortalUrl: 'http://insecure.example' })).toThrow(/https URL/);
  });
});

describe('stage settings', () => {
  it('reach every Task function alike: the first reminder and the daily run follow the same offsets', () => {
    for (const [name, fn] of Object.entries(prod.stateless.workflows.functions)) {
      const variables = resourceOf(prod.statelessTemplate, fn.function).Properties.Environment
        .Variables as Json;
      expect(JSON.parse(variables.REMINDER_OFFSETS), name).toEqual(PRODUCTION.reminderOffsets);
      expect(variables.UPGRADE_PAGE_SIZE, name).toBe(PRODUCTION.upgradePageSize);
    }
  });

  it('are checked at synth as the handlers will read them, naming the context key', () => {
    expect(() => synthService({ reminderOffsets: '{"BASIC":[60,"30"]}' })).toThrow(
      /context "reminderOffsets": environment variable REMINDER_OFFSETS is malformed: BASIC\.1/,
    );
    expect(() => synthService({ upgradePageSize: 0 })).toThrow(/context "upgradePageSize"/);
  });
});
