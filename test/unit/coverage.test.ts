import { describe, expect, it } from 'vitest';
import {
  type CoverageTerm,
  isActiveOn,
  summarizeCoverage,
  termInForce,
} from '../../functions/core/coverage.ts';
import type { Tier } from '../../functions/core/identifiers.ts';

const term = (
  start: string,
  end: string,
  certificateNumber: string,
  tier: Tier = 'ESSENTIAL',
): CoverageTerm => ({
  start,
  end,
  tier,
  certificateNumber,
});

describe('isActiveOn', () => {
  const t = term('2026-01-01', '2026-12-31', 'A');
  it.each([
    ['2025-12-31', false],
    ['2026-01-01', true],
    ['2026-06-15', true],
    ['2026-12-31', true],
    ['2027-01-01', false],
  ])('on %s → %s (start and end days inclusive)', (day, active) => {
    expect(isActiveOn(t, day)).toBe(active);
  });

  it('is active on its only day for a one-day term', () => {
    expect(isActiveOn(term('2026-03-01', '2026-03-01', 'A'), '2026-03-01')).toBe(true);
  });
});

describe('termInForce', () => {
  const first = term('2025-01-01', '2025-12-31', 'FIRST', 'BASIC');
  const second = term('2027-01-01', '2027-12-31', 'SECOND');
  const overlapping = term('2025-10-01', '2026-09-30', 'OVERLAP', 'BCS_GLOBAL');

  it.each([
    ['before any term', [first, second], '2024-12-31', null],
    ['on the first day', [first, second], '2025-01-01', 'FIRST'],
    ['on the last day of the first term', [first, second], '2025-12-31', 'FIRST'],
    ['in the gap between terms', [first, second], '2026-06-01', null],
    ['in the second term', [first, second], '2027-01-01', 'SECOND'],
    ['after every term', [first, second], '2028-01-01', null],
    ['in an overlap: the term ending last', [first, overlapping], '2025-11-15', 'OVERLAP'],
    ['in an overlap, whatever the order', [overlapping, first], '2025-11-15', 'OVERLAP'],
    ['after the overlap', [first, overlapping], '2026-03-01', 'OVERLAP'],
    ['before the overlap', [first, overlapping], '2025-09-30', 'FIRST'],
    ['no terms', [], '2026-01-01', null],
  ])('%s', (_name, terms, day, certificate) => {
    expect(termInForce(terms, day)?.certificateNumber ?? null).toBe(certificate);
  });

  it('does not reorder the caller’s terms', () => {
    const terms = [first, overlapping];
    termInForce(terms, '2025-11-15');
    expect(terms).toEqual([first, overlapping]);
  });
});

describe('summarizeCoverage', () => {
  it('is null without terms', () => {
    expect(summarizeCoverage([], '2026-01-01')).toBeNull();
  });

  it('reads contiguous renewals as one unbroken, active run', () => {
    const terms = [
      term('2026-01-01', '2026-12-31', 'B'),
      term('2025-01-01', '2025-12-31', 'A', 'BASIC'),
      term('2027-01-01', '2027-12-31', 'C'),
    ];
    expect(summarizeCoverage(terms, '2026-06-01')).toEqual({
      start: '2025-01-01',
      end: '2027-12-31',
      active: true,
      tier: 'ESSENTIAL',
      certificateNumber: 'B',
    });
  });

  it('names the term in force for tier and certificate', () => {
    const terms = [term('2025-01-01', '2025-12-31', 'A', 'BASIC'), term('2026-01-01', '2026-12-31', 'B')];
    expect(summarizeCoverage(terms, '2025-12-31')).toMatchObject({
      start: '2025-01-01',
      end: '2026-12-31',
      active: true,
      tier: 'BASIC',
      certificateNumber: 'A',
    });
  });

  it('merges overlapping terms', () => {
    const terms = [term('2025-01-01', '2025-12-31', 'A'), term('2025-10-01', '2026-09-30', 'B')];
    expect(summarizeCoverage(terms, '2025-03-01')).toMatchObject({
      start: '2025-01-01',
      end: '2026-09-30',
      active: true,
    });
  });

  it('merges across a leap day', () => {
    const terms = [term('2027-03-01', '2028-02-28', 'A'), term('2028-02-29', '2029-02-28', 'B')];
    expect(summarizeCoverage(terms, '2028-02-29')).toMatchObject({
      start: '2027-03-01',
      end: '2029-02-28',
      active: true,
      certificateNumber: 'B',
    });
  });

  it('shows a lapse: a one-day gap breaks the run', () => {
    const terms = [term('2025-01-01', '2025-12-30', 'A', 'BASIC'), term('2026-01-01', '2026-12-31', 'B')];
    expect(summarizeCoverage(terms, '2025-12-31')).toEqual({
      start: '2026-01-01',
      end: '2026-12-31',
      active: false,
      tier: 'ESSENTIAL',
      certificateNumber: 'B',
    });
    expect(summarizeCoverage(terms, '2025-06-01')).toMatchObject({
      start: '2025-01-01',
      end: '2025-12-30',
      active: true,
      certificateNumber: 'A',
    });
  });

  it('shows a lapsed contract after its last term', () => {
    const terms = [term('2025-01-01', '2025-12-31', 'A'), term('2026-01-01', '2026-12-31', 'B')];
    expect(summarizeCoverage(terms, '2027-01-01')).toEqual({
      start: '2025-01-01',
      end: '2026-12-31',
      active: false,
      tier: 'ESSENTIAL',
      certificateNumber: 'B',
    });
  });

  it('shows a term not yet started as inactive', () => {
    expect(summarizeCoverage([term('2027-01-01', '2027-12-31', 'A')], '2026-12-31')).toMatchObject({
      start: '2027-01-01',
      end: '2027-12-31',
      active: false,
    });
  });

  it('does not merge a run across a gap when the current term is the later one', () => {
    const terms = [
      term('2023-01-01', '2023-12-31', 'A'),
      term('2024-01-01', '2024-12-31', 'B'),
      term('2026-01-01', '2026-12-31', 'C'),
      term('2027-01-01', '2027-12-31', 'D'),
    ];
    expect(summarizeCoverage(terms, '2026-05-01')).toMatchObject({
      start: '2026-01-01',
      end: '2027-12-31',
      active: true,
      certificateNumber: 'C',
    });
    expect(summarizeCoverage(terms, '2024-05-01')).toMatchObject({
      start: '2023-01-01',
      end: '2024-12-31',
      active: true,
      certificateNumber: 'B',
    });
  });
});
