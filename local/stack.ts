/**
 * The local stack: the code that runs on AWS, on one machine. DynamoDB Local, local
 * SES v2, the ASL files on a local Step Functions, the handlers, the HTTP API and a
 * controllable clock — wired through the same environment variables Lambda gets.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { importFiles } from '../functions/adapters/imports.ts';
import {
  functionArnPlaceholder,
  stateMachineArnPlaceholder,
  TABLE_NAME_PLACEHOLDER,
  TASK_FUNCTIONS,
  type TaskFunctionName,
  WORKFLOWS,
  type WorkflowName,
} from '../functions/catalog.ts';
import { addDays } from '../functions/core/calendar.ts';
import { useClock } from '../functions/shared/clock.ts';
import { configEnvironment, type Section, workflowEnvironment } from '../functions/shared/config.ts';
import { logger } from '../functions/shared/logger.ts';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './aws.ts';
import { LocalClock } from './clock.ts';
import { LocalConsole } from './console.ts';
import { ensureTable, startDynamoDbLocal, tableStreamArn } from './dynamodb.ts';
import { domainEventsOff, type LocalDomainEvents, startDomainEvents } from './events.ts';
import { type CompiledRoute, createApiServer, loadRoutes } from './http-server.ts';
import { invoke, useInvocationScopes } from './lambda.ts';
import { assertPortFree } from './ports.ts';
import { LocalS3 } from './s3.ts';
import { LocalScheduler } from './scheduler.ts';
import { startLocalSes, useLocalSes } from './ses.ts';
import { startSesEvents } from './ses-events.ts';
import { functionArn, LocalStepFunctions, stateMachineArn, type TaskHandler } from './stepfunctions.ts';
import { LocalTokenIssuer } from './tokens.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalStackOptions {
  /** Serve the console and the customer pages (default true; building it when stale). */
  console?: boolean;
  /** HTTP API port; 0 picks a free one. */
  port: number;
  sesPort: number;
  /** Use a local SES already running at this URL (its mailbox outlives the stack) instead of starting one on `sesPort`; the templates are loaded into it. */
  sesEndpoint?: string;
  /** Start DynamoDB Local on this port, or use one already running at `endpoint`. */
  dynamodb: { port: number } | { endpoint: string };
  /** Keep nothing on disk (DynamoDB in memory, clock not saved). */
  inMemory: boolean;
  tableName?: string;
  /** Where persistent local data lives (git-ignored). */
  dataDir?: string;
  /** Pause between Step Functions retries. */
  retryIntervalMs?: number;
  senderAddress?: string;
  /**
   * The stage settings Task functions get on AWS (links, reminder offsets, GA page size),
   * set in the environment before the handlers load; what is not given comes from the
   * process's own environment (e.g. `REMINDER_OFFSETS=… npm start`), else the defaults.
   */
  settings?: LocalSettings;
  /**
   * The instant the clock starts at (`npm start -- --today 2026-11-27`): a fresh clock starts
   * there; a saved one earlier moves forward to it (running the days crossed); a saved one
   * later refuses, as the clock never moves back.
   */
  startAt?: Date;
  /**
   * Publish domain events (the table's stream → PublishDomainEvents → the local bus): on
   * unless false. Tests that do not read events turn it off (see ensureTable).
   */
  domainEvents?: boolean;
  /** Lets tests put a fault-injecting proxy between the handlers and SES. */
  sesEndpointForHandlers?: (sesUrl: string) => Promise<string>;
}

export interface LocalStack {
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  clock: LocalClock;
  stepFunctions: LocalStepFunctions;
  scheduler: LocalScheduler;
  /** The local S3 (imports bucket `importsBucket`), at AWS_ENDPOINT_URL_S3. */
  s3: LocalS3;
  importsBucket: string;
  /** The local token issuer (`POST /_local/token`), which the HTTP API trusts as API Gateway trusts Cognito. */
  tokens: LocalTokenIssuer;
  /** Domain events: the table's stream → PublishDomainEvents → the local bus (`GET /_local/events`). */
  events: LocalDomainEvents;
  /** The console's pages (undefined when started without): `built` settles once they are served. */
  console: LocalConsole | undefined;
  stop(): Promise<void>;
}

