/**
 * PUT /products/{product}/majors/{major}/lifecycle, the module handler (middy + problem+json)
 * over mocked DynamoDB, Scheduler and Step Functions: what happens when another request
 * changed the schedule meanwhile, and when Scheduler fails after the schedule was stored.
 */
import { SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'entitlements-test',
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    SCHEDULE_GROUP_NAME: 'Entitlements-test',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/scheduler',
    SCHEDULER_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-west-1:111122223333:dlq',
    LIFECYCLE_TRANSITION_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:lt',
  });
});

import { handler } from '../../functions/http/put-lifecycle.ts';
import { useClock } from '../../functions/shared/clock.ts';
import { answer, httpEvent, lambdaContext } from './http.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const scheduler = mockClient(SchedulerClient);
const sfn = mockClient(SFNClient);

const dates = { eolDate: '2027-06-30', partialSupportDate: '2028-06-30', endOfSupportDate: '2029-06-30' };
const stored = {
  PK: 'PRODUCT#Backup Exec',
  SK: 'MAJOR#0012',
  type: 'Lifecycle',
  product: 'Backup Exec',
  major: 12,
  ...dates,
  phase: 'GA',
  revision: 1,
  legacy: false,
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const put = (body: unknown) =>
  handler(
    httpEvent({
      routeKey: 'PUT /products/{product}/majors/{major}/lifecycle',
      pathParameters: { product: 'Backup Exec', major: '12' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    lambdaContext,
  ).then(answer);

beforeEach(() => {
  ddb.reset();
  scheduler.reset();
  sfn.reset();
  useClock(() => new Date('2026-11-26T10:00:00Z'));
  ddb.on(GetCommand).resolves({ Item: stored });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(BatchGetCommand).resolves({ Responses: {} });
  scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
});

describe('PUT lifecycle', () => {
  it('another request changed the schedule meanwhile: 409, and nothing scheduled or started', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException' }));
    const res = await put({ ...dates, eolDate: '2027-07-31' });
    expect(res.status).toBe(409);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body.detail).toMatch(/changed meanwhile/);
    expect(scheduler.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('Scheduler failing after the schedule was stored surfaces (5xx); the retry stores nothing again', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const failed = await put({ ...dates, eolDate: '2027-07-31' });
    expect(failed.status).toBe(500);
    expect(failed.contentType).toBe('application/problem+json');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);

    // The retry reads the schedule the failed attempt stored: same dates, so no second write.
    ddb.on(GetCommand).resolves({ Item: { ...stored, eolDate: '2027-07-31', revision: 2 } });
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const retried = await put({ ...dates, eolDate: '2027-07-31' });
    expect(retried.status).toBe(200);
    expect(retried.body.revision).toBe(2);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(UpdateScheduleCommand).length).toBeGreaterThanOrEqual(3);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.name).toMatch(/-12-r2$/);
  });
});
