import { describe, expect, it } from 'vitest';
import { generateContactId, isValidContactId, luhnCheckDigit } from '../../functions/core/contact-id.ts';

describe('luhnCheckDigit', () => {
  it.each([
    ['7992739871', 3], // the textbook example: 79927398713
    ['1789372997', 4], // 17893729974
    ['453914880343646', 7], // test card 4539 1488 0343 6467
    ['123456781234567', 0], // 1234 5678 1234 5670
    ['123456789', 7], // 1234567897
    ['100000000', 8],
    ['999999999', 9],
    ['0', 0],
    ['', 0],
  ])('%s → %i', (payload, digit) => {
    expect(luhnCheckDigit(payload)).toBe(digit);
  });
});

describe('isValidContactId', () => {
  it.each(['1234567897', '1000000008', '9999999999', '9876543217'])('accepts %s', (id) => {
    expect(isValidContactId(id)).toBe(true);
  });

  it.each([
    ['a wrong check digit', '1234567890'],
    ['9 digits', '123456789'],
    ['11 digits', '12345678970'],
    ['a letter', '123456789A'],
    ['a space', '12345 67897'],
    ['a dash', '12345-6789'],
    ['an empty string', ''],
  ])('refuses %s', (_name, id) => {
    expect(isValidContactId(id)).toBe(false);
  });
});

/** A deterministic stand-in for crypto.randomInt(min, max): returns `value`, checking the range asked. */
const fixed = (value: number) => (min: number, max: number) => {
  expect(min).toBeLessThanOrEqual(value);
  expect(value).toBeLessThan(max);
  return value;
};

describe('generateContactId', () => {
  it.each([100_000_000, 123_456_789, 500_000_000, 999_999_999])(
    'from random %i: 10 digits, first not 0, valid Luhn',
    (random) => {
      const id = generateContactId(fixed(random));
      expect(id).toMatch(/^[1-9]\d{9}$/);
      expect(id.slice(0, 9)).toBe(String(random));
      expect(isValidContactId(id)).toBe(true);
    },
  );

  it('asks for a 9-digit payload that never starts with 0', () => {
    const asked: Array<[number, number]> = [];
    generateContactId((min, max) => {
      asked.push([min, max]);
      return min;
    });
    expect(asked).toEqual([[100_000_000, 1_000_000_000]]);
  });

  it('gives distinct IDs for distinct random payloads', () => {
    const randoms = Array.from({ length: 500 }, (_, i) => 100_000_000 + i * 1_799_999);
    const ids = randoms.map((r) => generateContactId(fixed(r)));
    expect(new Set(ids).size).toBe(randoms.length);
    for (const id of ids) expect(isValidContactId(id)).toBe(true);
  });

  it('is not sequential: consecutive issues follow the random source, not a counter', () => {
    const sequence = [734_112_908, 201_554_376, 998_003_117];
    let i = 0;
    const ids = sequence.map(() => generateContactId(() => sequence[i++]!));
    expect(ids.map((id) => id.slice(0, 9))).toEqual(sequence.map(String));
  });
});

describe('a single-digit typo in a Contact ID', () => {
  const ids = ['1234567897', '7992739875', generateContactId(() => 555_000_123)];

  it.each(ids)('is always detected in %s', (id) => {
    expect(isValidContactId(id)).toBe(true);
    let typos = 0;
    for (let position = 0; position < id.length; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === id[position]) continue;
        const typo = id.slice(0, position) + digit + id.slice(position + 1);
        expect(isValidContactId(typo), typo).toBe(false);
        typos++;
      }
    }
    expect(typos).toBe(90);
  });
});
