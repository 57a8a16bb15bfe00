import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  majorOf,
  parseVersion,
  VersionString,
  versionSortKey,
} from '../../functions/core/versions.ts';

describe('parseVersion', () => {
  it.each([
    ['12.0', { major: 12, minor: 0, patch: 0, maintenancePack: 0 }],
    ['12.5', { major: 12, minor: 5, patch: 0, maintenancePack: 0 }],
    ['12.0 MP 1', { major: 12, minor: 0, patch: 0, maintenancePack: 1 }],
    ['12.0.1', { major: 12, minor: 0, patch: 1, maintenancePack: 0 }],
    ['2.1 MP 2', { major: 2, minor: 1, patch: 0, maintenancePack: 2 }],
    ['1.0 MP 1', { major: 1, minor: 0, patch: 0, maintenancePack: 1 }],
    ['10.0', { major: 10, minor: 0, patch: 0, maintenancePack: 0 }],
    ['12.0.1 MP 3', { major: 12, minor: 0, patch: 1, maintenancePack: 3 }],
  ])('%s → %o', (value, parsed) => {
    expect(parseVersion(value)).toEqual(parsed);
    expect(VersionString.safeParse(value).success).toBe(true);
  });

  it.each([
    'twelve',
    'v12.0',
    '12.',
    '.5',
    '12.0MP1',
    '12.0 mp 1',
    '12.0 MP',
    '12.0 MP 1 ',
    ' 12.0',
    '12.0.1.2',
    '12345.0',
    '12.-1',
    '',
  ])('refuses %j', (value) => {
    expect(parseVersion(value)).toBeNull();
    const result = VersionString.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('a version is like 12.0, 12.5, 12.0.1 or 12.0 MP 1');
    expect(() => versionSortKey(value)).toThrow(/not a version/);
    expect(() => majorOf(value)).toThrow(/not a version/);
  });
});

describe('versionSortKey', () => {
  it.each([
    ['12.0', '0012.0000.0000.000'],
    ['12.5', '0012.0005.0000.000'],
    ['12.0 MP 1', '0012.0000.0000.001'],
    ['12.0.1', '0012.0000.0001.000'],
    ['2.1 MP 2', '0002.0001.0000.002'],
    ['9.0', '0009.0000.0000.000'],
    ['10.0', '0010.0000.0000.000'],
  ])('%s → %s', (value, key) => {
    expect(versionSortKey(value)).toBe(key);
  });

  it('sorts, as a string, in version order', () => {
    const versions = [
      '10.0',
      '2.1 MP 2',
      '12.5',
      '9.0',
      '12.0 MP 1',
      '12.0',
      '12.0.1',
      '2.1',
      '12.10',
      '1.0 MP 1',
    ];
    const byKey = [...versions].sort((a, b) => (versionSortKey(a) < versionSortKey(b) ? -1 : 1));
    expect(byKey).toEqual([
      '1.0 MP 1',
      '2.1',
      '2.1 MP 2',
      '9.0',
      '10.0',
      '12.0',
      '12.0 MP 1',
      '12.0.1',
      '12.5',
      '12.10',
    ]);
    expect([...versions].sort(compareVersions)).toEqual(byKey);
  });
});

describe('compareVersions', () => {
  it.each([
    ['9.0', '10.0', -1],
    ['10.0', '9.0', 1],
    ['2.1 MP 2', '10.0', -1],
    ['12.0', '12.5', -1],
    ['12.5', '12.10', -1],
    ['12.0', '12.0 MP 1', -1],
    ['12.0 MP 1', '12.0 MP 2', -1],
    ['12.0 MP 9', '12.0 MP 10', -1],
    ['12.0 MP 1', '12.0.1', -1],
    ['12.0.1', '12.5', -1],
    ['12.0', '12.0', 0],
    ['12.0', '12.0.0', 0],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });
});

describe('majorOf', () => {
  it.each([
    ['12.0', 12],
    ['12.5 MP 3', 12],
    ['2.1 MP 2', 2],
    ['10.0.4', 10],
  ])('%s → %i', (value, major) => {
    expect(majorOf(value)).toBe(major);
  });
});