export type LocalSettings = { [K in 'reminders' | 'upgrades' | 'links']?: Partial<Section<K>> };

export const TEMPLATE_PREFIX = 'Entitlements-local-';

/** LOCAL_START_TRACE=1: each step of a start on stderr, timed (the fault tests ask for it, to say where a start stalled). */
const startedAt = Date.now();
function trace(step: string): void {
  if (process.env.LOCAL_START_TRACE) console.error(`start +${Date.now() - startedAt} ms: ${step}`);
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = options.dataDir ?? join(ROOT, '.local');
  if (!options.inMemory) mkdirSync(dataDir, { recursive: true });
  await assertPortFree(options.port, 'the HTTP API', 'PORT');
  const stops: Array<() => Promise<void>> = [];
  try {
    const dynamodb =
      'endpoint' in options.dynamodb
        ? { endpoint: options.dynamodb.endpoint, stop: async () => undefined }
        : await startDynamoDbLocal({
            port: options.dynamodb.port,
            dbPath: options.inMemory ? null : join(dataDir, 'dynamodb'),
          });
    stops.push(dynamodb.stop);
    const tableName = options.tableName ?? 'Entitlements';
    const domainEvents = options.domainEvents ?? true;
    await ensureTable(dynamodb.endpoint, tableName, domainEvents);
    trace('DynamoDB Local answering, table ready');

    const ses = options.sesEndpoint
      ? await useLocalSes(options.sesEndpoint, TEMPLATE_PREFIX)
      : await startLocalSes({ port: options.sesPort, templatePrefix: TEMPLATE_PREFIX });
    trace('local SES ready');
    stops.push(ses.stop);

    const clock = new LocalClock(options.inMemory ? null : join(dataDir, 'clock.json'), options.startAt);
    if (options.startAt && clock.resumed && clock.now().getTime() > options.startAt.getTime())
      throw new Error(
        `the local clock kept in ${dataDir} already reads ${clock.now().toISOString()}, after ${options.startAt.toISOString()}, and it never moves back: start with --in-memory, or another LOCAL_DATA_DIR, to begin on that day`,
      );
    useClock(clock.now);

    // The mailbox simulator's bounces and complaints, as SES → EventBridge → RecordDeliveryEvent on AWS.
    const functions: Record<string, TaskHandler> = {};
    const sesEvents = await startSesEvents({
      target: ses.url,
      now: clock.now,
      record: (event) => functions.RecordDeliveryEvent!(event),
    });
    stops.push(sesEvents.stop);

    // What Lambda would find in its environment, pointing at the local services.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SESV2: options.sesEndpointForHandlers
        ? await options.sesEndpointForHandlers(sesEvents.url)
        : sesEvents.url,
      ...configEnvironment('table', { tableName }),
      ...configEnvironment('mailer', {
        from: options.senderAddress ?? 'support-licensing@vendor.example',
        templatePrefix: TEMPLATE_PREFIX,
      }),
      ...configEnvironment('reminders', options.settings?.reminders ?? {}),
      ...configEnvironment('upgrades', options.settings?.upgrades ?? {}),
      ...configEnvironment('links', options.settings?.links ?? {}),
    });
    useInvocationScopes();
    // Handlers log JSON as in Lambda; locally only warnings unless LOG_LEVEL says otherwise.
    logger.setLogLevel((process.env.LOG_LEVEL ?? 'WARN') as Parameters<typeof logger.setLogLevel>[0]);

    // The imports bucket (POST /imports uploads, the import run's files and reports).
    const s3 = await LocalS3.create();
    stops.push(() => s3.close());
    const importsBucket = 'entitlements-local-imports';
    s3.createBucket(importsBucket);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: await s3.listen(0),
      ...configEnvironment('imports', { bucketName: importsBucket }),
    });

    const stepFunctions = new LocalStepFunctions({
      s3,
      functions,
      dynamodb: new DynamoDBClient({
        endpoint: dynamodb.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
      retryIntervalMs: options.retryIntervalMs ?? 1000,
      now: clock.now,
    });
    const sfnUrl = await stepFunctions.listen(0);
    stops.push(() => stepFunctions.close());
    process.env.AWS_ENDPOINT_URL_SFN = sfnUrl;

    // One-time schedules (lifecycle milestones, GA dates), fired by the clock as Scheduler would.
    const scheduler = new LocalScheduler(
      stepFunctions,
      options.inMemory ? null : join(dataDir, 'schedules.json'),
    );
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SCHEDULER: await scheduler.listen(0),
      ...configEnvironment('schedules', {
        groupName: 'Entitlements-local',
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/Entitlements-local-scheduler`,
        deadLetterArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:Entitlements-local-schedules-dlq`,
      }),
    });
    stops.push(() => scheduler.close());

    // The API listens before any handler is imported: its URL is in the links the emails carry
    // (the signed unsubscribe link), which handlers read from their environment at import.
    const routes: CompiledRoute[] = [];
    let tokens: LocalTokenIssuer | undefined;
    let events: LocalDomainEvents | undefined;
    let consolePages: LocalConsole | undefined;
    const server: Server = createApiServer(
      routes,
      clock,
      () => {
        if (!tokens) throw new Error('the token issuer is not ready yet');
        return tokens;
      },
      () => events,
      () => consolePages,
    );
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port, '127.0.0.1', ok));
    stops.push(
      () =>
        new Promise<void>((ok) => {
          server.closeAllConnections();
          server.close(() => ok());
        }),
    );
    const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    process.env.UNSUBSCRIBE_BASE_URL = apiUrl;
    // Built in the background when its sources changed: the API does not wait for it.
    if (options.console ?? true) {
      const pages = new LocalConsole(apiUrl);
      consolePages = pages;
      stops.push(async () => pages.stop());
    }
    tokens = await LocalTokenIssuer.create(
      `${apiUrl}/_local`,
      options.inMemory ? null : join(dataDir, 'token-signing-key.json'),
    );
    trace('API listening, token issuer ready');

    const substitutions = aslSubstitutions(tableName);
    for (const name of Object.keys(WORKFLOWS) as WorkflowName[])
      Object.assign(process.env, workflowEnvironment(name, stateMachineArn(name)));
    // The table's stream, published by the same handler as on AWS, onto a local bus (its
    // EVENT_BUS_NAME set before the Task functions below are loaded).
    if (domainEvents) {
      events = await startDomainEvents({
        dynamodbEndpoint: dynamodb.endpoint,
        streamArn: () => tableStreamArn(dynamodb.endpoint, tableName),
        file: options.inMemory ? null : join(dataDir, 'events.json'),
        handlerModule: pathToFileURL(join(ROOT, 'functions/publish-domain-events/handler.ts')).href,
      });
      stops.push(events.stop);
    } else events = domainEventsOff();

    // Handlers read their environment when first imported, as at a Lambda cold start.
    for (const [name, fn] of Object.entries(TASK_FUNCTIONS)) {
      const module = (await import(pathToFileURL(join(ROOT, fn.entry)).href)) as { handler: TaskHandler };
      const limit = LOCAL_CONCURRENCY[name as TaskFunctionName];
      const run: TaskHandler = (input) => invoke(name, module.handler, input);
      functions[name] = limit ? limited(limit, run) : run;
    }
    for (const name of Object.keys(WORKFLOWS) as WorkflowName[]) {
      const w = WORKFLOWS[name];
      stepFunctions.register(name, join(ROOT, w.file), w.type, substitutions);
    }

    // Notices a stopped process left PENDING (it recorded them and died before delivering):
    // nothing else runs on this table now, so every one of them is owed. The rate schedule's job on AWS.
    const redeliver = functions.RedeliverNotices!;
    await redeliver({ at: clock.now().toISOString(), olderThanMinutes: 0 });
    trace('handlers loaded, pending notices re-driven');

    // Each day crossed: first the one-time schedules that fell within it, then the daily runs.
    clock.daily({
      name: 'one-time-schedules',
      run: (day) => scheduler.fireDue(new Date(Date.parse(`${addDays(day, 1)}T00:00:00Z`) - 1)),
    });
    // The daily lifecycle reconciler (a cron schedule invoking the same function on AWS).
    clock.daily({
      name: 'schedule-reconciler',
      run: async (day) => {
        const result = await functions.ReconcileSchedules!({ at: `${day}T00:30:00Z` });
        await stepFunctions.idle();
        return result;
      },
    });
    // The daily renewal-reminder run, as the cron schedule starts it on AWS (06:00 UTC), for each day crossed.
    clock.daily({
      name: 'renewal-reminders',
      run: async (day) => {
        const run = await stepFunctions.startSync(
          stateMachineArn('RenewalReminders'),
          JSON.stringify({ at: `${day}T06:00:00Z` }),
          `renewal-reminders-${day}`,
        );
        await stepFunctions.idle(); // the digests' deliveries, before the clock answers
        return { status: run.status, ...(run.output ? JSON.parse(run.output) : { error: run.cause }) };
      },
    });

    // What the day's runs left PENDING, as the rate schedule would find it minutes later.
    clock.daily({
      name: 'redeliver-notices',
      run: async () => {
        const result = await redeliver({ at: clock.now().toISOString() });
        await stepFunctions.idle();
        return result;
      },
    });

    // An upload of an import's file starts its run, as the EventBridge rule on the bucket's
    // Object Created events does on AWS (lib/constructs/imports.ts: same prefix and suffix).
    s3.onObjectCreated(({ bucket, key }) => {
      if (
        bucket !== importsBucket ||
        !key.startsWith(importFiles.prefix) ||
        !key.endsWith(importFiles.inputSuffix)
      )
        return;
      stepFunctions.start(stateMachineArn('ImportRegistrations'), JSON.stringify({ bucket, key }));
    });

    routes.push(...(await loadRoutes(ROOT)));
    trace('routes loaded');
    // A saved clock behind the requested start moves forward to it, running the days crossed.
    if (options.startAt && clock.resumed && clock.now().getTime() < options.startAt.getTime())
      await clock.moveTo(options.startAt);

    return {
      apiUrl,
      sesUrl: ses.url,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName,
      clock,
      stepFunctions,
      scheduler,
      s3,
      importsBucket,
      tokens,
      events,
      console: consolePages,
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

/** What CDK's definitionSubstitutions fill in the ASL files, with the local ARNs. */
export function aslSubstitutions(tableName: string): Record<string, string> {
  const substitutions: Record<string, string> = { [TABLE_NAME_PLACEHOLDER]: tableName };
  for (const name of Object.keys(TASK_FUNCTIONS) as TaskFunctionName[])
    substitutions[functionArnPlaceholder(name)] = functionArn(name);
  for (const name of Object.keys(WORKFLOWS) as WorkflowName[])
    substitutions[stateMachineArnPlaceholder(name)] = stateMachineArn(name);
  return substitutions;
}

/**
 * On AWS each Lambda invocation has its own CPU; here every invocation shares one event
 * loop. Hundreds of deliveries at once would each wait long between SES accepting the
 * message and recording it SENT, so a crash then would leave many sent-but-unrecorded
 * notices to send again. A few at a time keeps that window as short as it is on AWS.
 */
const LOCAL_CONCURRENCY: Partial<Record<TaskFunctionName, number>> = { SendNotice: 4 };

function limited(max: number, handler: TaskHandler): TaskHandler {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (input) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await handler(input);
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  stops.length = 0;
}
