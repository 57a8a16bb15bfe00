/**
 * The renewal reminders of one index shard of a day, in two steps of renewal-reminders:
 *
 * `claimRenewalReminders` (once per shard, every shard side by side):
 * 1. read the certificates due (the sparse index, page by page);
 * 2. for each: the contacts of the certificate holding its roster → who is reminded, on which
 *    digest (core/reminders) → claim its ledger entry, move it to its next reminder and add
 *    its line to each recipient's digest, in one transaction; one nobody can be told of (no
 *    address, or every address suppressed by a bounce or complaint) is claimed UNREACHABLE,
 *    and not tried again. A line names only the serials no later
 *    certificate renewed; a certificate with every serial renewed leaves the index unclaimed.
 *    The claim is conditioned on the renewed serials as read, so a renewal committed between
 *    the read and the claim fails it: the certificate is read again and decided again.
 *
 * `deliverRenewalReminders` (once per shard, after every shard has claimed, so a digest
 * holds all of the day's certificates):
 * 1. read the day's claims not yet sent (this run's, and those of an attempt that crashed or
 *    was retried: a claim stays open until each of its digests has gone);
 * 2. place the lines an interrupted claim had not placed;
 * 3. start each digest's delivery under its own name (a second start is refused).
 * Digest ids never travel through the state machine, so a day's size has no state limit.
 */
import type { Deliveries } from '../adapters/deliveries.ts';
import type { DigestEntry, ReadCost, ReminderStore, RosterOnRecord } from '../adapters/reminders.ts';
import { recipientsOf, remindable } from '../core/recipients.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import {
  type DueReminder,
  offsetsFor,
  type ReminderOffsets,
  reminderAfter,
  reminderDigestLines,
  unrenewedProducts,
} from '../core/reminders.ts';
import type { UnsubscribeSigning } from '../core/unsubscribe.ts';
import { now } from '../shared/clock.ts';
import { logger } from '../shared/logger.ts';

/** A certificate renewed again and again while the run claims it: decided again this many times. */
const MAX_RENEWED_RETRIES = 5;

const sameSerials = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && [...a].sort().every((s, i) => s === [...b].sort()[i]);

export interface ReminderShard {
  day: string;
  shard: number;
  offsets: ReminderOffsets;
  renewUrl: string;
  /** Signs each recipient's unsubscribe link; without it, digests link to the unsigned page. */
  unsubscribe?: UnsubscribeSigning;
}

export interface RemindersClaimed extends ReadCost {
  day: string;
  shard: number;
  claimed: number;
  unreachable: number;
  skipped: number;
}

export interface RemindersDelivered extends ReadCost {
  day: string;
  shard: number;
  /** Claims of the day not yet sent when the step began (an earlier attempt's among them). */
  openClaims: number;
  /** Claims whose lines an interrupted attempt had not all placed. */
  finished: number;
  /** Digests handed to delivery (a start refused by name counts: it was started before). */
  digests: number;
}

/** A certificate's lines, one per recipient, each on the page that recipient's digest has reached. */
function digestEntries(
  store: ReminderStore,
  day: string,
  renewUrl: string,
  cost: ReadCost,
  unsubscribe?: UnsubscribeSigning,
) {
  const rosters = new Map<string, RosterOnRecord>();
  // A heavy recipient's next line starts on the page its last one reached.
  const pages = new Map<string, number>();
  /** Certificates whose every reachable contact opted out of renewal reminders. */
  const optedOut = new Set<string>();
  return {
    pages,
    optedOut,
    async of(certificate: RegisteredCertificate, due: DueReminder): Promise<DigestEntry[]> {
      const contacts = await store.contactsOf(certificate, rosters, cost);
      // Addresses that opted out, or that SES suppressed, get no line (core/recipients.ts).
      const told = remindable(contacts);
      // OPTED_OUT only when every contact who could be told asked; a suppressed one (not opted out) makes it UNREACHABLE.
      const reachable = contacts.filter((c) => c.to && c.name);
      if (
        recipientsOf(told).length === 0 &&
        reachable.length > 0 &&
        reachable.every((c) => c.remindersOptedOut)
      )
        optedOut.add(certificate.certificateNumber);
      return reminderDigestLines(certificate, due, told, day, renewUrl, now(), unsubscribe).map((line) => ({
        ...line,
        page: pages.get(line.recipient) ?? 1,
      }));
    },
  };
}

