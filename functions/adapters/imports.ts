/**
 * Batch imports through S3 (POST /imports → upload → import-registrations workflow): the
 * import's record in the table (`IMPORT#<id>`: who, status, counts, report) and its files
 * in the imports bucket, all under `imports/<id>/`.
 */
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Actor } from '../core/actors.ts';
import { getRecord } from './items.ts';
import { keys } from './table-design.ts';

export type ImportStatus = 'PENDING_UPLOAD' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ImportCounts {
  rows: number;
  created: number;
  renewed: number;
  replayed: number;
  refused: number;
}

export interface ImportRecord {
  importId: string;
  status: ImportStatus;
  actor: Actor;
  createdAt: string;
  /** Until when the presigned upload URL works. */
  uploadExpiresAt: string;
  /** The execution that claimed the upload: only it writes the outcome. */
  executionArn?: string;
  startedAt?: string;
  finishedAt?: string;
  counts?: ImportCounts;
  /** The report CSV's key in the bucket, once SUCCEEDED. */
  reportKey?: string;
  /** Why it FAILED, in words a person can act on. */
  message?: string;
}

/** Uploads, reports and import records are working files: kept this long, then expired (bucket lifecycle, table TTL). */
export const IMPORT_RETENTION_DAYS = 30;

/** Where each file of an import lives in the bucket. */
export const importFiles = {
  prefix: 'imports/',
  inputSuffix: '/input.csv',
  input: (importId: string) => `imports/${importId}/input.csv`,
  groups: (importId: string) => `imports/${importId}/certificates.jsonl`,
  results: (importId: string) => `imports/${importId}/results`,
  report: (importId: string) => `imports/${importId}/report.csv`,
};

const INPUT_KEY = /^imports\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/input\.csv$/;

/** The import an uploaded object belongs to, or null for any other key. */
export const importIdOfKey = (key: string): string | null => INPUT_KEY.exec(key)?.[1] ?? null;

export class ImportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(importId: string): Promise<ImportRecord | null> {
    return getRecord<ImportRecord>(this.db, this.tableName, keys.importRun(importId));
  }

  /** A new import, waiting for its file; an id is never reused. */
  async create(record: ImportRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.importRun(record.importId),
          type: 'IMPORT',
          ...record,
          expiresAt: expiry(record.createdAt),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /**
   * The upload's run takes the import: only one execution does (EventBridge delivers at least
   * once, and a second PUT to the same URL is a second event). The same execution asking
   * again (a retried Task) gets it again. Null when another run has it, or no import was made.
   */
  async claim(importId: string, executionArn: string, at: string): Promise<ImportRecord | null> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.importRun(importId),
          UpdateExpression:
            'SET #status = :running, executionArn = :arn, startedAt = if_not_exists(startedAt, :at)',
          ConditionExpression: 'attribute_exists(PK) AND (#status = :pending OR executionArn = :arn)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'RUNNING',
            ':pending': 'PENDING_UPLOAD',
            ':arn': executionArn,
            ':at': at,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as ImportRecord;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return null;
      throw error;
    }
  }

  /** The outcome, written by the run that claimed the import (a retried write writes the same). */
  async finish(
    importId: string,
    executionArn: string,
    outcome: Pick<ImportRecord, 'counts' | 'reportKey' | 'message'> & { status: 'SUCCEEDED' | 'FAILED' },
    at: string,
  ): Promise<void> {
    const values: Record<string, unknown> = { ':status': outcome.status, ':arn': executionArn, ':at': at };
    const sets = ['#status = :status', 'finishedAt = :at'];
    for (const field of ['counts', 'reportKey', 'message'] as const)
      if (outcome[field] !== undefined) {
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = outcome[field];
      }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.importRun(importId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'executionArn = :arn',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  }
}

const expiry = (createdAt: string) =>
  Math.floor(Date.parse(createdAt) / 1000) + IMPORT_RETENTION_DAYS * 86_400;

/** The import's files in the bucket. */
export class ImportBucket {
  constructor(
    private readonly s3: S3Client,
    readonly bucketName: string,
  ) {}

  /** A URL the caller PUTs the CSV to, with the headers it must send (they are signed). */
  async uploadUrl(
    key: string,
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const command = new PutObjectCommand({ Bucket: this.bucketName, Key: key, ContentType: 'text/csv' });
    return {
      url: await getSignedUrl(this.s3, command, { expiresIn: expiresInSeconds }),
      headers: { 'content-type': 'text/csv' },
    };
  }

  /** A URL that downloads the object, as a file of that name. */
  downloadUrl(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucketName,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
    });
    return getSignedUrl(this.s3, command, { expiresIn: expiresInSeconds });
  }

  /** The object's size in bytes, or null when there is none. */
  async size(key: string): Promise<number | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucketName, Key: key }));
      return out.ContentLength ?? 0;
    } catch (error) {
      if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /** The object's bytes as a stream: never whole in memory. */
  async read(key: string, bucket = this.bucketName): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body as Readable;
  }

  async readText(key: string, bucket = this.bucketName): Promise<string> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  }

  /** Writes an object; a stream needs its length (PutObject sends it as Content-Length). */
  async write(
    key: string,
    body: NonNullable<PutObjectCommandInput['Body']>,
    contentType: string,
    contentLength?: number,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucketName,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...(contentLength !== undefined ? { ContentLength: contentLength } : {}),
      }),
    );
  }
}
