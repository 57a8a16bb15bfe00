import { describe, expect, it } from 'vitest';
import {
  CertificateNumber,
  ContactId,
  EmailAddress,
  IsoDate,
  isCalendarDate,
  Language,
  PhoneNumber,
  SalesOrderNumber,
  SerialNumber,
  SupportIdentifier,
  Text,
  Tier,
} from '../../functions/core/identifiers.ts';

const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

/** The first issue's message, to check that a refusal says what the shape is. */
const messageOf = (schema: { safeParse: (v: unknown) => any }, value: unknown): string =>
  schema.safeParse(value).error?.issues[0]?.message ?? '';

describe.each([
  {
    name: 'certificate number',
    schema: CertificateNumber,
    good: ['12345678-1234567', '00000000-0000000', '99999999-9999999'],
    bad: [
      '1234567-1234567',
      '123456789-1234567',
      '12345678-123456',
      '12345678-12345678',
      '123456781234567',
      '12345678_1234567',
      '12345678 1234567',
      'A2345678-1234567',
      ' 12345678-1234567',
      '12345678-1234567\n',
      '１２３４５６７８-1234567',
      '',
      12345678,
      null,
    ],
    message: /8 digits, a dash and 7 digits/,
  },
  {
    name: 'sales order number',
    schema: SalesOrderNumber,
    good: ['12345678', '00000001'],
    bad: ['1234567', '123456789', '1234567A', '1234-5678', '', ' 12345678', 12345678],
    message: /8 digits/,
  },
  {
    name: 'serial number',
    schema: SerialNumber,
    good: ['M1234567890', 'M0000000000'],
    bad: [
      'm1234567890',
      'M123456789',
      'M12345678901',
      '1234567890',
      'MM123456789',
      'N1234567890',
      'M12345 7890',
      '',
    ],
    message: /M and 10 digits/,
  },
  {
    name: 'support identifier',
    schema: SupportIdentifier,
    good: ['1234-5678-1234', '0000-0000-0000'],
    bad: [
      '123456781234',
      '1234-5678-123',
      '12345-678-1234',
      '1234-5678-1234-',
      '1234_5678_1234',
      'abcd-efgh-ijkl',
      '',
    ],
    message: /4-4-4 digits/,
  },
  {
    name: 'Contact ID',
    schema: ContactId,
    good: ['1234567897', '1000000008', '9999999999', '9876543217', '1789372990'],
    bad: [
      '1234567890',
      '1234567898',
      '123456789',
      '12345678970',
      '123456789A',
      '',
      ' 1234567897',
      1234567897,
    ],
    message: /10 digits ending in a Luhn check digit/,
  },
])('$name', ({ schema, good, bad, message }) => {
  it.each(good)('accepts %j', (value) => {
    expect(accepts(schema, value)).toBe(true);
  });
  it.each(bad)('refuses %j', (value) => {
    expect(accepts(schema, value)).toBe(false);
  });
  it('says what shape it expects', () => {
    expect(messageOf(schema, typeof bad[0] === 'string' ? bad[0] : 'x')).toMatch(message);
  });
});

describe('Tier', () => {
  it.each(['BASIC', 'ESSENTIAL', 'BCS_REMOTE', 'BCS_DATACENTER', 'BCS_NATIONAL', 'BCS_GLOBAL'])(
    'accepts %s',
    (tier) => {
      expect(Tier.parse(tier)).toBe(tier);
    },
  );
  it.each(['basic', 'Essential', 'GOLD', 'BCS', '', ' BASIC', null, 1])('refuses %j', (tier) => {
    expect(accepts(Tier, tier)).toBe(false);
    expect(messageOf(Tier, tier)).toBe(
      'tier is one of BASIC, ESSENTIAL, BCS_REMOTE, BCS_DATACENTER, BCS_NATIONAL, BCS_GLOBAL',
    );
  });
});

describe('Language', () => {
  it.each(['en', 'fr', 'de', 'it', 'es', 'ru'])('accepts %s', (language) => {
    expect(Language.parse(language)).toBe(language);
  });
  it.each(['EN', 'pt', 'fr-FR', 'english', '', undefined])('refuses %j', (language) => {
    expect(accepts(Language, language)).toBe(false);
    expect(messageOf(Language, language)).toBe('language is one of en, fr, de, it, es, ru');
  });
});

