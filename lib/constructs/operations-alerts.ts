/**
 * Failures are heard: one operations topic per stage, encrypted with its own KMS key,
 * that every alarm of the service notifies, and an email subscription to the operations
 * address when one is configured. `alarm()` is the only way the service creates alarms,
 * so none exists without its action (the Control Tower checks fail synth on one that does).
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { serviceName } from '../config.ts';

export interface OperationsAlertsProps {
  stage: string;
  /** Subscribed by email (the subscriber confirms it once); without it the topic has no subscriber. */
  email?: string;
}

export class OperationsAlerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: OperationsAlertsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    // CloudWatch cannot use the AWS-managed SNS key (its policy cannot be changed): a key of our own.
    this.key = new Key(this, 'Key', {
      description: `Entitlements ${props.stage}: encrypts the operations topic`,
      enableKeyRotation: true,
      // Messages live in the topic only until delivered: nothing to decrypt once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsEncryptForTheTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      topicName: `${serviceName(props.stage)}-operations`,
      displayName: `Entitlements ${props.stage} operations`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces the default one: CloudWatch alarms of this account may publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** An alarm that notifies the operations topic when it goes into ALARM. */
  alarm(scope: Construct, id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(scope, id, props);
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  /** An alarm as soon as the metric counts one (a dead letter, a failed run, an error); no data is fine. */
  whenAny(scope: Construct, id: string, metric: IMetric, alarmDescription: string): Alarm {
    return this.alarm(scope, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