export async function claimRenewalReminders(
  store: ReminderStore,
  { day, shard, offsets, renewUrl, unsubscribe }: ReminderShard,
): Promise<RemindersClaimed> {
  const result: RemindersClaimed = {
    day,
    shard,
    claimed: 0,
    unreachable: 0,
    skipped: 0,
    readUnits: 0,
    itemsRead: 0,
  };
  const entries = digestEntries(store, day, renewUrl, result, unsubscribe);
  /** Claims a certificate's reminder; decided again when a renewal moved it meanwhile. */
  const claimOne = async (read: RegisteredCertificate, due: DueReminder) => {
    let certificate = read;
    for (let attempt = 0; ; attempt++) {
      // Every serial renewed: nothing left to remind of; it leaves the index.
      if (unrenewedProducts(certificate).length === 0) {
        await store.retire(certificate, due);
        return { claimed: false as const, lines: [] };
      }
      const lines = await entries.of(certificate, due);
      const next = reminderAfter(certificate.term.end, offsetsFor(certificate.tier, offsets), day);
      const nobody = entries.optedOut.has(certificate.certificateNumber) ? 'OPTED_OUT' : 'UNREACHABLE';
      const outcome = await store.claim(certificate, due, next, lines, now().toISOString(), nobody);
      for (const e of lines) entries.pages.set(e.recipient, e.page);
      if (outcome.claimed || outcome.reason !== 'NOT_DUE' || attempt >= MAX_RENEWED_RETRIES)
        return { ...outcome, lines };
      // The index read may be stale, or a renewal committed since: read it as it now is.
      const fresh = await store.registrations.getCertificate(certificate.certificateNumber);
      result.itemsRead++;
      const stillDue = fresh?.nextReminder?.on === due.on && fresh.nextReminder.offset === due.offset;
      if (!fresh || !stillDue || sameSerials(fresh.renewedSerials, certificate.renewedSerials))
        return { ...outcome, lines };
      certificate = fresh;
    }
  };
  for await (const page of store.dueOn(day, shard, result)) {
    for (const certificate of page) {
      const due = certificate.nextReminder;
      if (!due || due.on !== day) continue;
      const { lines, ...outcome } = await claimOne(certificate, due);
      if (!outcome.claimed) {
        result.skipped++;
        continue;
      }
      if (lines.length === 0) {
        // Recorded in the ledger as UNREACHABLE (or OPTED_OUT: every contact asked), and not tried again.
        if (entries.optedOut.has(certificate.certificateNumber))
          logger.info('renewal reminder not sent: every contact opted out', {
            certificate: certificate.certificateNumber,
          });
        else
          logger.warn('renewal reminder has no reachable contact (none on record, or bounced/complained)', {
            certificate: certificate.certificateNumber,
          });
        result.unreachable++;
        continue;
      }
      result.claimed++;
    }
  }
  return result;
}

export async function deliverRenewalReminders(
  store: ReminderStore,
  deliveries: Deliveries,
  { day, shard, renewUrl, unsubscribe }: Omit<ReminderShard, 'offsets'>,
): Promise<RemindersDelivered> {
  const result: RemindersDelivered = {
    day,
    shard,
    openClaims: 0,
    finished: 0,
    digests: 0,
    readUnits: 0,
    itemsRead: 0,
  };
  const entries = digestEntries(store, day, renewUrl, result, unsubscribe);
  const digests = new Set<string>();
  for await (const page of store.openClaims(day, shard, result)) {
    for (const open of page) {
      result.openClaims++;
      let ids = open.pendingDigests;
      if (open.unplaced > 0) {
        const certificate = await store.registrations.getCertificate(open.certificateNumber);
        result.itemsRead++;
        if (certificate) {
          ids = await store.finishClaim(
            open,
            await entries.of(certificate, { offset: open.offset, on: open.day }),
          );
          result.finished++;
        }
      }
      for (const id of ids) digests.add(id);
    }
  }
  await deliveries.start([...digests].sort());
  result.digests = digests.size;
  return result;
}
