/**
 * POST /registrations: the module handler (middy + problem+json) with the real
 * SyncWorkflow over a mocked SFN client.
 */
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const env = vi.hoisted(() => {
  const values = {
    REGISTER_CERTIFICATE_STATE_MACHINE_ARN:
      'arn:aws:states:eu-west-1:123456789012:stateMachine:RegisterCertificate',
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  Object.assign(process.env, values);
  return values;
});

import { MAX_BODY_BYTES } from '../../functions/http/http.ts';
import { handler, makePostRegistration } from '../../functions/http/post-registration.ts';
import type { RecordRegistrationOutput } from '../../functions/record-registration/handler.ts';
import { useClock } from '../../functions/shared/clock.ts';
import { CERTIFICATE, contractExample, parsedRequest, withField } from '../unit/fixtures.ts';
import { answer, httpEvent, lambdaContext, REQUEST_ID } from './http.ts';

const sfnMock = mockClient(SFNClient);
const CONTACT_ID = '1234567897';

beforeEach(() => {
  useClock(() => new Date('2026-03-01T10:00:00.000Z'));
});
afterEach(() => {
  sfnMock.reset();
  useClock(() => new Date());
});

function workflowAnswers(output: RecordRegistrationOutput) {
  sfnMock.on(StartSyncExecutionCommand).resolves({
    executionArn: 'arn:aws:states:eu-west-1:123456789012:express:RegisterCertificate:x:y',
    status: 'SUCCEEDED',
    output: JSON.stringify(output),
  });
}
const created = (
  outcome: 'CREATED' | 'RENEWED' | 'REPLAYED',
  renewalOf: string[] = [],
): RecordRegistrationOutput => ({
  outcome,
  certificateNumber: CERTIFICATE,
  contactId: CONTACT_ID,
  renewalOf,
  ...(outcome === 'CREATED'
    ? {
        delivery: {
          executionName: `contact-id-${CONTACT_ID}`,
          noticeKey: { PK: `CONTACT#${CONTACT_ID}`, SK: 'CONTACT' },
        },
      }
    : {}),
});

const post = async (
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  base64 = false,
) =>
  answer(
    await handler(
      httpEvent({
        routeKey: 'POST /registrations',
        rawPath: '/registrations',
        headers,
        body,
        isBase64Encoded: base64,
      }),
      lambdaContext,
    ),
  );
const postJson = (value: unknown) => post(JSON.stringify(value));
const sfnInputs = () => sfnMock.commandCalls(StartSyncExecutionCommand).map((c) => c.args[0].input);

describe('POST /registrations: answered from the workflow', () => {
  it('answers 201 with the Contact ID for a new registration, having run the workflow once', async () => {
    workflowAnswers(created('CREATED'));

    const res = await postJson(contractExample());

    expect(res.status).toBe(201);
    expect(res.contentType).toBe('application/json');
    expect(res.headers.location).toBe(`/certificates/${CERTIFICATE}`);
    expect(res.body).toEqual({
      certificateNumber: CERTIFICATE,
      contactId: CONTACT_ID,
      outcome: 'CREATED',
      renewalOf: [],
      links: { certificate: `/certificates/${CERTIFICATE}` },
    });
    expect(res.raw).not.toContain('delivery');

    const [call, ...more] = sfnInputs();
    expect(more).toEqual([]);
    expect(call!.stateMachineArn).toBe(env.REGISTER_CERTIFICATE_STATE_MACHINE_ARN);
    expect(JSON.parse(call!.input!)).toEqual({
      request: parsedRequest(),
      requestId: REQUEST_ID,
      receivedAt: '2026-03-01T10:00:00.000Z',
      // The token's subject and the role it acts in (the route's first: licensing-ops).
      actor: { subject: 'test-licensing-ops', role: 'licensing-ops' },
    });
  });

  it('passes the parsed request on: defaults applied, text trimmed', async () => {
    workflowAnswers(created('CREATED'));
    await postJson(
      withField(
        withField(contractExample(), 'primaryContact.language', undefined),
        'company.name',
        ' Acme SA ',
      ),
    );
    const { request } = JSON.parse(sfnInputs()[0]!.input!);
    expect(request.primaryContact.language).toBe('en');
    expect(request.company.name).toBe('Acme SA');
  });

  it('answers 201 for a renewal, listing the renewed certificates', async () => {
    workflowAnswers(created('RENEWED', ['11111111-1111111']));
    const res = await postJson(contractExample());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      outcome: 'RENEWED',
      contactId: CONTACT_ID,
      renewalOf: ['11111111-1111111'],
    });
  });

  it('answers 200 with the same Contact ID for a replay', async () => {
    workflowAnswers(created('REPLAYED'));
    const res = await postJson(contractExample());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'REPLAYED', contactId: CONTACT_ID });
  });

  it('accepts a base64-encoded body and a charset parameter', async () => {
    workflowAnswers(created('CREATED'));
    const res = await post(
      Buffer.from(JSON.stringify(contractExample())).toString('base64'),
      { 'content-type': 'application/json; charset=utf-8' },
      true,
    );
    expect(res.status).toBe(201);
    expect(JSON.parse(sfnInputs()[0]!.input!).request).toEqual(parsedRequest());
  });

  it.each([
    [
      'a conflict',
      {
        status: 409,
        name: 'Conflict',
        detail: 'certificate 12345678-1234567 is already registered with other content',
      },
      409,
      'Conflict',
    ],
    [
      'a rule violation',
      {
        status: 422,
        name: 'RuleViolation',
        detail: 'the certificate names registered serials with other identifiers',
        errors: [{ path: 'products.0.supportIdentifier', message: 'the support identifier does not match' }],
      },
      422,
      'RuleViolation',
    ],
    [
      'a malformed request',
      {
        status: 400,
        name: 'InvalidInput',
        detail: 'the registration is malformed',
        errors: [{ path: 'tier', message: 'x' }],
      },
      400,
      'InvalidInput',
    ],
  ])('maps a REFUSED outcome (%s) to its problem+json status', async (_name, problem, status, name) => {
    workflowAnswers({ outcome: 'REFUSED', problem });

    const res = await postJson(contractExample());

    expect(res.status).toBe(status);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: `https://errors.entitlements.example/${name}`,
      title: expect.any(String),
      status,
      detail: problem.detail,
      instance: REQUEST_ID,
    });
    if ('errors' in problem) expect(res.body.errors).toEqual(problem.errors);
  });

  it.each([
    ['FAILED', 'States.TaskFailed', 'RegistrationContention: still contended'],
    ['TIMED_OUT', 'States.Timeout', 'secret internal cause'],
  ])('answers 500 problem+json, leaking nothing, when the workflow ends %s', async (status, error, cause) => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: status as 'FAILED', error, cause });
    const res = await postJson(contractExample());
    expect(res.status).toBe(500);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: 500,
      detail: expect.stringContaining('safe to retry'),
      instance: REQUEST_ID,
    });
    expect(res.raw).not.toContain(cause);
    expect(res.raw).not.toContain(error);
  });

  it('answers 500 when Step Functions cannot be reached', async () => {
    sfnMock
      .on(StartSyncExecutionCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const res = await postJson(contractExample());
    expect(res.status).toBe(500);
    expect(res.raw).not.toContain('ECONNREFUSED');
  });
});

