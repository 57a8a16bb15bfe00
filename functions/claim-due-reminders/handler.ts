/**
 * Task of renewal-reminders, once per shard of the day: read what is due (the sparse
 * index, page by page) → for each certificate, find its recipients → claim its ledger
 * entry, move it to its next reminder and add its line to each recipient's digest, in
 * one transaction. Before that, read the day's claims still open (made by an attempt
 * that crashed or is being retried) and finish them. Answer which digests are owed.
 * A re-run claims nothing twice and still delivers what earlier attempts claimed.
 */

import type { ContactRecord } from '../adapters/registrations.ts';
import { type DigestEntry, type ReadCost, ReminderStore } from '../adapters/reminders.ts';
import type { RegisteredCertificate, Roster } from '../core/registration.ts';
import {
  type DueReminder,
  offsetsFor,
  type ReminderOffsets,
  type ReminderRecipient,
  reminderAfter,
  reminderDigestId,
  reminderDigestNotice,
  reminderLine,
} from '../core/reminders.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { optionalEnv, requireEnv } from '../shared/env.ts';
import { logger } from '../shared/logger.ts';

export interface ClaimDueRemindersInput {
  /** The run's scheduled time (`<aws.scheduler.scheduled-time>`) or day: its UTC date is the day. */
  at: string;
  shard: number;
}

export interface ClaimDueRemindersOutput extends ReadCost {
  day: string;
  shard: number;
  claimed: number;
  unreachable: number;
  skipped: number;
  /** Claims an earlier attempt of the day made and did not see delivered: their digests go now. */
  resumed: number;
  digests: string[];
}

export function makeClaimDueReminders(store: ReminderStore, offsets: ReminderOffsets = {}, renewUrl = '') {
  return async (input: ClaimDueRemindersInput): Promise<ClaimDueRemindersOutput> => {
    const day = input.at.slice(0, 10);
    const result: ClaimDueRemindersOutput = {
      day,
      shard: input.shard,
      claimed: 0,
      unreachable: 0,
      skipped: 0,
      resumed: 0,
      digests: [],
      readUnits: 0,
      itemsRead: 0,
    };
    const digests = new Set<string>();
    const rosters = new Map<string, Roster>();
    // The page each recipient's digest has reached in this attempt: a heavy recipient's next line starts there.
    const pages = new Map<string, number>();
    const entriesFor = async (certificate: RegisteredCertificate, due: DueReminder): Promise<DigestEntry[]> =>
      (await recipientsOf(store, certificate, rosters, result)).map((r) => ({
        recipient: r.to.toLowerCase(),
        page: pages.get(r.to.toLowerCase()) ?? 1,
        digestId: (page) => reminderDigestId(day, r.to, page),
        notice: (page) => reminderDigestNotice(reminderDigestId(day, r.to, page), r, day, renewUrl, now()),
        line: reminderLine(certificate, due, certificate.term.end, r.language),
      }));

    // First what an earlier attempt claimed and did not see sent (it crashed, or this is a
    // retry): read before this attempt claims anything, so only earlier claims are found.
    for await (const page of store.openClaims(day, input.shard, result)) {
      for (const open of page) {
        result.resumed++;
        let ids = open.pendingDigests;
        if (open.unplaced > 0) {
          const certificate = await store.registrations.getCertificate(open.certificateNumber);
          result.itemsRead++;
          if (certificate)
            ids = await store.finishClaim(
              open,
              await entriesFor(certificate, { offset: open.offset, on: open.day }),
            );
        }
        for (const id of ids) digests.add(id);
      }
    }
    for await (const page of store.dueOn(day, input.shard, result)) {
      for (const certificate of page) {
        const due = certificate.nextReminder;
        if (!due || due.on !== day) continue;
        const entries = await entriesFor(certificate, due);
        const next = reminderAfter(certificate.term.end, offsetsFor(certificate.tier, offsets), day);
        const outcome = await store.claim(certificate, due, next, entries, now().toISOString());
        for (const e of entries) pages.set(e.recipient, e.page);
        if (!outcome.claimed) {
          result.skipped++;
          continue;
        }
        if (entries.length === 0) {
          // Recorded in the ledger as UNREACHABLE, and not tried again.
          logger.warn('renewal reminder has no reachable contact', {
            certificate: certificate.certificateNumber,
          });
          result.unreachable++;
          continue;
        }
        result.claimed++;
        for (const id of outcome.digestIds) digests.add(id);
      }
    }

    result.digests = [...digests].sort();
    logger.info('renewal reminders claimed', { ...result, digests: result.digests.length });
    return result;
  };
}

/** The active contacts of the certificate that holds the roster (the original of a renewal). */
async function recipientsOf(
  store: ReminderStore,
  certificate: RegisteredCertificate,
  rosters: Map<string, Roster>,
  cost: ReadCost,
): Promise<ReminderRecipient[]> {
  let roster =
    certificate.contactsCertificate === certificate.certificateNumber ? certificate.roster : undefined;
  roster ??= rosters.get(certificate.contactsCertificate);
  if (!roster) {
    roster = (await store.registrations.getCertificate(certificate.contactsCertificate))?.roster ?? {};
    cost.itemsRead++;
    rosters.set(certificate.contactsCertificate, roster);
  }
  const entries = Object.entries(roster ?? {});
  // Rosters written before they carried names and languages: read those contacts.
  const missing = entries.filter(([, e]) => !e.to || !e.name || !e.language).map(([id]) => id);
  const contacts = new Map<string, ContactRecord>(
    missing.length ? (await store.registrations.getContacts(missing)).map((c) => [c.contactId, c]) : [],
  );
  cost.itemsRead += missing.length;
  const seen = new Set<string>();
  return entries.flatMap(([id, e]) => {
    const c = contacts.get(id);
    const to = e.to ?? c?.email;
    const name = e.name ?? c?.name;
    const language = e.language ?? c?.language ?? 'en';
    if (!to || !name || seen.has(to.toLowerCase())) return [];
    seen.add(to.toLowerCase());
    return [{ to, name, language }];
  });
}

const configuredOffsets = optionalEnv('REMINDER_OFFSETS');
export const handler = makeClaimDueReminders(
  new ReminderStore(documentClient, requireEnv('TABLE_NAME')),
  configuredOffsets ? (JSON.parse(configuredOffsets) as ReminderOffsets) : {},
  optionalEnv('RENEWAL_URL') ?? 'https://licensing.vendor.example/renew',
);
