/** The free-text refinement every name and address uses, and the bounds on every date. */
import { describe, expect, it } from 'vitest';
import {
  EARLIEST_DATE,
  freeText,
  IsoDate,
  isDateInRange,
  isFreeText,
  LATEST_DATE,
  Text,
} from '../../functions/core/identifiers.ts';
import { LifecycleRequest } from '../../functions/core/lifecycle.ts';
import { Term } from '../../functions/core/registration.ts';
import { ReleaseRequest } from '../../functions/core/upgrades.ts';
import * as z from '../../functions/core/zod.ts';

describe('free text', () => {
  it.each([
    'Marie Curie',
    'Société Générale',
    'Мария Кюри',
    'Ærø Ørsted',
    '株式会社アクメ',
    'שרה כהן', // right-to-left script: fine, it is the hidden override characters that are not
    'مريم',
    'Zoë 😀',
    'Acme\u00a0SA', // a no-break space is an ordinary space
    'Acme\u2009SA', // a thin space too
    "O'Brien & Sons (Paris) — 1 rue X, 75001",
  ])('accepts %j', (value) => {
    expect(isFreeText(value)).toBe(true);
    expect(Text(100).parse(value)).toBe(value);
  });

  it.each([
    ['U+202A left-to-right embedding', 'a\u202ab'],
    ['U+202B right-to-left embedding', 'a\u202bb'],
    ['U+202C pop directional formatting', 'a\u202cb'],
    ['U+202D left-to-right override', 'a\u202db'],
    ['U+202E right-to-left override', 'a\u202eb'],
    ['U+2066 left-to-right isolate', 'a\u2066b'],
    ['U+2067 right-to-left isolate', 'a\u2067b'],
    ['U+2068 first strong isolate', 'a\u2068b'],
    ['U+2069 pop directional isolate', 'a\u2069b'],
    ['U+200E left-to-right mark', 'a\u200eb'],
    ['U+061C Arabic letter mark', 'a\u061cb'],
    ['U+200B zero-width space', 'a\u200bb'],
    ['U+200D zero-width joiner', 'a\u200db'],
    ['U+2060 word joiner', 'a\u2060b'],
    ['U+FEFF byte-order mark', 'a\ufeffb'],
    ['U+00AD soft hyphen', 'a\u00adb'],
    ['U+E0001 language tag', 'a\u{e0001}b'],
    ['U+2028 line separator', 'a\u2028b'],
    ['U+2029 paragraph separator', 'a\u2029b'],
    ['U+FFFE noncharacter', 'a\ufffeb'],
    ['U+FDD0 noncharacter', 'a\ufdd0b'],
    ['NUL', 'a\u0000b'],
    ['a line feed', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['an unpaired high surrogate', 'a\ud800b'],
    ['an unpaired low surrogate', 'a\udc00b'],
    ['a high surrogate at the end', 'ab\ud83d'],
    ['two surrogates in the wrong order', 'a\ude00\ud83db'],
  ])('refuses %s', (_name, value) => {
    expect(isFreeText(value)).toBe(false);
    const text = Text(100);
    const result = text.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control characters/);
  });

  it('accepts a well-formed surrogate pair (an emoji outside the BMP)', () => {
    expect(isFreeText('Acme 😀')).toBe(true);
    expect(Text(20).parse('Acme 😀')).toBe('Acme 😀');
  });

  it('is one check that any string schema can use', () => {
    const Note = z.string().check(freeText);
    expect(Note.safeParse('hello').success).toBe(true);
    expect(Note.safeParse('he\u202Ello').success).toBe(false);
  });
});

describe('date bounds', () => {
  it(`are ${EARLIEST_DATE} to ${LATEST_DATE}`, () => {
    expect([EARLIEST_DATE, LATEST_DATE]).toEqual(['1990-01-01', '2100-12-31']);
  });

  it.each([
    ['1990-01-01', true],
    ['1998-03-15', true], // a legacy major's milestone, long before the 2006-11-06 policy date
    ['2006-11-05', true],
    ['2006-11-06', true],
    ['2026-02-28', true],
    ['2100-12-31', true],
    ['1989-12-31', false],
    ['1900-01-01', false],
    ['0100-01-01', false],
    ['0001-01-01', false],
    ['0000-01-01', false],
    ['2101-01-01', false],
    ['9999-12-31', false],
  ])('IsoDate %s → %s', (value, valid) => {
    expect(IsoDate.safeParse(value).success).toBe(valid);
    expect(isDateInRange(value)).toBe(valid);
  });

  it('says which dates it takes', () => {
    expect(IsoDate.safeParse('9999-12-31').error?.issues.map((i) => i.message)).toEqual([
      'a date lies between 1990-01-01 and 2100-12-31',
    ]);
    // A date that does not exist is told so, once, not also that it is out of range.
    expect(IsoDate.safeParse('9999-02-30').error?.issues.map((i) => i.message)).toEqual([
      'a date is YYYY-MM-DD and must exist on the calendar',
    ]);
  });

  it.each([
    ['a term', Term, { start: '0100-01-01', end: '2026-12-31' }, 'start'],
    ['a term', Term, { start: '2026-01-01', end: '9999-12-31' }, 'end'],
    ['a GA date', ReleaseRequest, { gaDate: '0100-01-01' }, 'gaDate'],
    ['a GA date', ReleaseRequest, { gaDate: '9999-12-31' }, 'gaDate'],
    [
      'a lifecycle',
      LifecycleRequest,
      { eolDate: '0100-01-01', partialSupportDate: '2027-01-01', endOfSupportDate: '2028-01-01' },
      'eolDate',
    ],
    [
      'a lifecycle',
      LifecycleRequest,
      { eolDate: '2026-01-01', partialSupportDate: '2027-01-01', endOfSupportDate: '9999-12-31' },
      'endOfSupportDate',
    ],
  ])('%s refuses a date out of bounds (%j)', (_name, schema, value, path) => {
    const result = (schema as z.ZodMiniType).safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('a legacy lifecycle before the 2006 policy date is still accepted', () => {
    expect(
      LifecycleRequest.safeParse({
        eolDate: '2003-06-30',
        partialSupportDate: '2004-06-30',
        endOfSupportDate: '2005-06-30',
      }).success,
    ).toBe(true);
  });
});
