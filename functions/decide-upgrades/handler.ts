/**
 * Task of the GA run's Distributed Map: one page of the product's serials on earlier
 * versions. Decides each by the GA-date rule, records the decision once (a re-run
 * records nothing again), and adds each entitled serial to its contacts' upgrade notice,
 * so a contact gets one email per release listing all their entitled serials.
 */
import { type PageStart, type ReadCost, ReleaseStore } from '../adapters/releases.ts';
import type { Notice } from '../core/notices.ts';
import { announcementDay, decideUpgrade, type UpgradeLinks, upgradeNoticesOwed } from '../core/upgrades.ts';
import type { GaRun } from '../plan-upgrade-run/handler.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logged } from '../shared/logger.ts';
import { pool } from '../shared/pool.ts';

export interface DecidePageInput extends GaRun {
  start: PageStart;
}

export function makeDecideUpgrades(store: ReleaseStore, links: UpgradeLinks, pageSize: number) {
  return async (input: DecidePageInput) => {
    const cost: ReadCost = { readUnits: 0, itemsRead: 0 };
    const [serials, release] = await Promise.all([
      store.page(input.product, input.versionKey, input.start, pageSize, cost),
      // The rule's reference is the day the release was first announced: on the release, not in the run's input.
      store.get(input.product, input.versionKey),
    ]);
    const announced = {
      ...input,
      announcedOn: release ? (announcementDay(release) ?? undefined) : undefined,
    };
    const decisions = serials.map((serial) => ({
      serial,
      decision: decideUpgrade(serial, announced, input.at),
    }));

    let recorded = 0;
    await pool(decisions, 16, async ({ decision }) => {
      if (await store.recordDecision(decision, input.versionKey)) recorded++;
    });

    // Each entitled serial onto its contacts' notice (core/upgrades: one per address and release).
    const entitled = decisions.filter((d) => d.decision.entitled);
    const rosters = await store.rosters(
      entitled.map((d) => d.serial.contactsCertificate),
      cost,
    );
    const owed = new Map<string, { notice: Notice; lines: string[] }>();
    for (const { serial, decision } of entitled) {
      const roster = rosters.get(serial.contactsCertificate)?.roster ?? {};
      for (const { notice, line } of upgradeNoticesOwed(decision, roster, input, links, input.at)) {
        if (!owed.has(notice.id)) owed.set(notice.id, { notice, lines: [] });
        owed.get(notice.id)!.lines.push(line);
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

export const handler = logged(
  makeDecideUpgrades(
    new ReleaseStore(documentClient, config.table().tableName),
    config.links(),
    config.upgrades().pageSize,
  ),
  (input) => `${input.runKey}@${input.gaDate}`,
);
