/**
 * One stage of the service: `Entitlements-<stage>-Stateful` then `-Stateless`.
 * Environment-agnostic (no account or region, no lookups), so synth needs no credentials.
 */
import { type App, CrossStackReferences, ReferenceStrength, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStageConfig, type StageConfig, serviceName } from './config.ts';
import { ControlTowerChecks } from './constructs/guard.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface ServiceStacks {
  config: StageConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export function buildService(app: App): ServiceStacks {
  const config = readStageConfig(app);
  const name = serviceName(config.stage);
  // Exports and imports: the stateful stack cannot drop what the stateless one still uses.
  CrossStackReferences.of(app).consume(ReferenceStrength.STRONG);

  const stateful = new StatefulStack(app, `${name}-Stateful`, {
    config,
    description: `Entitlements (${config.stage}): table, user pool and SES configuration`,
    terminationProtection: config.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${name}-Stateless`, {
    config,
    description: `Entitlements (${config.stage}): functions, workflows, HTTP API and the console`,
    table: stateful.table,
    email: stateful.email,
    alerts: stateful.alerts,
    identity: stateful.identity,
  });
  stateless.addStackDependency(stateful, 'the code uses the table, the user pool and SES resources');

  Tags.of(app).add('service', 'entitlements');
  Tags.of(app).add('stage', config.stage);
  // cdk-nag's AwsSolutions pack, and AWS Control Tower's proactive controls (cfn-guard).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ControlTowerChecks());
  return { config, stateful, stateless };
}