describe('IsoDate', () => {
  it.each([
    ['2026-01-01', true],
    ['2026-12-31', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['1900-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-01-32', false],
    ['2026-1-1', false],
    ['26-01-01', false],
    ['2026/01/01', false],
    ['2026-01-01T00:00:00Z', false],
    ['20260101', false],
    ['', false],
  ])('%s → %s', (value, valid) => {
    expect(isCalendarDate(value)).toBe(valid);
    expect(accepts(IsoDate, value)).toBe(valid);
  });

  it('explains the refusal', () => {
    expect(messageOf(IsoDate, '2026-02-29')).toBe('a date is YYYY-MM-DD and must exist on the calendar');
  });
});

describe('EmailAddress', () => {
  it.each([
    'marie@acme.example',
    'Marie.Curie@ACME.example',
    'first.last+tag@sub.acme.example',
    'a_b-c@acme-corp.example',
    'x@acme.co.uk',
    "o'brien@acme.example",
    `${'a'.repeat(64)}@${'b'.repeat(60)}.example`,
  ])('accepts %j unchanged', (email) => {
    expect(EmailAddress.parse(email)).toBe(email);
  });

  it.each([
    ['a CRLF header injection', 'a@b.example\r\nBcc: x@y.example'],
    ['a LF injection', 'a@b.example\nX'],
    ['a bare CR', 'a@b.example\rX'],
    ['a NUL byte', 'a@b.example\u0000'],
    ['a tab', 'a@b.example\t'],
    ['a display name', '"A" <a@b.example>'],
    ['an angle-bracketed address', '<a@b.example>'],
    ['two addresses with a comma', 'a@b.example, c@d.example'],
    ['two addresses with a comma and no space', 'a@b.example,c@d.example'],
    ['two addresses with a semicolon', 'a@b.example;c@d.example'],
    ['a leading space', ' a@b.example'],
    ['a space inside', 'a b@c.example'],
    ['no @', 'ab.example'],
    ['two @', 'a@b@c.example'],
    ['no domain dot', 'a@localhost'],
    ['an empty local part', '@b.example'],
    ['more than 254 characters', `${'a'.repeat(64)}@${'b'.repeat(190)}.example`],
    ['an empty string', ''],
    ['a non-string', 42],
  ])('refuses %s', (_name, email) => {
    expect(accepts(EmailAddress, email)).toBe(false);
  });

  it('says why a header-injection attempt is refused', () => {
    expect(messageOf(EmailAddress, 'a@b.example\r\nBcc: x@y.example')).toBe(
      'an email address holds one address, with no spaces or line breaks',
    );
  });

  it('says why an overlong address is refused', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(190)}.example`;
    expect(long.length).toBeGreaterThan(254);
    expect(messageOf(EmailAddress, long)).toBe('an email address has at most 254 characters');
  });
});

describe('Text', () => {
  const text = Text(20);

  it.each([
    ['Marie Curie', 'Marie Curie'],
    ['  padded  ', 'padded'],
    ['Société Générale', 'Société Générale'],
    ['Мария Кюри', 'Мария Кюри'],
    ['a'.repeat(20), 'a'.repeat(20)],
  ])('accepts %j as %j', (value, parsed) => {
    expect(text.parse(value)).toBe(parsed);
  });

  it.each([
    ['a line break inside', 'Marie\nCurie', /control characters/],
    ['a carriage return inside', 'Marie\rBcc: x', /control characters/],
    ['a tab inside', 'Marie\tCurie', /control characters/],
    ['a NUL', 'Marie\u0000', /control characters/],
    ['an escape', 'x\u001b[31m', /control characters/],
    ['DEL', 'x\u007fy', /control characters/],
    ['C1 control', 'x\u0085y', /control characters/],
    ['an empty string', '', /must not be empty/],
    ['only spaces', '    ', /must not be empty/],
    ['too long', 'a'.repeat(21), /at most 20 characters/],
  ])('refuses %s', (_name, value, message) => {
    expect(accepts(text, value)).toBe(false);
    expect(messageOf(text, value)).toMatch(message);
  });

  it('never keeps a control character, even one at an end (trimmed away)', () => {
    const parsed = text.parse('Marie\n');
    expect(parsed).toBe('Marie');
    expect(parsed).not.toMatch(/\p{Cc}/u);
  });
});

describe('PhoneNumber', () => {
  it.each(['+33 1 23 45 67 89', '(555) 123-4567', '+7.495.123.45.67', '0123'])('accepts %j', (phone) => {
    expect(accepts(PhoneNumber, phone)).toBe(true);
  });
  it.each(['call me', '123', '+33 1 23\n45', '++33 1 23 45', 'x'.repeat(5), '1'.repeat(32)])(
    'refuses %j',
    (phone) => {
      expect(accepts(PhoneNumber, phone)).toBe(false);
    },
  );
});
