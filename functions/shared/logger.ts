/**
 * One logger for every function: Powertools Logger, JSON lines. Every handler is wired
 * through one of the two wrappers below, so each line of an invocation carries the Lambda
 * context (function name, request id, cold start; the X-Ray trace id on AWS) and a
 * `correlation_id`:
 *
 * - HTTP handlers (`requestLogging()`, a middy middleware): the API request id, which is
 *   also the `instance` of a problem+json answer;
 * - Task and scheduled handlers (`logged(handler, correlationId)`): what the Task input
 *   says the run is about — the API request id for the runs an API request starts (its
 *   Task input carries it as `requestId`), else the run's own identity (the day of a
 *   reminder run, the release of a GA run, the notice being delivered, …), else the
 *   Lambda request id.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: 'entitlements' });

/**
 * What Powertools' `injectLambdaContext` does, less its per-invocation sampling refresh
 * (no sample rate is configured, and the refresh would undo a log level set after the
 * logger was made, as the local stack sets it): the context and the correlation id in,
 * the invocation's keys out when it ends.
 */
function begin(context: Context | undefined, correlationId: string | undefined): void {
  if (context) logger.addContext(context);
  const id = correlationId ?? context?.awsRequestId;
  if (id) logger.setCorrelationId(id);
}
const end = () => logger.resetKeys();

/** Middy middleware of the HTTP handlers: the Lambda context, and the API request id as correlation id. */
export function requestLogging<Result>(): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    before: (request) => begin(request.context, request.event?.requestContext?.requestId),
    after: end,
    onError: end,
  };
}

/**
 * A Task or scheduled handler whose lines carry the Lambda context and `correlationId(input)`
 * (the Lambda request id when it gives none). Keys appended during the invocation go with it.
 */
export function logged<Input, Output>(
  handler: (input: Input) => Promise<Output>,
  correlationId: (input: Input) => string | undefined = () => undefined,
): (input: Input, context?: Context) => Promise<Output> {
  return async (input, context) => {
    begin(context, correlationId(input));
    try {
      return await handler(input);
    } finally {
      end();
    }
  };
}
