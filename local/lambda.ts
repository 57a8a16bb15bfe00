/**
 * Invoking a handler locally as Lambda does: with a Lambda context, and in an invocation
 * scope of its own. On AWS one environment runs one invocation at a time; here every
 * function shares one process and invocations interleave. Lambda's runtime keeps the state
 * of concurrent invocations apart with an `InvokeStore` (when `AWS_LAMBDA_MAX_CONCURRENCY`
 * is set), and Powertools Logger keeps each invocation's context and correlation id there:
 * the same store here, so each log line names its own invocation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';

type Scope = Record<PropertyKey, unknown>;
const invocations = new AsyncLocalStorage<Scope>();
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

/** The subset of `@aws/lambda-invoke-store`'s InvokeStore that Powertools uses. */
const invokeStore = {
  getContext: () => invocations.getStore(),
  hasContext: () => invocations.getStore() !== undefined,
  get: (key: PropertyKey) => invocations.getStore()?.[key],
  set(key: PropertyKey, value: unknown) {
    const scope = invocations.getStore();
    if (!scope) throw new Error('no invocation in progress');
    scope[key] = value;
  },
  run: <T>(scope: Scope, fn: () => T) => invocations.run(scope, fn),
  getRequestId: () => String(invocations.getStore()?.[REQUEST_ID] ?? '-'),
  getXRayTraceId: () => undefined,
  getTenantId: () => undefined,
};

/** Installs the invocation scopes for this process (the local stack calls it before loading handlers). */
export function useInvocationScopes(): void {
  const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = invokeStore;
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invocations per function since the process started: what Lambda would bill as requests (benchmarks read it). */
export const invocationCounts = new Map<string, number>();

/** One invocation of `handler`, as Lambda would run it. */
export function invoke<Event, Result>(
  functionName: string,
  handler: (event: Event, context: Context) => Promise<Result>,
  event: Event,
): Promise<Result> {
  invocationCounts.set(functionName, (invocationCounts.get(functionName) ?? 0) + 1);
  const context = lambdaContext(functionName);
  return invocations.run({ [REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
}
