/**
 * Every log group of the service (functions, workflows, API access logs): retention and
 * removal from the stage's configuration, and the Control Tower findings on log groups
 * acknowledged on each group with their reason.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeGuard } from './guard.ts';

export interface ServiceLogGroupProps {
  logGroupName?: string;
  retention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export function serviceLogGroup(scope: Construct, id: string, props: ServiceLogGroupProps): LogGroup {
  const logGroup = new LogGroup(scope, id, {
    ...(props.logGroupName ? { logGroupName: props.logGroupName } : {}),
    retention: props.retention,
    removalPolicy: props.removalPolicy,
  });
  acknowledgeGuard(
    logGroup,
    'cloudwatch_log_group_encrypted_check',
    'Encrypted at rest by CloudWatch Logs with its service-managed keys, and read only through IAM (logs:GetLogEvents, FilterLogEvents, StartQuery) in this account. A customer-managed key would add a second permission to read (kms:Decrypt) at the cost of a key policy for the regional Logs service; not chosen for these logs.',
  );
  // A production stage keeps its logs a year (lib/config.ts), which the rule accepts.
  if (props.retention < RetentionDays.ONE_YEAR)
    acknowledgeGuard(
      logGroup,
      'cloudwatch_log_group_retention_period_check',
      `A non-production stage keeps its logs ${props.retention} days (lib/config.ts): less of the test runs' contact data, for less time. Production keeps them a year.`,
    );
  return logGroup;
}
