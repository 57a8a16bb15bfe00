/**
 * A bucket that only receives access logs (S3 server access logs, and CloudFront's standard
 * logs where asked), kept a year, with the acknowledgments such a bucket needs and the bucket
 * policy that lets S3's log delivery write under `sourcePrefix` for this account only.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeGuard } from './guard.ts';

export function accessLogsBucket(
  scope: Construct,
  id: string,
  options: {
    /** What the logs are of, for the acknowledgments: "the imports bucket's server access logs". */
    receives: string;
    /** The prefix S3's server access logs of the logged bucket are written under. */
    sourcePrefix: string;
    /** CloudFront's standard logs come too: written through an ACL grant, so ACLs stay possible. */
    cloudFrontLogs?: boolean;
  },
): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: options.cloudFrontLogs
      ? ObjectOwnership.BUCKET_OWNER_PREFERRED
      : ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(1) }],
    // Kept when the stack goes: who asked for what is evidence; the lifecycle empties it.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const logsOnly = `This bucket receives ${options.receives}`;
  const notLogged = `${logsOnly}; logging it too would only log the log deliveries.`;
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: notLogged });
  acknowledgeGuard(bucket, 's3_bucket_logging_enabled_check', notLogged);
  acknowledgeGuard(
    bucket,
    's3_bucket_default_encryption_kms_check',
    `${logsOnly}: S3 delivers server access logs only to a bucket encrypted with S3-managed keys (SSE-S3), not SSE-KMS.`,
  );
  acknowledgeGuard(
    bucket,
    's3_event_notifications_enabled_check',
    `${logsOnly}; nothing acts on a log delivery.`,
  );
  acknowledgeGuard(
    bucket,
    's3_bucket_object_lock_enabled_check',
    `${logsOnly}; they expire after a year, which Object Lock would prevent for the retention it sets.`,
  );
  // Log delivery through the bucket policy (no ACL): only from this account's bucket.
  bucket.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${options.sourcePrefix}*`)],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return bucket;
}
