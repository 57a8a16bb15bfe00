/**
 * Task of the GA run's Distributed Map: one page of the product's serials on earlier
 * versions. Decides each by the GA-date rule, records the decision once (a re-run
 * records nothing again), and adds each entitled serial to its contacts' upgrade notice,
 * so a contact gets one email per release listing all their entitled serials.
 */
import { type PageStart, type ReadCost, ReleaseStore } from '../adapters/releases.ts';
import type { Notice } from '../core/notices.ts';
import { decideUpgrade, type UpgradeLinks, upgradeNotice } from '../core/upgrades.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { optionalEnv, requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';
import { pool } from '../shared/pool.ts';

export interface DecidePageInput {
  product: string;
  version: string;
  versionKey: string;
  gaDate: string;
  runKey: string;
  at: string;
  start: PageStart;
}

export function makeDecideUpgrades(store: ReleaseStore, links: UpgradeLinks, pageSize: number) {
  return async (input: DecidePageInput) => {
    const cost: ReadCost = { readUnits: 0, itemsRead: 0 };
    const serials = await store.page(input.product, input.versionKey, input.start, pageSize, cost);
    const decisions = serials.map((serial) => ({ serial, decision: decideUpgrade(serial, input, input.at) }));

    let recorded = 0;
    await pool(decisions, 16, async ({ decision }) => {
      if (await store.recordDecision(decision, input.versionKey)) recorded++;
    });

    // Entitled serials, gathered per contact (by address) from their certificates' rosters.
    const entitled = decisions.filter((d) => d.decision.entitled).map((d) => d.serial);
    const rosters = await store.rosters(
      entitled.map((s) => s.contactsCertificate),
      cost,
    );
    const owed = new Map<string, { notice: Notice; lines: string[] }>();
    for (const serial of entitled) {
      const roster = rosters.get(serial.contactsCertificate)?.roster ?? {};
      for (const entry of Object.values(roster)) {
        if (!entry.serialNumbers.includes(serial.serialNumber)) continue;
        if (!entry.to || !entry.name) {
          logger.warn('roster entry without an address: not told', { serial: serial.serialNumber });
          continue;
        }
        const key = entry.to.toLowerCase();
        const notice =
          owed.get(key)?.notice ??
          upgradeNotice(
            input,
            { to: entry.to, name: entry.name, language: entry.language ?? 'en' },
            links,
            input.at,
          );
        const lines = owed.get(key)?.lines ?? [];
        lines.push(JSON.stringify({ serialNumber: serial.serialNumber, version: serial.version }));
        owed.set(key, { notice, lines });
      }
    }
    await pool([...owed.values()], 16, ({ notice, lines }) =>
      store.owe(notice, lines, input.gaDate, input.runKey),
    );
    return {
      decided: decisions.length,
      recorded,
      entitled: entitled.length,
      notices: owed.size,
      readUnits: cost.readUnits,
      itemsRead: cost.itemsRead,
    };
  };
}

export const handler = makeDecideUpgrades(
  new ReleaseStore(documentClient, requireEnv('TABLE_NAME')),
  {
    licensingPortalUrl: optionalEnv('LICENSING_PORTAL_URL') ?? 'https://licensing.vendor.example',
    downloadsUrl: optionalEnv('DOWNLOADS_URL') ?? 'https://downloads.vendor.example',
  },
  Number(optionalEnv('UPGRADE_PAGE_SIZE') ?? 1000),
);
