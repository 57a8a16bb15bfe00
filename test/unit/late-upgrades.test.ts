import { describe, expect, it } from 'vitest';
import type { Roster } from '../../functions/core/registration.ts';
import {
  lateUpgradesOwed,
  type Release,
  type UpgradeLinks,
  upgradeNoticeId,
  upgradeNoticesOwed,
} from '../../functions/core/upgrades.ts';
import { versionSortKey } from '../../functions/core/versions.ts';

const TODAY = '2027-06-20';
const release = (version: string, gaDate: string, status: Release['status'], product = 'Backup Exec') => ({
  product,
  version,
  versionKey: versionSortKey(version),
  gaDate,
  status,
});
const serial = (version: string, product = 'Backup Exec') => ({
  serialNumber: `M-${version}`,
  product,
  version,
});

describe('lateUpgradesOwed', () => {
  it('pairs each serial with the later releases of its product whose GA date has come', () => {
    const decided = release('12.5', '2027-06-15', 'DECIDED');
    const running = release('13.0', TODAY, 'SCHEDULED');
    const future = release('14.0', '2027-06-21', 'SCHEDULED');
    const other = release('20.0', '2027-01-01', 'DECIDED', 'Other Product');
    const owed = lateUpgradesOwed(
      [serial('12.0'), serial('12.0 MP 1'), serial('12.5'), serial('13.1')],
      [decided, running, future, other],
      TODAY,
    );
    expect(owed.map((o) => [o.serial.version, o.release.version, o.phase])).toEqual([
      ['12.0', '12.5', 'DECIDED'],
      ['12.0', '13.0', 'RUNNING'],
      ['12.0 MP 1', '12.5', 'DECIDED'],
      ['12.0 MP 1', '13.0', 'RUNNING'],
      // On 12.5 already: only the later 13.0; on 13.1, nothing to upgrade to.
      ['12.5', '13.0', 'RUNNING'],
    ]);
  });

  it('owes nothing before the GA date: the GA run will decide the serial', () => {
    expect(lateUpgradesOwed([serial('12.0')], [release('12.5', '2027-06-21', 'SCHEDULED')], TODAY)).toEqual(
      [],
    );
    expect(lateUpgradesOwed([serial('12.0')], [], TODAY)).toEqual([]);
  });

  it('owes a decided release whatever its GA date (decided early, a past GA announced late)', () => {
    const owed = lateUpgradesOwed([serial('12.0')], [release('12.5', '2027-05-01', 'DECIDED')], TODAY);
    expect(owed).toHaveLength(1);
    expect(owed[0]!.phase).toBe('DECIDED');
  });
});

describe('upgradeNoticesOwed', () => {
  const links: UpgradeLinks = {
    licensingPortalUrl: 'https://licensing.example',
    downloadsUrl: 'https://downloads.example',
  };
  const r = { product: 'Backup Exec', version: '12.5', gaDate: '2027-06-15' };
  const AT = '2027-06-20T10:00:00.000Z';
  const roster: Roster = {
    '1111111111': {
      role: 'PRIMARY',
      serialNumbers: ['M1', 'M2'],
      email: 'marie@acme.example',
      to: 'Marie@acme.example',
      name: 'Marie Curie',
      language: 'fr',
    },
    '2222222222': {
      role: 'DESIGNATED',
      serialNumbers: ['M1'],
      email: 'pierre@acme.example',
      to: 'pierre@acme.example',
      name: 'Pierre Curie',
    },
    // The same person twice (by address): told once.
    '3333333333': {
      role: 'DESIGNATED',
      serialNumbers: ['M1'],
      email: 'marie@acme.example',
      to: 'marie@acme.example',
      name: 'Marie Curie',
    },
    // Not a contact of M1.
    '4444444444': {
      role: 'DESIGNATED',
      serialNumbers: ['M2'],
      email: 'eve@acme.example',
      to: 'eve@acme.example',
      name: 'Eve',
    },
    // An older roster entry without an address cannot be told.
    '5555555555': { role: 'DESIGNATED', serialNumbers: ['M1'], email: 'old@acme.example' },
  };
  const decision = { serialNumber: 'M1', fromVersion: '12.0', entitled: true };

  it('owes the GA run notice (same id) to each address among the serial contacts, with the serial as a line', () => {
    const owed = upgradeNoticesOwed(decision, roster, r, links, AT);
    expect(owed.map((o) => o.notice.id)).toEqual([
      upgradeNoticeId(r, 'marie@acme.example'),
      upgradeNoticeId(r, 'pierre@acme.example'),
    ]);
    expect(owed[0]!.notice).toMatchObject({
      kind: 'UPGRADE',
      template: 'UpgradeAvailable',
      to: 'Marie@acme.example',
      language: 'fr',
      status: 'PENDING',
      createdAt: AT,
      data: { product: 'Backup Exec', version: '12.5', gaDate: '2027-06-15', listName: 'serials' },
    });
    expect(owed[1]!.notice.language).toBe('en');
    // The GA run's line format, so a serial it listed is not listed twice.
    for (const o of owed) expect(o.line).toBe(JSON.stringify({ serialNumber: 'M1', version: '12.0' }));
  });

  it('owes nothing for a serial that is not entitled', () => {
    expect(upgradeNoticesOwed({ ...decision, entitled: false }, roster, r, links, AT)).toEqual([]);
  });
});
