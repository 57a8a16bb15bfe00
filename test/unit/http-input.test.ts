/**
 * The HTTP plumbing every handler shares, on API Gateway events: JSON bodies checked for
 * depth, size, shape and ambiguity before anything serialises them; path parameters
 * decoded without ever throwing a URIError; yes/no query parameters that are yes or no.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInput, PayloadTooLarge, UnsupportedMediaType } from '../../functions/core/errors.ts';
import {
  decodePathSegment,
  JSON_LIMITS,
  jsonBody,
  MAX_PATH_PARAMETER_LENGTH,
  pathParam,
  queryFlag,
} from '../../functions/http/http.ts';
import { lifecyclePath } from '../../functions/http/lifecycle-path.ts';
import { releasePath } from '../../functions/http/release-path.ts';
import { httpEvent } from '../handlers/http.ts';

const withBody = (body: string, extra: Parameters<typeof httpEvent>[0] = {}) =>
  httpEvent({ headers: { 'content-type': 'application/json' }, body, ...extra });

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as InvalidInput;
  }
  throw new Error('not refused');
};

describe('jsonBody', () => {
  it('returns the object', () => {
    expect(jsonBody(withBody('{"a":[1,{"b":"c"}],"d":null,"e":true,"f":false,"g":-1.5e3}'))).toEqual({
      a: [1, { b: 'c' }],
      d: null,
      e: true,
      f: false,
      g: -1500,
    });
  });

  it('takes exactly the depth limit, not one more', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(() => jsonBody(withBody(nested(JSON_LIMITS.depth)))).not.toThrow();
    expect(refusal(() => jsonBody(withBody(nested(JSON_LIMITS.depth + 1)))).errors).toEqual([
      { path: '(body)', message: `nested more than ${JSON_LIMITS.depth} levels deep` },
    ]);
  });

  it('refuses 3,000 levels before anything serialises them', () => {
    const deep = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    expect(refusal(() => jsonBody(withBody(`{"a":${deep}}`)))).toBeInstanceOf(InvalidInput);
  });

  it('counts values at every depth', () => {
    const ok = JSON.stringify({ a: new Array(JSON_LIMITS.values - 2).fill(0) });
    expect(() => jsonBody(withBody(ok))).not.toThrow();
    const tooMany = JSON.stringify({ a: new Array(JSON_LIMITS.values).fill(0) });
    expect(refusal(() => jsonBody(withBody(tooMany))).message).toMatch(/more than 2000 values/);
  });

  it('limits strings and keys once unescaped', () => {
    const n = JSON_LIMITS.stringLength;
    expect(() => jsonBody(withBody(JSON.stringify({ a: 'x'.repeat(n) })))).not.toThrow();
    // Escapes count as the one character they stand for.
    expect(() => jsonBody(withBody(`{"a":"${'\\u0041'.repeat(n)}"}`))).not.toThrow();
    expect(refusal(() => jsonBody(withBody(JSON.stringify({ a: 'x'.repeat(n + 1) })))).message).toMatch(
      /longer than/,
    );
    expect(refusal(() => jsonBody(withBody(JSON.stringify({ ['k'.repeat(n + 1)]: 1 })))).message).toMatch(
      /longer than/,
    );
  });

  it.each([
    ['a duplicate key', '{"a":1,"a":2}', /"a" appears twice/],
    ['a duplicate key spelled with an escape', '{"a":1,"\\u0061":2}', /appears twice/],
    ['a duplicate key in a nested object', '{"x":{"b":1,"c":{"b":2},"b":3}}', /"b" appears twice/],
    ['a number that overflows', '{"a":1e400}', /too large/],
    ['an unpaired surrogate', '{"a":"\\ud800"}', /unpaired/],
    ['an unpaired surrogate in a key', '{"\\udfff":1}', /unpaired/],
    ['an array', '[{"a":1}]', /must be a JSON object, not an array/],
    ['a string', '"a"', /not a string/],
    ['a number', '1', /not a number/],
    ['null', 'null', /not null/],
    ['a boolean', 'false', /not a boolean/],
    ['invalid JSON', '{"a":}', /not valid JSON/],
    ['an empty body', '', /empty/],
  ])('refuses %s as a 400 on the body', (_name, body, message) => {
    const error = refusal(() => jsonBody(withBody(body)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.errors[0]?.path).toBe('(body)');
    expect(error.message).toMatch(message);
  });

  it('keeps strings with quotes, escapes and braces intact while it walks', () => {
    const value = { 'a"{[': 'b\\"}]', c: ['\u00e9', '😀', '\\'], d: { 'a"{[': 1 } };
    expect(jsonBody(withBody(JSON.stringify(value)))).toEqual(value);
  });

  it('accepts the same key in sibling objects', () => {
    expect(() => jsonBody(withBody('{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}'))).not.toThrow();
  });

  it('refuses the wrong media type and an oversized body', () => {
    expect(
      refusal(() => jsonBody(httpEvent({ headers: { 'content-type': 'text/plain' }, body: '{}' }))),
    ).toBeInstanceOf(UnsupportedMediaType);
    expect(refusal(() => jsonBody(withBody(`{"a":"${' '.repeat(70_000)}"}`)))).toBeInstanceOf(
      PayloadTooLarge,
    );
  });

  it('refuses query parameters the route does not take', () => {
    const event = withBody('{}', { queryStringParameters: { dryRun: 'true' } });
    expect(refusal(() => jsonBody(event)).errors).toEqual([
      { path: '(query).dryRun', message: 'unknown query parameter' },
    ]);
    expect(jsonBody(event, ['dryRun'])).toEqual({});
  });
});

describe('path parameters', () => {
  const event = (pathParameters: Record<string, string>) => httpEvent({ pathParameters });

  it('are percent-decoded', () => {
    expect(pathParam(event({ product: 'Backup%20Exec' }), 'product')).toBe('Backup Exec');
    expect(pathParam(event({ product: 'Soci%C3%A9t%C3%A9' }), 'product')).toBe('Société');
    expect(pathParam(event({}), 'product')).toBeUndefined();
  });

  it.each(['%E0%A4%A', '100%', '%zz', '%ED%A0%80', '%FF', '%C0%AF'])(
    'refuses %s as a 400, not a URIError',
    (raw) => {
      const error = refusal(() => pathParam(event({ product: raw }), 'product'));
      expect(error).toBeInstanceOf(InvalidInput);
      expect(error.errors).toEqual([{ path: 'product', message: 'malformed percent-encoding' }]);
      expect(refusal(() => decodePathSegment(raw))).toBeInstanceOf(InvalidInput);
    },
  );

  it('refuses an absurd length before decoding it', () => {
    const error = refusal(() =>
      pathParam(event({ product: 'x'.repeat(MAX_PATH_PARAMETER_LENGTH + 1) }), 'product'),
    );
    expect(error.errors[0]).toEqual({
      path: 'product',
      message: `must be at most ${MAX_PATH_PARAMETER_LENGTH} characters`,
    });
  });

  it('reach the route schemas decoded, so hidden characters are refused there', () => {
    expect(lifecyclePath(event({ product: 'Backup%20Exec', major: '12' }))).toEqual({
      product: 'Backup Exec',
      major: 12,
    });
    expect(
      refusal(() => lifecyclePath(event({ product: 'Backup%E2%80%AEExec', major: '12' }))),
    ).toBeInstanceOf(InvalidInput);
    expect(refusal(() => releasePath(event({ product: 'Backup Exec', version: '12%2' })))).toBeInstanceOf(
      InvalidInput,
    );
    expect(releasePath(event({ product: 'Backup%20Exec', version: '12.0%20MP%201' })).version).toBe(
      '12.0 MP 1',
    );
  });
});

describe('queryFlag', () => {
  const flag = (value?: string) =>
    queryFlag(httpEvent(value === undefined ? {} : { queryStringParameters: { dryRun: value } }), 'dryRun');
  it('is false when absent or false, true when true', () => {
    expect(flag()).toBe(false);
    expect(flag('false')).toBe(false);
    expect(flag('true')).toBe(true);
  });
  it.each(['maybe', '', 'TRUE', '1', 'yes', 'true,false'])('refuses %j', (value) => {
    expect(refusal(() => flag(value))).toBeInstanceOf(InvalidInput);
  });
});
