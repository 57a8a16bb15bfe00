/**
 * Opting out of renewal reminders (core/unsubscribe.ts): signed links that cannot be made for
 * another address, the RFC 8058 headers, and the reminder rule that leaves an opted-out
 * address out (core/recipients.ts) while other notices still reach it.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../functions/core/errors.ts';
import { optOutKey, recipientsOf, remindable } from '../../functions/core/recipients.ts';
import { reminderDigestLines } from '../../functions/core/reminders.ts';
import {
  listUnsubscribeHeaders,
  oneClickUrl,
  tokenOfQuery,
  UNSUBSCRIBE_VALID_DAYS,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../functions/core/unsubscribe.ts';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const OTHER_SECRET = 'another-secret-of-at-least-thirty-two-characters';
const DAY = '2026-12-02';

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).message;
  }
  throw new Error('expected the token to be refused');
};

describe('unsubscribe links', () => {
  it('sign the address, lower-cased, for renewal reminders, until a year and more after the digest', () => {
    const url = unsubscribeUrl('https://api.example/', 'Marie@Acme.example', SECRET, DAY);
    expect(url).toMatch(
      /^https:\/\/api\.example\/customer\/unsubscribe\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    );
    expect(verifyUnsubscribeToken(tokenOf(url), SECRET, DAY)).toEqual({
      purpose: 'REMINDERS',
      address: 'marie@acme.example',
      expires: '2028-01-06',
    });
    expect(UNSUBSCRIBE_VALID_DAYS).toBe(400);
    // The same address in any case is the same link.
    expect(unsubscribeToken('MARIE@ACME.EXAMPLE', SECRET, DAY)).toBe(tokenOf(url));
  });

  it('cannot be made for another address by editing one', () => {
    const token = unsubscribeToken('marie@acme.example', SECRET, DAY);
    const [payload, signature] = token.split('.') as [string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify(['REMINDERS', 'pierre@acme.example', '2028-01-06']),
    ).toString('base64url');
    expect(refusal(() => verifyUnsubscribeToken(`${forgedPayload}.${signature}`, SECRET, DAY))).toMatch(
      /not signed by this service/,
    );
    // Pierre's own token, made with another secret, is not ours either.
    const otherSecret = unsubscribeToken('pierre@acme.example', OTHER_SECRET, DAY);
    expect(refusal(() => verifyUnsubscribeToken(otherSecret, SECRET, DAY))).toMatch(/not signed/);
    // One character of the signature changed.
    const flipped = `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(refusal(() => verifyUnsubscribeToken(flipped, SECRET, DAY))).toMatch(/not signed/);
    // A longer life is another payload: its signature does not match.
    const longer = Buffer.from(JSON.stringify(['REMINDERS', 'marie@acme.example', '2099-01-01'])).toString(
      'base64url',
    );
    expect(refusal(() => verifyUnsubscribeToken(`${longer}.${signature}`, SECRET, DAY))).toMatch(
      /not signed/,
    );
  });

  it('refuse other purposes, upper-case addresses and odd shapes, even when signed', () => {
    const signed = (fields: unknown) => {
      const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
      // Signed as the module signs, to show the content checks hold on their own.
      const signature = createHmac('sha256', SECRET).update(`unsubscribe.v1.${payload}`).digest('base64url');
      return `${payload}.${signature}`;
    };
    expect(
      verifyUnsubscribeToken(signed(['REMINDERS', 'a@b.example', '2027-01-01']), SECRET, DAY).address,
    ).toBe('a@b.example');
    for (const fields of [
      ['ALL', 'a@b.example', '2027-01-01'],
      ['REMINDERS', 'A@b.example', '2027-01-01'],
      ['REMINDERS', 'a@b.example'],
      ['REMINDERS', 'a@b.example', 'never'],
      { purpose: 'REMINDERS', address: 'a@b.example', expires: '2027-01-01' },
    ])
      expect(refusal(() => verifyUnsubscribeToken(signed(fields), SECRET, DAY))).toMatch(/malformed/);
  });

  it('expire: the last day is honoured, the day after is not', () => {
    const token = unsubscribeToken('marie@acme.example', SECRET, DAY);
    expect(verifyUnsubscribeToken(token, SECRET, '2028-01-06').address).toBe('marie@acme.example');
    expect(refusal(() => verifyUnsubscribeToken(token, SECRET, '2028-01-07'))).toMatch(
      /expired on 2028-01-06/,
    );
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', ['a.b']],
    ['without a signature', 'abc'],
    ['with three parts', 'a.b.c'],
    ['with padding', 'YWJj.YWJj='],
    ['with other characters', 'a b.c'],
    ['too long', `${'a'.repeat(2000)}.b`],
    ['with a non-canonical signature', `${Buffer.from('[]').toString('base64url')}.AAAA`],
  ])('refuse a token %s', (_what, token) => {
    expect(() => verifyUnsubscribeToken(token, SECRET, DAY)).toThrow(InvalidInput);
  });

  it('come from the query parameter token, the only one the routes take', () => {
    expect(tokenOfQuery({ token: 'a.b' })).toBe('a.b');
    expect(tokenOfQuery(undefined)).toBeUndefined();
    expect(() => tokenOfQuery({ token: 'a.b', all: 'true' })).toThrow(InvalidInput);
  });

  it('give the one-click URL and the RFC 8058 headers for the page link, and none without one', () => {
    const url = unsubscribeUrl('https://api.example/prod', 'marie@acme.example', SECRET, DAY);
    const oneClick = oneClickUrl(url)!;
    expect(oneClick).toBe(`https://api.example/prod/unsubscribe?token=${tokenOf(url)}`);
    expect(listUnsubscribeHeaders(url)).toEqual({
      'List-Unsubscribe': `<${oneClick}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listUnsubscribeHeaders(undefined)).toEqual({});
    expect(listUnsubscribeHeaders('https://licensing.vendor.example/customer/unsubscribe')).toEqual({});
    expect(listUnsubscribeHeaders('not a url')).toEqual({});
  });
});

describe('the renewal reminder rule', () => {
  const contacts = [
    { to: 'Marie@Acme.example', name: 'Marie Curie', language: 'fr' as const, remindersOptedOut: true },
    { to: 'pierre@acme.example', name: 'Pierre Curie', language: 'en' as const },
    // The same person on a second contact, not flagged there: the opt-out is the address's.
    { to: 'marie@acme.example', name: 'M. Curie', language: 'en' as const },
  ];

  it('leaves out every contact of an address that opted out, and only them', () => {
    expect(recipientsOf(remindable(contacts)).map((r) => r.to)).toEqual(['pierre@acme.example']);
    // Other notices (upgrades, end of life, Contact IDs) still reach the address.
    expect(recipientsOf(contacts).map((r) => r.to)).toEqual(['Marie@Acme.example', 'pierre@acme.example']);
  });

  it('keys an opt-out by the address whatever its case, without spelling it out', () => {
    expect(optOutKey('Marie@Acme.example')).toBe(optOutKey('marie@acme.example'));
    expect(optOutKey('marie@acme.example')).toMatch(/^[0-9a-f]{32}$/);
    expect(optOutKey('pierre@acme.example')).not.toBe(optOutKey('marie@acme.example'));
  });

  it('gives each digest its recipient’s own signed link', () => {
    const certificate = {
      certificateNumber: '12345678-1234567',
      products: [{ product: 'Backup Exec', version: '12', serialNumber: 'M1234567890' }],
      term: { end: '2026-12-31' },
    };
    const lines = reminderDigestLines(
      certificate,
      { offset: 30, on: '2026-12-01' },
      remindable(contacts.slice(1)),
      '2026-12-01',
      'https://licensing.vendor.example/renew',
      new Date('2026-12-01T06:00:00Z'),
      { baseUrl: 'https://api.example', secret: SECRET },
    );
    expect(lines.map((l) => l.recipient)).toEqual(['pierre@acme.example', 'marie@acme.example']);
    const links = lines.map((l) => String(l.notice(1).data.unsubscribeUrl));
    expect(links.map((l) => verifyUnsubscribeToken(tokenOf(l), SECRET, '2026-12-01').address)).toEqual([
      'pierre@acme.example',
      'marie@acme.example',
    ]);
  });
});
