/**
 * AWS's own rules beside cdk-nag: the Control Tower proactive controls, run by cfn-guard
 * through `@cdklabs/cdk-validator-cfnguard` (its binary ships inside the npm package, so
 * synth stays offline). A finding is acknowledged as cdk-nag's are: on the construct
 * concerned, one rule at a time, with its reason (`Validations.acknowledge`). The Control
 * Tower rules ignore cfn-guard's `Metadata.guard.SuppressedRules`, so that is not used.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The validator's name: the prefix of its rule ids in `Validations.acknowledge`. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** The Control Tower rules this service acknowledges somewhere, by cfn-guard rule name. */
export type GuardRule =
  | 'api_gw_v2_authorization_type_configured_check'
  | 'cloudfront_custom_ssl_certificate_check'
  | 'cloudfront_default_root_object_configured_check'
  | 'cloudfront_origin_failover_enabled_check'
  | 'cloudfront_security_policy_check'
  | 'cloudfront_sni_enabled_check'
  | 'cloudwatch_log_group_encrypted_check'
  | 'cloudwatch_log_group_retention_period_check'
  | 'lambda_function_public_access_prohibited_check'
  | 'lambda_inside_vpc_check'
  | 's3_bucket_default_encryption_kms_check'
  | 's3_bucket_logging_enabled_check'
  | 's3_bucket_object_lock_enabled_check'
  | 's3_event_notifications_enabled_check'
  | 'sqs_dlq_check';

/** Acknowledges one Control Tower rule on `scope` (and what it contains), with its reason. */
export function acknowledgeGuard(scope: IConstruct, rule: GuardRule, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}

const RULES_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);
const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Every Control Tower rule file, by name (`ct-sqs-pr-1`), with the resource types it names. */
function controlTowerRules(directory = RULES_DIR): Array<{ name: string; types: Set<string> }> {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return controlTowerRules(path);
    return [{ name: parse(path).name, types: new Set(readFileSync(path, 'utf8').match(RESOURCE_TYPE)) }];
  });
}

/**
 * The Control Tower controls as a synth-time validation plugin. cfn-guard evaluates each
 * rule over each resource, which takes seconds over its 237 rules; a rule only selects
 * resources by the types it names, so the rules naming none of the templates' types are
 * left out (they cannot fire). A rule naming no type always runs.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = GUARD_PLUGIN;
  readonly version: string | undefined;
  readonly ruleIds: string[] | undefined;
  private readonly rules = controlTowerRules();

  constructor() {
    const all = new CfnGuardValidator();
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  /** Rule files that cannot fire on these templates: none of the types they name is there. */
  rulesNotApplicable(templatePaths: readonly string[]): string[] {
    const present = new Set<string>();
    for (const path of templatePaths) {
      const resources = (
        JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, { Type: string }> }
      ).Resources;
      for (const resource of Object.values(resources ?? {})) present.add(resource.Type);
    }
    return this.rules
      .filter((rule) => rule.types.size > 0 && ![...rule.types].some((type) => present.has(type)))
      .map((rule) => rule.name);
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return new CfnGuardValidator({
      disabledRules: this.rulesNotApplicable(context.templatePaths),
      // cfn-guard's report on these templates is about 1 MB, Node's default limit.
      maxBuffer: 256 * 1024 * 1024,
    }).validate(context);
  }
}
