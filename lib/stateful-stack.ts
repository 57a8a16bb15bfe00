/**
 * What holds data or account-wide names: the single table, the user pool (the people who
 * sign in, their groups and MFA) and SES (configuration set, templates). It changes rarely
 * and is never replaced by a deploy of the code.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { projectionOf, TABLE_DESIGN } from '../functions/adapters/table-design.ts';
import { type StageConfig, serviceName } from './config.ts';
import { Email, type EmailResources } from './constructs/email.ts';
import { Identity } from './constructs/identity.ts';
import { OperationsAlerts } from './constructs/operations-alerts.ts';

/** The table's TTL attribute: DynamoDB deletes an item some time after this epoch second. */
export const TIME_TO_LIVE_ATTRIBUTE = 'expiresAt';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly email: EmailResources;
  /** The operations topic every alarm of the stage notifies. */
  readonly alerts: OperationsAlerts;
  /** The Cognito user pool whose tokens the API accepts. */
  readonly identity: Identity;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      // Epoch seconds: items that only count for a while (the self-service rate counter) go by themselves.
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
      // New items, for the domain-event publisher (lib/constructs/domain-events.ts): the outbox.
      stream: StreamViewType.NEW_IMAGE,
    });
    for (const index of Object.values(TABLE_DESIGN.indexes))
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: projectionOf(index) === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });

    const email = new Email(this, 'Email', {
      templatePrefix: `${serviceName(config.stage)}-`,
      configurationSetName: serviceName(config.stage),
      senderAddress: config.senderAddress,
      createSenderIdentity: config.createSenderIdentity,
    });
    this.email = email.resources;

    this.alerts = new OperationsAlerts(this, 'OperationsAlerts', {
      stage: config.stage,
      ...(config.operationsEmail ? { email: config.operationsEmail } : {}),
    });

    this.identity = new Identity(this, 'Identity', { stage: config.stage, ...config.identity });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ConfigurationSetName', { value: email.configurationSet.configurationSetName });
    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Every alarm of the stage notifies this topic: subscribe operators to it',
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.identity.userPool.userPoolId,
      description:
        'People: add each to the group named as their role (licensing-ops, support-engineer, product-manager)',
    });
    new CfnOutput(this, 'SystemsClientId', {
      value: this.identity.systemsClient.userPoolClientId,
      description:
        'Systems: client credentials with the entitlements/integration scope (its secret: describe-user-pool-client)',
    });
    new CfnOutput(this, 'TokenEndpoint', {
      value: this.identity.tokenEndpoint,
      description:
        'POST grant_type=client_credentials with the systems client id and secret: an access token for an hour',
    });
  }
}
