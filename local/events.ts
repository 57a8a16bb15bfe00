/**
 * Domain events on the local stack, as on AWS: DynamoDB Local's stream of the table is read
 * here (the event source mapping's job on AWS) and handed, filtered the same way, to the same
 * PublishDomainEvents handler; its PutEvents reach a small local bus (AWS_ENDPOINT_URL_EVENTBRIDGE)
 * that keeps each event once, by `detail.id`, in order: `GET /_local/events` lists them.
 *
 * A batch the handler reports failed is read again from the record that failed, after a pause,
 * as the stream retries on AWS. The stream is read from its oldest record (24 hours kept), and
 * with a data directory the bus is saved there: a stack killed between a fact and its
 * publication publishes it at the next start, and nothing twice.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { PUBLISHED_ITEM_TYPES } from '../functions/core/events.ts';
import { configEnvironment } from '../functions/shared/config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws.ts';
import { closeEndpoint, serveEndpoint } from './endpoint.ts';
import { invoke } from './lambda.ts';

/** An event as `GET /_local/events` lists it (EventBridge's envelope fields). */
export interface LocalBusEvent {
  id: string;
  'detail-type': string;
  source: string;
  time: string;
  detail: Record<string, unknown>;
}

type Publisher = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** The local EventBridge bus: PutEvents, each event kept once by `detail.id`. */
export class LocalEventBus {
  private readonly events: LocalBusEvent[] = [];
  private readonly ids = new Set<string>();
  private failing = 0;
  private server: Server | undefined;
  /** Every PutEvents call received (duplicates included): what a retry cost. */
  putCalls = 0;

  constructor(private readonly file: string | null) {
    if (file && existsSync(file))
      for (const e of JSON.parse(readFileSync(file, 'utf8')) as LocalBusEvent[]) this.keep(e);
  }

  /** The events, in the order they arrived. */
  list(): LocalBusEvent[] {
    return [...this.events];
  }

  /** The next `calls` PutEvents answer 500, as an EventBridge outage would (tests). */
  failNext(calls: number): void {
    this.failing = calls;
  }

  async listen(port: number): Promise<string> {
    const { server, url } = await serveEndpoint(port, (req, body, res) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'AWSEvents.PutEvents')
        return answer(400, {
          __type: 'UnknownOperationException',
          message: `${target} is not served locally`,
        });
      this.putCalls++;
      if (this.failing > 0) {
        this.failing--;
        return answer(500, { __type: 'InternalException', message: 'injected failure' });
      }
      const { Entries = [] } = JSON.parse(body || '{}') as {
        Entries?: Array<{ Source: string; DetailType: string; Detail: string; Time?: number | string }>;
      };
      const entries = Entries.map((entry) => {
        const detail = JSON.parse(entry.Detail) as Record<string, unknown>;
        const time =
          typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(entry.Time ?? Date.now());
        this.keep({
          id: String(detail.id),
          'detail-type': entry.DetailType,
          source: entry.Source,
          time: time.toISOString(),
          detail,
        });
        return { EventId: String(detail.id) };
      });
      this.save();
      answer(200, { FailedEntryCount: 0, Entries: entries });
    });
    this.server = server;
    return url;
  }

  close(): Promise<void> {
    return closeEndpoint(this.server);
  }

  private keep(event: LocalBusEvent): void {
    if (this.ids.has(event.id)) return;
    this.ids.add(event.id);
    this.events.push(event);
  }

  private save(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify(this.events));
  }
}

