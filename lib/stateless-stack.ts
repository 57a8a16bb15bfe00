/**
 * The code: functions, state machines and the HTTP API. Safe to replace at any deploy;
 * it holds no data and receives the stateful resources through typed props.
 */
import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.ts';
import { Console } from './constructs/console.ts';
import { DeliveryEvents } from './constructs/delivery-events.ts';
import { DomainEvents } from './constructs/domain-events.ts';
import type { EmailResources } from './constructs/email.ts';
import { ServiceHttpApi } from './constructs/http-api.ts';
import type { Identity } from './constructs/identity.ts';
import { Imports } from './constructs/imports.ts';
import type { OperationsAlerts } from './constructs/operations-alerts.ts';
import { RenewalReminders } from './constructs/renewal-reminders.ts';
import { Schedules } from './constructs/schedules.ts';
import { UnsubscribeSigning } from './constructs/unsubscribe-signing.ts';
import { Workflows } from './constructs/workflows.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: ITable;
  email: EmailResources;
  /** Every alarm is created through it, so that it notifies the operations topic. */
  alerts: OperationsAlerts;
  /** The user pool whose access tokens (both app clients') the API accepts. */
  identity: Identity;
}

export class StatelessStack extends Stack {
  readonly workflows: Workflows;
  readonly httpApi: ServiceHttpApi;
  readonly deliveryEvents: DeliveryEvents;
  readonly imports: Imports;
  readonly domainEvents: DomainEvents;
  readonly console: Console;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logs = { logRetention: config.logRetention, logRemovalPolicy: config.logRemovalPolicy };

    // Imports through S3: the bucket first (Task functions and routes are granted on it), the upload rule once the state machine exists.
    this.imports = new Imports(this, 'Imports', { stage: config.stage });
    this.workflows = new Workflows(this, 'Workflows', {
      imports: this.imports,
      stage: config.stage,
      table: props.table,
      email: props.email,
      settings: config.settings,
      ...logs,
    });

    this.imports.startRunsOnUpload(this.workflows.stateMachines.ImportRegistrations, props.alerts);

    new RenewalReminders(this, 'RenewalReminders', {
      stage: config.stage,
      stateMachine: this.workflows.stateMachines.RenewalReminders,
      alerts: props.alerts,
    });

    const schedules = new Schedules(this, 'Schedules', {
      stage: config.stage,
      targets: [
        this.workflows.stateMachines.LifecycleTransition,
        this.workflows.stateMachines.UpgradeDecisions,
      ],
      reconciler: this.workflows.functions.ReconcileSchedules,
      alerts: props.alerts,
      redeliverer: this.workflows.functions.RedeliverNotices,
    });

    // SES bounces and complaints mark the address (functions/record-delivery-event).
    this.deliveryEvents = new DeliveryEvents(this, 'DeliveryEvents', {
      stage: config.stage,
      configurationSetName: props.email.configurationSetName,
      recorder: this.workflows.functions.RecordDeliveryEvent,
      alerts: props.alerts,
    });

    // Each fact's event, from the table's outbox to the stage's bus (functions/publish-domain-events).
    this.domainEvents = new DomainEvents(this, 'DomainEvents', {
      stage: config.stage,
      table: props.table,
      publisher: this.workflows.functions.PublishDomainEvents,
      alerts: props.alerts,
    });

    // Renewal reminders' unsubscribe links: signed by the reminder run, verified by the public routes.
    const unsubscribe = new UnsubscribeSigning(this, 'UnsubscribeSigning', { stage: config.stage });

    this.httpApi = new ServiceHttpApi(this, 'Http', {
      stage: config.stage,
      schedules: schedules.binding,
      unsubscribe,
      table: props.table,
      tokens: {
        issuer: props.identity.issuer,
        // The console's client is made with the console below (its callback is the distribution's,
        // which forwards to this API): its id is read when the template is written.
        audience: [
          props.identity.systemsClient.userPoolClientId,
          Lazy.string({ produce: () => props.identity.consoleClient.userPoolClientId }),
        ],
      },
      stateMachines: this.workflows.stateMachines,
      imports: this.imports,
      settings: config.settings,
      ...logs,
    });

    for (const task of ['ClaimDueReminders', 'DeliverReminderDigests'] as const)
      unsubscribe.bind(this.workflows.functions[task], this.httpApi.api.apiEndpoint);

    // The console and the customer pages, with the API on the same origin (CloudFront).
    this.console = new Console(this, 'Console', {
      stage: config.stage,
      dist: config.consoleDist,
      api: this.httpApi.api,
      identity: props.identity,
      connectSources: [`https://${this.imports.bucket.bucketRegionalDomainName}`],
      ...(config.consoleCertificateArn
        ? {
            customDomain: {
              domainNames: [...new Set(config.identity.consoleUrls.map((url) => new URL(url).hostname))],
              certificateArn: config.consoleCertificateArn,
            },
          }
        : {}),
      ...logs,
    });

    new CfnOutput(this, 'EventBusName', {
      value: this.domainEvents.bus.eventBusName,
      description: 'Domain events (source "entitlements"; schemas in schemas/events): add rules here',
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.httpApi.url,
      description:
        'Base URL of the HTTP API (Authorization: Bearer <Cognito access token>, but public routes)',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.url,
      description:
        'The console (staff sign in at Cognito); the customer pages are under /customer/ of the same origin, and so is the API',
    });
    new CfnOutput(this, 'ConsoleClientId', {
      value: props.identity.consoleClient.userPoolClientId,
      description: 'The console: authorization code with PKCE, no secret',
    });
  }
}
