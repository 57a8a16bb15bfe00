import { describe, expect, it } from 'vitest';
import { addDays, dayOf, daysBetween } from '../../functions/core/calendar.ts';
import type { Language } from '../../functions/core/identifiers.ts';
import {
  DEFAULT_REMINDER_OFFSETS,
  nextReminder,
  offsetsFor,
  reminderAfter,
  reminderDigestId,
  reminderDigestLines,
  reminderLine,
  reminderSchedule,
  reminderUnsubscribeUrl,
  reminderWhen,
} from '../../functions/core/reminders.ts';

describe('calendar', () => {
  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-12-31', -90, '2026-10-02'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-03-29', 1, '2026-03-30'], // a DST change in Europe: UTC arithmetic is unaffected
    ['2026-01-31', 0, '2026-01-31'],
  ])('addDays(%s, %i) → %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it('dayOf takes the UTC day', () => {
    expect(dayOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
    expect(dayOf(new Date('2027-01-01T00:30:00+01:00'))).toBe('2026-12-31');
  });
});

describe('reminder offsets', () => {
  it('default to 90, 60, 30, 7 days before, the day itself and 30 days after', () => {
    expect(DEFAULT_REMINDER_OFFSETS).toEqual([90, 60, 30, 7, 0, -30]);
    expect(offsetsFor('BASIC')).toEqual(DEFAULT_REMINDER_OFFSETS);
  });

  it('are configurable per tier, other tiers keeping the defaults', () => {
    const configured = { BCS_GLOBAL: [120, 30] };
    expect(offsetsFor('BCS_GLOBAL', configured)).toEqual([120, 30]);
    expect(offsetsFor('ESSENTIAL', configured)).toEqual(DEFAULT_REMINDER_OFFSETS);
  });
});

describe('reminderSchedule', () => {
  it('puts the default offsets on the right dates, earliest first', () => {
    expect(reminderSchedule('2026-12-31', DEFAULT_REMINDER_OFFSETS)).toEqual([
      { offset: 90, on: '2026-10-02' },
      { offset: 60, on: '2026-11-01' },
      { offset: 30, on: '2026-12-01' },
      { offset: 7, on: '2026-12-24' },
      { offset: 0, on: '2026-12-31' },
      { offset: -30, on: '2027-01-30' },
    ]);
  });

  it('counts across February in a leap year', () => {
    expect(reminderSchedule('2028-03-31', [30, 60])).toEqual([
      { offset: 60, on: '2028-01-31' },
      { offset: 30, on: '2028-03-01' },
    ]);
  });

  it('sorts offsets given in any order', () => {
    expect(reminderSchedule('2026-03-31', [7, -30, 60, 0]).map((r) => r.offset)).toEqual([60, 7, 0, -30]);
  });
});

describe('nextReminder', () => {
  const end = '2026-12-31';
  it.each([
    ['long before the first offset', '2026-01-01', { offset: 90, on: '2026-10-02' }],
    ['on the 90-day date', '2026-10-02', { offset: 90, on: '2026-10-02' }],
    ['the day after the 90-day date', '2026-10-03', { offset: 60, on: '2026-11-01' }],
    ['on the 30-day date', '2026-12-01', { offset: 30, on: '2026-12-01' }],
    ['between 7 days before and the end', '2026-12-25', { offset: 0, on: '2026-12-31' }],
    ['on the end date', '2026-12-31', { offset: 0, on: '2026-12-31' }],
    ['after the end', '2027-01-01', { offset: -30, on: '2027-01-30' }],
    ['on the last call', '2027-01-30', { offset: -30, on: '2027-01-30' }],
    ['after the last call: none left', '2027-01-31', null],
  ])('%s (%s)', (_name, today, expected) => {
    expect(nextReminder(end, DEFAULT_REMINDER_OFFSETS, today)).toEqual(expected);
  });

  it('is null without offsets', () => {
    expect(nextReminder(end, [], '2026-01-01')).toBeNull();
  });
});

