/**
 * The workflows and the functions their Task states run. CDK fills each state
 * machine's `${...}` placeholders from this; the local stack binds the same Task
 * states to the same handler modules. One list, so the two cannot drift.
 */
export interface TaskFunction {
  entry: string;
  /** `start`: workflows it starts (async); `schedules`: it manages one-time schedules. */
  access: {
    table?: 'read' | 'readWrite';
    sendEmail?: boolean;
    start?: readonly WorkflowName[];
    schedules?: boolean;
    /** Invoked by the table's stream (its event source mapping reads the stream, not the items). */
    tableStream?: boolean;
    /** The imports bucket (functions/adapters/imports.ts): its files under imports/. */
    imports?: 'read' | 'readWrite';
  };
  timeoutSeconds: number;
}

export const TASK_FUNCTIONS = {
  RecordRegistration: {
    entry: 'functions/record-registration/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 20,
  },
  /** After a registration: serials registered since a release's GA date, decided and told. */
  DecideLateUpgrades: {
    entry: 'functions/decide-late-upgrades/handler.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    timeoutSeconds: 10,
  },
  RecordContactChange: {
    entry: 'functions/record-contact-change/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 20,
  },
  ClaimDueReminders: {
    entry: 'functions/claim-due-reminders/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 900,
  },
  DeliverReminderDigests: {
    entry: 'functions/deliver-reminder-digests/handler.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    timeoutSeconds: 900,
  },
  ApplyLifecycleEvent: {
    entry: 'functions/apply-lifecycle-event/handler.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    timeoutSeconds: 280,
  },
  /** First Task of the daily run: the shards of the day's due work. */
  PlanReminderRun: {
    entry: 'functions/plan-reminder-run/handler.ts',
    access: {},
    timeoutSeconds: 10,
  },
  PlanUpgradeRun: {
    entry: 'functions/plan-upgrade-run/handler.ts',
    access: { table: 'read' },
    timeoutSeconds: 900,
  },
  DecideUpgrades: {
    entry: 'functions/decide-upgrades/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 900,
  },
  DeliverUpgradeNotices: {
    entry: 'functions/deliver-upgrade-notices/handler.ts',
    access: { table: 'read', start: ['DeliverNotice'] },
    timeoutSeconds: 300,
  },
  /** Last Task of the GA run: the release is decided and leaves the due-date index. */
  MarkReleaseDecided: {
    entry: 'functions/mark-release-decided/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 20,
  },
  /** Not a Task: the daily cron schedule invokes it. */
  ReconcileSchedules: {
    entry: 'functions/reconcile-schedules/handler.ts',
    access: { table: 'read', start: ['LifecycleTransition', 'UpgradeDecisions'] },
    timeoutSeconds: 300,
  },
  /** Not a Task: a rate schedule invokes it, to deliver notices a stopped writer left PENDING. */
  RedeliverNotices: {
    entry: 'functions/redeliver-notices/handler.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    timeoutSeconds: 300,
  },
  /** First Task of import-registrations: the uploaded CSV → one line per certificate. */
  PrepareImport: {
    entry: 'functions/import-prepare/handler.ts',
    access: { table: 'readWrite', imports: 'readWrite' },
    timeoutSeconds: 900,
  },
  /** Each Distributed Map child of import-registrations: registers a batch, as POST /registrations does. */
  ImportRegistrationsBatch: {
    entry: 'functions/import-registrations-batch/handler.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    timeoutSeconds: 120,
  },
  /** Last Task of import-registrations: the report CSV, the counts and the status. */
  FinishImport: {
    entry: 'functions/import-finish/handler.ts',
    access: { table: 'readWrite', imports: 'readWrite' },
    timeoutSeconds: 900,
  },
  SendNotice: {
    entry: 'functions/send-notice/handler.ts',
    access: { table: 'readWrite', sendEmail: true },
    timeoutSeconds: 30,
  },
  /** Not a Task: the table's stream invokes it (lib/constructs/domain-events.ts), with each new outbox item. */
  PublishDomainEvents: {
    entry: 'functions/publish-domain-events/handler.ts',
    access: { tableStream: true },
    timeoutSeconds: 30,
  },
  /** Not a Task: an EventBridge rule invokes it with SES bounces and complaints (lib/constructs/delivery-events.ts). */
  RecordDeliveryEvent: {
    entry: 'functions/record-delivery-event/handler.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 20,
  },
} as const satisfies Record<string, TaskFunction>;
export type TaskFunctionName = keyof typeof TASK_FUNCTIONS;

export interface Workflow {
  file: string;
  type: 'EXPRESS' | 'STANDARD';
  /** The variable through which handlers that start it learn its ARN. */
  arnVariable: string;
}

export const WORKFLOWS = {
  RegisterCertificate: {
    file: 'statemachines/register-certificate.asl.json',
    type: 'EXPRESS',
    arnVariable: 'REGISTER_CERTIFICATE_STATE_MACHINE_ARN',
  },
  ChangeContacts: {
    file: 'statemachines/change-contacts.asl.json',
    type: 'EXPRESS',
    arnVariable: 'CHANGE_CONTACTS_STATE_MACHINE_ARN',
  },
  RenewalReminders: {
    file: 'statemachines/renewal-reminders.asl.json',
    type: 'STANDARD',
    arnVariable: 'RENEWAL_REMINDERS_STATE_MACHINE_ARN',
  },
  LifecycleTransition: {
    file: 'statemachines/lifecycle-transition.asl.json',
    type: 'STANDARD',
    arnVariable: 'LIFECYCLE_TRANSITION_STATE_MACHINE_ARN',
  },
  UpgradeDecisions: {
    file: 'statemachines/upgrade-decisions.asl.json',
    type: 'STANDARD',
    arnVariable: 'UPGRADE_DECISIONS_STATE_MACHINE_ARN',
  },
  DeliverNotice: {
    file: 'statemachines/deliver-notice.asl.json',
    type: 'STANDARD',
    arnVariable: 'DELIVER_NOTICE_STATE_MACHINE_ARN',
  },
  /** Started by an upload to the imports bucket (S3 → EventBridge), never by a handler. */
  ImportRegistrations: {
    file: 'statemachines/import-registrations.asl.json',
    type: 'STANDARD',
    arnVariable: 'IMPORT_REGISTRATIONS_STATE_MACHINE_ARN',
  },
} as const satisfies Record<string, Workflow>;
export type WorkflowName = keyof typeof WORKFLOWS;

/** Placeholder names, as written in the ASL files. */
export const functionArnPlaceholder = (name: TaskFunctionName) => `${name}FunctionArn`;
export const stateMachineArnPlaceholder = (name: WorkflowName) => `${name}StateMachineArn`;
export const TABLE_NAME_PLACEHOLDER = 'TableName';