/** The DynamoDB Streams API of DynamoDB Local (its own target prefix; no SDK client in the project). */
async function streamsCall<T>(endpoint: string, action: string, input: object): Promise<T> {
  const day = new Date().toISOString().replace(/[-:]/g, '').slice(0, 8);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      // DynamoDB Local (shared database) reads the credential scope, not the signature.
      authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${day}/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=local`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`DynamoDB Streams ${action}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Same as the event source mapping's filter on AWS (lib/constructs/domain-events.ts). */
const published = (r: DynamoDBRecord) =>
  r.eventName === 'INSERT' &&
  (PUBLISHED_ITEM_TYPES as readonly string[]).includes(String(r.dynamodb?.NewImage?.type?.S));

interface ShardState {
  /** The last sequence number handed over whole; the next read starts after it. */
  after?: string;
  /** A failed batch's first record: the next read starts at it. */
  at?: string;
  closed?: boolean;
}

/**
 * Reads the table's stream and feeds the publisher, polling; `drain()` resolves once every
 * record written before the call has been handed over and accepted.
 */
export class StreamPublisher {
  private readonly shards = new Map<string, ShardState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;
  private streamArn: string | undefined;
  private failures = 0;

  constructor(
    private readonly endpoint: string,
    private readonly streamArnOf: () => Promise<string>,
    private readonly publish: Publisher,
    private readonly options: { pollMs?: number; retryMs?: number } = {},
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Until a pass that began after this call reads nothing new and nothing failed. */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.running;
      if (await this.pass()) return;
      if (Date.now() > deadline) throw new Error('domain events: the stream did not drain in time');
      await new Promise((r) => setTimeout(r, this.options.retryMs ?? 50));
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      await this.pass().catch((error: unknown) => console.error('domain events:', error));
      this.schedule(this.failures > 0 ? (this.options.retryMs ?? 200) : (this.options.pollMs ?? 200));
    }, ms);
    this.timer.unref();
  }

  /** One read of every shard, serialised; true when it read nothing and nothing failed. */
  private pass(): Promise<boolean> {
    const run = (this.running ?? Promise.resolve()).then(() => this.readAll());
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async readAll(): Promise<boolean> {
    this.streamArn ??= await this.streamArnOf();
    const { StreamDescription } = await streamsCall<{
      StreamDescription: { Shards?: Array<{ ShardId: string }> };
    }>(this.endpoint, 'DescribeStream', { StreamArn: this.streamArn });
    let quiet = true;
    this.failures = 0;
    for (const { ShardId } of StreamDescription.Shards ?? []) {
      const state = this.shards.get(ShardId) ?? {};
      this.shards.set(ShardId, state);
      if (state.closed) continue;
      const { ShardIterator } = await streamsCall<{ ShardIterator?: string }>(
        this.endpoint,
        'GetShardIterator',
        {
          StreamArn: this.streamArn,
          ShardId,
          ...(state.at
            ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: state.at }
            : state.after
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.after }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
        },
      );
      let iterator = ShardIterator;
      while (iterator) {
        const out = await streamsCall<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }>(
          this.endpoint,
          'GetRecords',
          { ShardIterator: iterator, Limit: 100 },
        );
        const records = out.Records ?? [];
        if (!out.NextShardIterator) state.closed = true;
        if (records.length === 0) break;
        quiet = false;
        const batch = records.filter(published);
        const result = batch.length ? await this.publish({ Records: batch }) : { batchItemFailures: [] };
        const failed = result.batchItemFailures[0]?.itemIdentifier;
        if (failed) {
          state.at = failed;
          this.failures++;
          return false;
        }
        delete state.at;
        state.after = records.at(-1)?.dynamodb?.SequenceNumber;
        iterator = out.NextShardIterator;
      }
    }
    return quiet;
  }
}

/** What the local stack exposes: the bus's events, a drain for tests, a failure to inject. */
export interface LocalDomainEvents {
  /** False when the stack runs without domain events (`domainEvents: false`): `GET /_local/events` says so. */
  on: boolean;
  bus: LocalEventBus;
  /** The events on the bus once the stream is drained: `GET /_local/events`. */
  list(): Promise<LocalBusEvent[]>;
  /** Until every fact written so far is on the bus. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** The bus's name locally, as `Entitlements-<stage>-events` on AWS. */
export const LOCAL_EVENT_BUS_NAME = 'Entitlements-local-events';

export async function startDomainEvents(options: {
  dynamodbEndpoint: string;
  streamArn: () => Promise<string>;
  /** Where the bus keeps its events across restarts; null: in memory. */
  file: string | null;
  /** The publisher's module (imported once its environment is set, as at a cold start). */
  handlerModule: string;
  pollMs?: number;
}): Promise<LocalDomainEvents> {
  const bus = new LocalEventBus(options.file);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EVENTBRIDGE: await bus.listen(0),
    ...configEnvironment('events', { busName: LOCAL_EVENT_BUS_NAME }),
  });
  const module = (await import(options.handlerModule)) as { handler: Publisher };
  const publisher = new StreamPublisher(
    options.dynamodbEndpoint,
    options.streamArn,
    (event) => invoke('PublishDomainEvents', module.handler, event) as Promise<DynamoDBBatchResponse>,
    { ...(options.pollMs ? { pollMs: options.pollMs } : {}) },
  );
  publisher.start();
  return {
    on: true,
    bus,
    async list() {
      await publisher.drain(5_000).catch(() => undefined);
      return bus.list();
    },
    drain: () => publisher.drain(),
    async stop() {
      await publisher.stop();
      await bus.close();
    },
  };
}

/**
 * A stack without domain events: no stream is read, no bus listens; the publisher still
 * finds its bus name, as every Task function finds its environment at load.
 */
export function domainEventsOff(): LocalDomainEvents {
  Object.assign(process.env, configEnvironment('events', { busName: LOCAL_EVENT_BUS_NAME }));
  const bus = new LocalEventBus(null);
  return {
    on: false,
    bus,
    list: async () => bus.list(),
    drain: async () => undefined,
    stop: async () => undefined,
  };
}
