/**
 * Logs you can follow: every handler's lines carry the Lambda context and a correlation id
 * (functions/shared/logger.ts), and the local stack keeps interleaved invocations apart as
 * Lambda's runtime does (local/lambda.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TASK_FUNCTIONS } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/http/routes.ts';
import { logged, logger, requestLogging } from '../../functions/shared/logger.ts';
import { REPO_ROOT } from '../../lib/config.ts';
import { invoke, lambdaContext, useInvocationScopes } from '../../local/lambda.ts';

let lines: Array<Record<string, unknown>>;
beforeEach(() => {
  logger.setLogLevel('INFO');
  lines = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => logger.setLogLevel((process.env.LOG_LEVEL ?? 'INFO') as 'INFO'));

const event = (requestId: string) => ({ requestContext: { requestId } }) as unknown as APIGatewayProxyEventV2;
const tick = () => new Promise((ok) => setTimeout(ok, 5));

describe('a Task handler', () => {
  it('logs with the Lambda context and the correlation id its input names, and only during its invocation', async () => {
    const handler = logged(
      async (input: { requestId: string }) => {
        logger.info('working', { step: 1 });
        return input.requestId.length;
      },
      (input) => input.requestId,
    );
    const context = lambdaContext('RecordRegistration');
    expect(await handler({ requestId: 'req-1' }, context)).toBe(5);
    logger.info('between invocations');
    expect(lines[0]).toMatchObject({
      message: 'working',
      step: 1,
      function_name: 'RecordRegistration',
      function_request_id: context.awsRequestId,
      correlation_id: 'req-1',
    });
    expect(lines[1]!.correlation_id).toBeUndefined();
  });

  it('falls back to the Lambda request id when its input names nothing', async () => {
    const handler = logged(async () => logger.info('reconciling'));
    const context = lambdaContext('ReconcileSchedules');
    await handler({}, context);
    expect(lines[0]).toMatchObject({ correlation_id: context.awsRequestId });
  });
});

describe('an HTTP handler', () => {
  it('logs with the API request id, the unhandled error included', async () => {
    const handler = middy<APIGatewayProxyEventV2, unknown>()
      .use(requestLogging())
      .use({
        onError: async (request) => {
          logger.error('unhandled error', { error: request.error as Error });
          request.response = { statusCode: 500 };
        },
      })
      .handler(async () => {
        logger.info('answering');
        throw new Error('boom');
      });
    await handler(event('api-req-7'), lambdaContext('GetCertificate'));
    logger.info('after');
    expect(lines.map((l) => [l.message, l.correlation_id, l.function_name])).toEqual([
      ['answering', 'api-req-7', 'GetCertificate'],
      ['unhandled error', 'api-req-7', 'GetCertificate'],
      ['after', undefined, 'GetCertificate'],
    ]);
  });
});

describe('on the local stack', () => {
  it('keeps interleaved invocations apart: each line names its own', async () => {
    useInvocationScopes();
    const handler = logged(
      async (input: { requestId: string; wait: number }) => {
        logger.info('started');
        await new Promise((ok) => setTimeout(ok, input.wait));
        logger.info('finished');
      },
      (input) => input.requestId,
    );
    await Promise.all([
      invoke('RecordRegistration', handler, { requestId: 'slow', wait: 30 }),
      tick().then(() => invoke('RecordRegistration', handler, { requestId: 'fast', wait: 0 })),
    ]);
    const byCorrelation = (id: string) => lines.filter((l) => l.correlation_id === id).map((l) => l.message);
    expect(lines).toHaveLength(4);
    expect(byCorrelation('slow')).toEqual(['started', 'finished']);
    expect(byCorrelation('fast')).toEqual(['started', 'finished']);
    const slowIds = new Set(
      lines.filter((l) => l.correlation_id === 'slow').map((l) => l.function_request_id),
    );
    expect(slowIds.size).toBe(1);
  });
});

describe('every function', () => {
  /** Its entry module and the local modules it imports (value imports), as text. */
  const sources = (entry: string): string[] => {
    const seen = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      const text = readFileSync(file, 'utf8');
      seen.set(file, text);
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+\.ts)'/gms))
        visit(resolve(dirname(file), m[1]!));
    };
    visit(join(REPO_ROOT, entry));
    return [...seen.values()];
  };

  it.each([...Object.values(TASK_FUNCTIONS).map((f) => f.entry as string), ...ROUTES.map((r) => r.entry)])(
    '%s: its handler is wired through logged() or requestLogging()',
    (entry) => {
      const [own, ...imported] = sources(entry);
      const wired =
        /export const handler = logged\(/.test(own!) ||
        [own!, ...imported].some((s) => /\.use\(requestLogging\(\)\)/.test(s));
      expect(wired).toBe(true);
    },
  );
});
