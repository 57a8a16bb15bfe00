/**
 * The house Lambda function: Node 24 on Graviton, bundled by esbuild on the machine
 * (ESM, minified, source maps; the AWS SDK v3 left to the runtime), X-Ray tracing, its
 * own log group, and a role that holds nothing until a `bind*` method grants it what
 * the function's intent needs.
 */
import { join } from 'node:path';
import { ArnFormat, Duration, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../functions/adapters/table-design.ts';
import type { WorkflowName } from '../../functions/catalog.ts';
import {
  configEnvironment,
  type Section,
  type SectionName,
  workflowEnvironment,
} from '../../functions/shared/config.ts';
import { REPO_ROOT } from '../config.ts';
import { acknowledgeGuard } from './guard.ts';
import { serviceLogGroup } from './log-group.ts';
import { nagArn } from './nag.ts';

export type TableAccess = 'read' | 'readWrite';

/** DynamoDB actions by intent. Transactions are authorized per item by these same actions. */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** The table and each of its indexes, by name: no `index/*` wildcard. */
export const tableResourceArns = (table: ITable): string[] => [
  table.tableArn,
  ...Object.values(TABLE_DESIGN.indexes).map((index) => `${table.tableArn}/index/${index.indexName}`),
];

export interface MailerBinding {
  senderAddress: string;
  /** Passed as EMAIL_TEMPLATE_PREFIX; see `templateName` in functions/adapters/mailer.ts. */
  templatePrefix: string;
  /** Full template names the function may send. */
  templateNames: readonly string[];
  configurationSetName: string;
}

export interface ServiceFunctionProps {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description?: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** What a function needs to manage one-time schedules (see constructs/schedules.ts). */
export interface ScheduleBinding {
  groupName: string;
  /** `arn:…:schedule/<group>/*`: the schedules of the group. */
  schedulesArn: string;
  roleArn: string;
  deadLetterArn: string;
}

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = serviceLogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.entry}: execution role`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      ...(props.description ? { description: props.description } : {}),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        platform: 'node',
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: BANNER,
        externalModules: ['@aws-sdk/*'],
        // Licence comments go to a file of their own next to the bundle, not to its end.
        esbuildArgs: { '--legal-comments': 'external' },
        logLevel: LogLevel.WARNING,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires Resource "*".',
    });
    acknowledgeGuard(
      this.function,
      'lambda_inside_vpc_check',
      'No VPC: the function reaches only AWS service endpoints (DynamoDB, Step Functions, Scheduler, SES) over TLS, each call authorized by its IAM role, and no resource inside a network. A VPC would add NAT or interface endpoints to reach the same APIs, not a narrower path to the data.',
    );
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /** The variables of a section of functions/shared/config.ts, named there and checked as the handler reads them. */
  addConfig<K extends SectionName>(section: K, values: Partial<Section<K>>): this {
    for (const [name, value] of Object.entries(configEnvironment(section, values, Token.isUnresolved)))
      this.addEnvironment(name, value);
    return this;
  }

  private addWorkflowArn(workflow: WorkflowName, stateMachine: IStateMachine): void {
    for (const [name, value] of Object.entries(workflowEnvironment(workflow, stateMachine.stateMachineArn)))
      this.addEnvironment(name, value);
  }

  /** TABLE_NAME, and the item actions of `access` on the table and its named indexes. */
  bindTable(table: ITable, access: TableAccess): this {
    this.addConfig('table', { tableName: table.tableName });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...TABLE_ACTIONS[access]], resources: tableResourceArns(table) }),
    );
    return this;
  }

  /**
   * SENDER_ADDRESS, EMAIL_TEMPLATE_PREFIX and CONFIGURATION_SET_NAME, and SES v2
   * SendEmail limited to the sender's identities, the configuration set and the templates.
   */
  bindMailer(mailer: MailerBinding): this {
    this.addConfig('mailer', {
      from: mailer.senderAddress,
      templatePrefix: mailer.templatePrefix,
      configurationSet: mailer.configurationSetName,
    });
    const stack = Stack.of(this);
    const ses = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ses', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const domain = mailer.senderAddress.slice(mailer.senderAddress.lastIndexOf('@') + 1);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          // SES authorizes against whichever identity is verified: the address or its domain.
          ses('identity', domain),
          ses('identity', mailer.senderAddress),
          ses('configuration-set', mailer.configurationSetName),
          ...mailer.templateNames.map((name) => ses('template', name)),
        ],
      }),
    );
    return this;
  }

  /** The workflow's ARN (in the catalog's variable for it), and StartExecution on that state machine only. */
  bindWorkflow(stateMachine: IStateMachine, workflow: WorkflowName): this {
    this.addWorkflowArn(workflow, stateMachine);
    stateMachine.grantStartExecution(this.role);
    return this;
  }

  /** The schedule group, role and dead-letter queue, and managing schedules in that group only. */
  bindSchedules(schedules: ScheduleBinding): this {
    this.addConfig('schedules', {
      groupName: schedules.groupName,
      roleArn: schedules.roleArn,
      deadLetterArn: schedules.deadLetterArn,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [schedules.schedulesArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [schedules.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArn(this, schedules.schedulesArn)}]`,
      reason:
        "Schedules are named per milestone at run time (one per product, major and milestone), so the grant covers the service's own schedule group and no other.",
    });
    return this;
  }

  /** The workflow's ARN (in the catalog's variable for it), and StartSyncExecution on that state machine only. */
  bindSyncWorkflow(stateMachine: IStateMachine, workflow: WorkflowName): this {
    this.addWorkflowArn(workflow, stateMachine);
    stateMachine.grantStartSyncExecution(this.role);
    return this;
  }
}