describe('the daily run’s rules', () => {
  it.each<[string, number, string | null]>([
    ['2026-10-02', 90, '2026-11-01'],
    ['2026-12-24', 7, '2026-12-31'],
    ['2026-12-31', 0, '2027-01-30'],
    ['2027-01-30', -30, null],
  ])('after the reminder of %s (offset %i) the next is on %s', (day, _offset, next) => {
    expect(reminderAfter('2026-12-31', DEFAULT_REMINDER_OFFSETS, day)?.on ?? null).toBe(next);
  });

  it('gives one digest per address and day, whatever the case of the address', () => {
    const id = reminderDigestId('2026-12-01', 'Marie@Acme.example');
    expect(id).toBe(reminderDigestId('2026-12-01', 'marie@acme.example'));
    expect(id).not.toBe(reminderDigestId('2026-12-02', 'marie@acme.example'));
    expect(id).not.toBe(reminderDigestId('2026-12-01', 'pierre@acme.example'));
    expect(id.length).toBeLessThanOrEqual(80); // it names the delivery execution
  });

  it.each<[number, Language, string]>([
    [30, 'en', 'ends in 30 days, on 31 December 2026'],
    [1, 'en', 'ends in 1 day, on 31 December 2026'],
    [0, 'en', 'ends today, 31 December 2026'],
    [-30, 'en', 'ended 30 days ago, on 31 December 2026'],
    [7, 'fr', 'se termine dans 7 jours, le 31 décembre 2026'],
    [30, 'de', 'endet in 30 Tagen, am 31. Dezember 2026'],
    [30, 'it', 'scade tra 30 giorni, il 31 dicembre 2026'],
    [30, 'es', 'vence en 30 días, el 31 de diciembre de 2026'],
    [0, 'ru', 'заканчивается сегодня, 31 декабря 2026'],
    [7, 'ru', 'заканчивается через 7 дней'],
    [2, 'ru', 'заканчивается через 2 дня'],
  ])('says when in the reader’s words and dates (offset %i, %s)', (offset, language, phrase) => {
    const when = reminderWhen(offset, '2026-12-31', language);
    expect(when).toContain(phrase);
    expect(when).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('gives the digest a place to stop reminders, from the configured links', () => {
    expect(reminderUnsubscribeUrl('https://licensing.acme.example/renew')).toBe(
      'https://licensing.acme.example/customer/unsubscribe',
    );
    expect(reminderUnsubscribeUrl('', 'https://portal.acme.example/')).toBe(
      'https://portal.acme.example/customer/unsubscribe',
    );
  });
});

describe('reminderLine after a partial renewal', () => {
  const certificate = {
    certificateNumber: '12345678-1234567',
    products: [
      { product: 'Backup Exec', version: '12.0', serialNumber: 'M0000000001' },
      { product: 'Backup Exec', version: '12.0', serialNumber: 'M0000000002' },
    ],
  };
  const due = { offset: 30, on: '2026-12-01' };

  it('names every serial while none is renewed', () => {
    expect(reminderLine(certificate, due, '2026-12-31', 'en').products).toBe(
      'Backup Exec 12.0 (M0000000001), Backup Exec 12.0 (M0000000002)',
    );
  });

  it('names only the serials no later certificate renewed', () => {
    const line = reminderLine({ ...certificate, renewedSerials: ['M0000000001'] }, due, '2026-12-31', 'en');
    expect(line.products).toBe('Backup Exec 12.0 (M0000000002)');
  });
});

describe('reminderDigestLines: each recipient hears of its own serials', () => {
  const certificate = {
    certificateNumber: '12345678-1234567',
    term: { end: '2026-12-31' },
    products: [
      { product: 'Backup Exec', version: '12.0', serialNumber: 'M0000000001' },
      { product: 'Endpoint Protection', version: '11.0', serialNumber: 'M0000000002' },
    ],
  };
  const due = { offset: 30, on: '2026-12-01' };
  const primary = {
    to: 'marie@acme.example',
    name: 'Marie',
    language: 'fr' as const,
    role: 'PRIMARY' as const,
    serialNumbers: ['M0000000001', 'M0000000002'],
  };
  const designated = {
    to: 'pierre@acme.example',
    name: 'Pierre',
    language: 'en' as const,
    role: 'DESIGNATED' as const,
    serialNumbers: ['M0000000002'],
  };
  const lines = (contacts: Array<Record<string, unknown>>, renewedSerials: string[] = []) =>
    Object.fromEntries(
      reminderDigestLines(
        { ...certificate, renewedSerials },
        due,
        contacts,
        '2026-12-01',
        'https://renew.example',
        new Date('2026-12-01T06:00:00Z'),
      ).map((l) => [l.recipient, l.line.products]),
    );

  it('names every serial to the primary contact, and only its own to a designated contact', () => {
    expect(lines([primary, designated])).toEqual({
      'marie@acme.example': 'Backup Exec 12.0 (M0000000001), Endpoint Protection 11.0 (M0000000002)',
      'pierre@acme.example': 'Endpoint Protection 11.0 (M0000000002)',
    });
  });

  it('leaves out a designated contact whose serials are all renewed; the primary still hears of the rest', () => {
    expect(lines([primary, designated], ['M0000000002'])).toEqual({
      'marie@acme.example': 'Backup Exec 12.0 (M0000000001)',
    });
  });

  it('gives an address holding both seats every serial, and a seat that does not say its role every serial', () => {
    expect(lines([{ ...designated, to: 'MARIE@acme.example' }, primary])).toEqual({
      'marie@acme.example': 'Backup Exec 12.0 (M0000000001), Endpoint Protection 11.0 (M0000000002)',
    });
    const { role: _, ...older } = designated;
    expect(lines([older])['pierre@acme.example']).toContain('M0000000001');
  });
});
