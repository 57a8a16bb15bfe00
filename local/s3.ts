/**
 * A local S3: the smallest endpoint serving what the handlers and the import's presigned
 * URLs use — PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2, path-style
 * (`/<bucket>/<key>`), at AWS_ENDPOINT_URL_S3. Objects are files in a directory of their own
 * (a temporary one, removed at stop: the local Step Functions keeps no execution across a
 * restart either), streamed in and out, never whole in memory.
 *
 * What it does not do: check signatures or credentials (a presigned URL is honoured while
 * unexpired, whoever signed it), versioning, multipart uploads, encryption. A PUT that
 * creates an object tells `onObjectCreated` listeners, as S3 tells EventBridge on AWS.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { closeEndpoint } from './endpoint.ts';

interface StoredObject {
  file: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: Date;
}

export type ObjectCreatedListener = (event: { bucket: string; key: string; size: number }) => void;

export class LocalS3 {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly listeners: ObjectCreatedListener[] = [];
  private server?: Server;
  private sequence = 0;

  private constructor(private readonly dir: string) {}

  static async create(): Promise<LocalS3> {
    return new LocalS3(await mkdtemp(join(tmpdir(), 'entitlements-s3-')));
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  onObjectCreated(listener: ObjectCreatedListener): void {
    this.listeners.push(listener);
  }

  /** An object's bytes (for the local Step Functions' ItemReader, and tests). */
  async getObject(bucket: string, key: string): Promise<Buffer> {
    const object = this.bucket(bucket).get(key);
    if (!object) throw s3Error(404, 'NoSuchKey', `The specified key does not exist: ${key}`);
    return readFile(object.file);
  }

  /** Writes an object directly (the local Step Functions' ResultWriter). */
  async putObject(
    bucket: string,
    key: string,
    body: Buffer | string,
    contentType = 'application/octet-stream',
  ) {
    const file = this.newFile();
    await writeFile(file, body);
    await this.store(bucket, key, file, contentType);
  }

  /** The keys under a prefix, in order. */
  keys(bucket: string, prefix = ''): string[] {
    return [...this.bucket(bucket).keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error & { status?: number; code?: string }) => {
        if (!res.headersSent)
          sendError(res, error.status ?? 500, error.code ?? 'InternalError', error.message);
        else res.destroy(error);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await closeEndpoint(this.server);
    await rm(this.dir, { recursive: true, force: true });
  }

  private bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw s3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${name}`);
    return bucket;
  }

  private newFile(): string {
    return join(this.dir, `${++this.sequence}-${randomUUID()}`);
  }

  private async store(bucket: string, key: string, file: string, contentType: string): Promise<StoredObject> {
    const objects = this.bucket(bucket);
    const hash = createHash('md5');
    await pipeline(createReadStream(file), hash);
    const object: StoredObject = {
      file,
      size: (await stat(file)).size,
      etag: `"${hash.digest('hex')}"`,
      contentType,
      lastModified: new Date(),
    };
    const previous = objects.get(key);
    objects.set(key, object);
    if (previous) await unlink(previous.file).catch(() => undefined);
    for (const listener of this.listeners) listener({ bucket, key, size: object.size });
    return object;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const [bucketName = '', ...rest] = url.pathname.slice(1).split('/');
    const bucket = decodeURIComponent(bucketName);
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    // The console PUTs an import's CSV and GETs its report from a page of another origin:
    // CORS as the imports bucket's rule allows it on AWS (the presigned URL is the authorization).
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'etag');
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      return void res.end();
    }
    expiredPresignedUrl(url);

    if (!key) {
      if (method === 'GET' && url.searchParams.get('list-type') === '2') return this.list(bucket, url, res);
      throw s3Error(405, 'MethodNotAllowed', `${method} on a bucket is not emulated locally`);
    }
    if (method === 'PUT') {
      if (req.headers['x-amz-copy-source'])
        throw s3Error(501, 'NotImplemented', 'CopyObject is not emulated locally');
      this.bucket(bucket); // before reading the body
      const file = this.newFile();
      await pipeline(req, createWriteStream(file));
      const chunked =
        String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-') ||
        String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
      if (chunked) await decodeAwsChunked(file);
      const object = await this.store(
        bucket,
        key,
        file,
        String(req.headers['content-type'] ?? 'application/octet-stream'),
      );
      res.writeHead(200, { etag: object.etag });
      return void res.end();
    }
    if (method === 'GET' || method === 'HEAD') {
      const object = this.bucket(bucket).get(key);
      if (!object) {
        if (method === 'HEAD') return void res.writeHead(404).end();
        throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      const disposition = url.searchParams.get('response-content-disposition');
      res.writeHead(200, {
        'content-type': url.searchParams.get('response-content-type') ?? object.contentType,
        'content-length': object.size,
        etag: object.etag,
        'last-modified': object.lastModified.toUTCString(),
        ...(disposition ? { 'content-disposition': disposition } : {}),
      });
      if (method === 'HEAD') return void res.end();
      await pipeline(createReadStream(object.file), res);
      return;
    }
    if (method === 'DELETE') {
      const objects = this.bucket(bucket);
      const object = objects.get(key);
      objects.delete(key);
      if (object) await unlink(object.file).catch(() => undefined);
      return void res.writeHead(204).end();
    }
    throw s3Error(405, 'MethodNotAllowed', `${method} is not emulated locally`);
  }

  private list(bucket: string, url: URL, res: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const after = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after') ?? '';
    const max = Math.min(Number(url.searchParams.get('max-keys') ?? 1000) || 1000, 1000);
    const keys = this.keys(bucket, prefix).filter((k) => k > after);
    const page = keys.slice(0, max);
    const objects = this.bucket(bucket);
    const truncated = keys.length > page.length;
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>`,
      `<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
      truncated ? `<NextContinuationToken>${xml(page.at(-1)!)}</NextContinuationToken>` : '',
      ...page.map((k) => {
        const o = objects.get(k)!;
        return `<Contents><Key>${xml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      }),
      '</ListBucketResult>',
    ].join('');
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(body);
  }
}

/** A presigned URL past its X-Amz-Expires is refused, as S3 does; the signature itself is not checked. */
function expiredPresignedUrl(url: URL): void {
  const date = url.searchParams.get('X-Amz-Date');
  const expires = Number(url.searchParams.get('X-Amz-Expires'));
  if (!date || !expires) return;
  const signedAt = Date.parse(
    date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (Date.now() > signedAt + expires * 1000) throw s3Error(403, 'AccessDenied', 'Request has expired');
}

/**
 * The SDK may send a body in aws-chunked encoding (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`
 * … `0\r\n<trailers>\r\n\r\n`): the object is the bytes alone.
 */
async function decodeAwsChunked(file: string): Promise<void> {
  const raw = await readFile(file);
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n', at);
    if (end < 0) break;
    const size = Number.parseInt(raw.subarray(at, end).toString('latin1').split(';')[0]!, 16);
    if (!size) break;
    parts.push(raw.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  const decoded = `${file}.decoded`;
  await writeFile(decoded, Buffer.concat(parts));
  await rename(decoded, file);
}

function s3Error(status: number, code: string, message: string): Error & { status: number; code: string } {
  return Object.assign(new Error(message), { status, code, name: code });
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>`,
  );
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