describe('POST /registrations: refused before the workflow (4xx, no SFN call)', () => {
  const valid = JSON.stringify(contractExample());
  const json = { 'content-type': 'application/json' };
  const bodyWith = (field: string, value: unknown) =>
    JSON.stringify(withField(contractExample(), field, value));

  it.each([
    ['malformed JSON', 400, '{"certificateNumber": "12345678-1234567",', json, '(body)'],
    ['an empty body', 400, '', json, '(body)'],
    ['no body', 400, undefined, json, '(body)'],
    ['a JSON array', 400, '[]', json, '(body)'],
    ['a JSON string', 400, '"register me"', json, '(body)'],
    ['null', 400, 'null', json, '(body)'],
    ['a bad certificate number', 400, bodyWith('certificateNumber', '1-2'), json, 'certificateNumber'],
    ['an unknown tier', 400, bodyWith('tier', 'GOLD'), json, 'tier'],
    [
      'a header-injecting email',
      400,
      bodyWith('primaryContact.email', 'a@b.example\r\nBcc: x@y.example'),
      json,
      'primaryContact.email',
    ],
    ['an unknown field', 400, JSON.stringify({ ...contractExample(), admin: true }), json, '(body)'],
    ['a term ending before it starts', 400, bodyWith('term.end', '2025-01-01'), json, 'term.end'],
    [
      'a form body',
      415,
      'certificateNumber=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      null,
    ],
    ['text/plain', 415, valid, { 'content-type': 'text/plain' }, null],
    ['no content-type', 415, valid, {}, null],
    ['a look-alike content-type', 415, valid, { 'content-type': 'application/jsonp' }, null],
    ['an oversized body', 413, bodyWith('company.address', 'x'.repeat(MAX_BODY_BYTES)), json, null],
  ])('%s → %i problem+json', async (_name, status, body, headers, path) => {
    workflowAnswers(created('CREATED'));

    const res = await post(body, headers);

    expect(res.status).toBe(status);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: expect.stringMatching(/^https:\/\/errors\.entitlements\.example\//),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: REQUEST_ID,
    });
    if (path) {
      expect(res.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
    }
    expect(sfnMock.calls()).toEqual([]);
  });

  it('counts the size of a base64 body once decoded, and still refuses an oversized one', async () => {
    const big = JSON.stringify(withField(contractExample(), 'company.address', 'x'.repeat(MAX_BODY_BYTES)));
    const res = await post(Buffer.from(big).toString('base64'), json, true);
    expect(res.status).toBe(413);
    expect(sfnMock.calls()).toEqual([]);
  });
});

describe('makePostRegistration', () => {
  it('hands the workflow the parsed request with the API request id, the clock’s time and the actor', async () => {
    const register = vi.fn(async () => created('CREATED'));
    const result = await makePostRegistration(register)(
      httpEvent(
        {
          routeKey: 'POST /registrations',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(contractExample()),
        },
        'integration',
      ),
    );
    expect(result.statusCode).toBe(201);
    expect(register).toHaveBeenCalledWith({
      request: parsedRequest(),
      requestId: REQUEST_ID,
      receivedAt: '2026-03-01T10:00:00.000Z',
      actor: { subject: 'test-integration', role: 'integration' },
    });
  });

  it('throws the refusal as a domain error (for the problem+json middleware)', async () => {
    const register = vi.fn(
      async (): Promise<RecordRegistrationOutput> => ({
        outcome: 'REFUSED',
        problem: { status: 409, name: 'Conflict', detail: 'taken' },
      }),
    );
    await expect(
      makePostRegistration(register)(
        httpEvent({
          routeKey: 'POST /registrations',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(contractExample()),
        }),
      ),
    ).rejects.toMatchObject({ name: 'Conflict', status: 409, message: 'taken' });
  });
});
