/**
 * Batch imports through S3: the bucket an import's CSV is uploaded to (a presigned PUT from
 * POST /imports), with its working files and report beside it; the upload's Object Created
 * event, through EventBridge, starts the import-registrations state machine with the
 * object's bucket and key (retried, then parked in a dead-letter queue with an alarm). The
 * files are working copies: they expire after IMPORT_RETENTION_DAYS, as the import's record
 * does in the table.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { IMPORT_RETENTION_DAYS, importFiles } from '../../functions/adapters/imports.ts';
import type { Route } from '../../functions/http/routes.ts';
import { accessLogsBucket } from './access-logs.ts';
import { deadLetterQueue } from './dead-letters.ts';
import { acknowledgeGuard } from './guard.ts';
import { nagArn } from './nag.ts';
import type { OperationsAlerts } from './operations-alerts.ts';
import type { ServiceFunction } from './service-function.ts';

export interface ImportsProps {
  stage: string;
}

/** What a Task function of the catalog may do with the bucket (TaskFunction.access.imports). */
export type ImportsTaskAccess = 'read' | 'readWrite';
/** What a route may presign (Route.access.imports). */
export type ImportsRouteAccess = NonNullable<Route['access']['imports']>[number];

export class Imports extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  private readonly stage: string;
  /** Set by `startRunsOnUpload`. */
  rule?: Rule;
  deadLetters?: Queue;

  constructor(scope: Construct, id: string, props: ImportsProps) {
    super(scope, id);
    const expiration = Duration.days(IMPORT_RETENTION_DAYS);

    this.accessLogs = accessLogsBucket(this, 'AccessLogs', {
      receives: "the imports bucket's server access logs",
      sourcePrefix: 'imports-bucket/',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      // The account's aws/s3 key: usable by whoever may read or write the object (presigned URLs
      // included) without a key policy to keep in step; bucket keys keep KMS calls few.
      encryption: BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // The console uploads the CSV and reads the report from the browser, at the presigned URLs
      // (the signature is the authorization; CORS only lets the page read the answer). Any
      // origin: naming the console's distribution here would make a cycle (its CSP names this bucket).
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          expiration,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Uploads and reports expire on their own; a removed stack leaves the bucket to empty itself.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    // Object Created events to the default EventBridge bus (the rule below), set on the bucket
    // itself: CDK's `eventBridgeEnabled` would add a custom-resource function to do it.
    cfnBucket.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    // Server access logs through the logs bucket's policy, not the LogDeliveryWrite ACL CDK would set.
    cfnBucket.loggingConfiguration = {
      destinationBucketName: this.accessLogs.bucketName,
      logFilePrefix: 'imports-bucket/',
    };
    acknowledgeGuard(
      this.bucket,
      's3_bucket_object_lock_enabled_check',
      'Uploads hold personal data (contact names, emails, phones) and are working files: they must expire after 30 days, which Object Lock would prevent for the retention it sets.',
    );
    this.stage = props.stage;
  }

  /** `<bucket ARN>/<pattern>`, for grants on the import files. */
  private objects(pattern: string): string {
    return this.bucket.arnForObjects(pattern);
  }

  /** IMPORTS_BUCKET_NAME, and the object actions a Task function of the catalog needs on imports/. */
  bindTask(fn: ServiceFunction, access: ImportsTaskAccess): void {
    fn.addConfig('imports', { bucketName: this.bucket.bucketName });
    // A whole file passes through /tmp: the certificates file is written there before its upload.
    (fn.function.node.defaultChild as CfnFunction).ephemeralStorage = { size: 2048 };
    const resource = this.objects(`${importFiles.prefix}*`);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
        resources: [resource],
      }),
    );
    this.acknowledgeObjects(fn, resource);
  }

  /** IMPORTS_BUCKET_NAME, and what a route presigns: the upload (PutObject of input.csv) or the report (GetObject of report.csv). */
  bindRoute(fn: ServiceFunction, access: readonly ImportsRouteAccess[]): void {
    fn.addConfig('imports', { bucketName: this.bucket.bucketName });
    for (const what of access) {
      const resource = this.objects(
        what === 'upload'
          ? `${importFiles.prefix}*${importFiles.inputSuffix}`
          : `${importFiles.prefix}*/report.csv`,
      );
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [what === 'upload' ? 's3:PutObject' : 's3:GetObject'],
          resources: [resource],
        }),
      );
      this.acknowledgeObjects(fn, resource);
    }
  }

  private acknowledgeObjects(fn: ServiceFunction, resource: string): void {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArn(this, resource)}]`,
      reason:
        'Each import gets a random id at run time (imports/<id>/…): the grant covers the import files of this bucket and no other object.',
    });
  }

  /**
   * The upload starts the import's run: a rule on the default bus for this bucket's Object
   * Created events of `imports/<id>/input.csv`, with the bucket and key as the execution's
   * input. And the state machine's own S3 calls: its Distributed Map reads the certificates
   * file (ItemReader) and writes the results (ResultWriter).
   */
  startRunsOnUpload(stateMachine: StateMachine, alerts: OperationsAlerts): void {
    this.deadLetters = deadLetterQueue(this, {
      alerts,
      reason:
        'This queue is itself the dead-letter queue of import uploads whose run could not be started; operators read it and start the runs.',
      alarmDescription:
        "An uploaded import's run could not be started: its status stays PENDING_UPLOAD. Start import-registrations with the event's bucket and key from the queue.",
    });
    this.rule = new Rule(this, 'UploadRule', {
      description: `An import's CSV uploaded to ${this.stage}'s imports bucket → import-registrations`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.bucket.bucketName] },
          object: { key: Match.wildcard(`${importFiles.prefix}*${importFiles.inputSuffix}`) },
        },
      },
    });
    this.rule.addTarget(
      new SfnStateMachine(stateMachine, {
        input: RuleTargetInput.fromObject({
          bucket: EventField.fromPath('$.detail.bucket.name'),
          key: EventField.fromPath('$.detail.object.key'),
        }),
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    );

    const items = this.objects(`${importFiles.prefix}*`);
    stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [items] }));
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.objects(`${importFiles.prefix}*/results/*`)],
      }),
    );
    Validations.of(stateMachine.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArn(this, items)}]`,
      reason:
        "The Distributed Map reads each import's certificates file (imports/<id>/certificates.jsonl, the id given at run time): the grant covers this bucket's import files only.",
    });
    Validations.of(stateMachine.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArn(this, this.objects(`${importFiles.prefix}*/results/*`))}]`,
      reason:
        "ResultWriter writes each map run's results under imports/<id>/results/<map run id>/, both named at run time: the grant covers those result files only.",
    });
    alerts.whenAny(
      this,
      'FailedImportsAlarm',
      stateMachine.metricFailed({ period: Duration.minutes(15) }),
      'An import through S3 failed (GET /imports/{id} says why: a refused file, or a run that stopped). Certificates of finished batches are registered; uploading the same file again finishes it.',
    );
  }
}
