/**
 * Renewal reminders in the table: what is due on a day (the sparse DueByDate index,
 * never a Scan), the ledger that makes each (certificate, term end, offset) go once,
 * and the per-recipient digest notices that the deliver-notice workflow sends.
 *
 * Nothing claimed may be lost: a claimed ledger entry stays in the day's index (kind
 * CLAIMED) until every digest carrying it has been sent, so the run's delivery step finds
 * the digests an earlier, crashed attempt claimed and delivers them.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type ContactOnRecord, optOutKey, suppressionKey } from '../core/recipients.ts';
import type { RegisteredCertificate, Roster } from '../core/registration.ts';
import {
  DIGEST_PAGE_BYTES,
  type DueReminder,
  lineBytes,
  type ReminderDigestLine,
} from '../core/reminders.ts';
import { backoff } from '../shared/backoff.ts';
import { suppressedAddressesOf } from './addresses.ts';
import type { ReadCost } from './batch-get.ts';
import { dueInShard } from './due-index.ts';
import { cancellationCodes, type TransactItem, written } from './items.ts';
import { remindersOptOutOf } from './opt-outs.ts';
import { RegistrationStore, renewedSerialsAre } from './registrations.ts';
import { keys } from './table-design.ts';

/** DynamoDB allows 100 actions in a transaction; the ledger and the certificate take two. */
const MAX_DIGESTS_PER_TRANSACTION = 98;
/** Pages a recipient's digest may take in one day before we call it a fault. */
const MAX_PAGES = 1000;

export type { ReadCost };

/** A roster as a run reads it once per holder, with its opt-outs and suppressed addresses beside it. */
export interface RosterOnRecord {
  roster: Roster;
  optedOut: ReadonlySet<string>;
  /** Suppression keys of addresses SES reported hard-bounced or complaining (adapters/addresses.ts). */
  suppressed: ReadonlySet<string>;
}

/** One recipient's line for a certificate, on a page of that recipient's digest. */
export interface DigestEntry extends ReminderDigestLine {
  /** The page it goes on: moved on when a page is full or sent. */
  page: number;
}

export type ClaimOutcome = { claimed: true } | { claimed: false; reason: 'ALREADY_CLAIMED' | 'NOT_DUE' };

/** A claimed ledger entry whose digests have not all gone: what a re-run must still deliver. */
export interface OpenClaim {
  certificateNumber: string;
  termEnd: string;
  offset: number;
  day: string;
  pendingDigests: string[];
  /** Recipients whose line was not yet placed when the claiming attempt stopped. */
  unplaced: number;
}

/** A transaction cancelled for a reason other than our conditions: retried by the caller or its workflow. */
export class ReminderClaimInterrupted extends Error {
  override readonly name = 'ReminderClaimInterrupted';
}

export class ReminderStore {
  readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  /**
   * The contacts of the certificate holding a certificate's roster (itself, or the original
   * of a renewal), as the roster knows them; entries of rosters written before they carried
   * names and languages are completed from the contact records. `rosters` keeps a run's reads.
   * Each contact says whether its address opted out of renewal reminders, or was suppressed
   * by SES feedback (both on the same item).
   */
  async contactsOf(
    certificate: RegisteredCertificate,
    rosters: Map<string, RosterOnRecord>,
    cost: ReadCost,
  ): Promise<ContactOnRecord[]> {
    const holder = certificate.contactsCertificate;
    let held: RosterOnRecord | undefined =
      holder === certificate.certificateNumber && certificate.roster
        ? {
            roster: certificate.roster,
            optedOut: remindersOptOutOf(certificate),
            suppressed: suppressedAddressesOf(certificate),
          }
        : rosters.get(holder);
    if (!held) {
      const read = await this.registrations.getCertificate(holder);
      held = {
        roster: read?.roster ?? {},
        optedOut: remindersOptOutOf(read),
        suppressed: suppressedAddressesOf(read),
      };
      cost.itemsRead++;
      rosters.set(holder, held);
    }
    const { roster, optedOut, suppressed } = held;
    const entries = Object.entries(roster);
    const missing = entries.filter(([, e]) => !e.to || !e.name || !e.language).map(([id]) => id);
    const records = new Map(
      missing.length ? (await this.registrations.getContacts(missing)).map((c) => [c.contactId, c]) : [],
    );
    cost.itemsRead += missing.length;
    return entries.map(([id, e]) => {
      const to = e.to ?? records.get(id)?.email;
      return {
        to,
        name: e.name ?? records.get(id)?.name,
        language: e.language ?? records.get(id)?.language,
        role: e.role,
        serialNumbers: e.serialNumbers,
        ...(to && optedOut.has(optOutKey(to)) ? { remindersOptedOut: true } : {}),
        ...(to && suppressed.has(suppressionKey(to)) ? { suppressed: true } : {}),
      };
    });
  }

  /** Certificates whose next reminder falls on `day`, in one shard of the index, page by page. */
  async *dueOn(day: string, shard: number, cost: ReadCost): AsyncGenerator<RegisteredCertificate[]> {
    for await (const page of dueInShard(this.db, this.tableName, { day, shard, kind: 'REMINDER' }, cost))
      yield page.map((item) => {
        // The index projects the item as stored: its renewed serials are a set.
        const { renewedSerials, ...rest } = item;
        return {
          ...rest,
          ...(renewedSerials instanceof Set ? { renewedSerials: [...renewedSerials].sort() } : {}),
        } as unknown as RegisteredCertificate;
      });
  }

  /**
   * Takes a certificate whose every serial a later certificate renewed out of the due-date
   * index: on its renewed serials and its next reminder as read, so nothing newer is undone.
   */
  async retire(certificate: RegisteredCertificate, due: DueReminder): Promise<boolean> {
    const same = renewedSerialsAre(certificate.renewedSerials ?? []);
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.certificate(certificate.certificateNumber),
          UpdateExpression: 'SET nextReminder = :none REMOVE GSI2PK, GSI2SK',
          ConditionExpression: `nextReminder.#offset = :offset AND nextReminder.#on = :on AND ${same.condition}`,
          ExpressionAttributeNames: { '#offset': 'offset', '#on': 'on' },
          ExpressionAttributeValues: { ':none': null, ':offset': due.offset, ':on': due.on, ...same.values },
        }),
      ),
    );
  }

  /** Ledger entries of `day` claimed but not yet sent to every recipient (a crashed or retried attempt). */
  async *openClaims(day: string, shard: number, cost: ReadCost): AsyncGenerator<OpenClaim[]> {
    for await (const page of dueInShard(this.db, this.tableName, { day, shard, kind: 'CLAIMED' }, cost))
      yield page.map((i) => ({
        certificateNumber: String(i.certificateNumber),
        termEnd: String(i.termEnd),
        offset: Number(i.offset),
        day: String(i.day),
        pendingDigests: i.pendingDigests instanceof Set ? [...(i.pendingDigests as Set<string>)].sort() : [],
        unplaced: Number(i.unplaced ?? 0),
      }));
  }

  /**
   * Claim the ledger entry, move the certificate to its next reminder and add its line to
   * the first recipients' digests — all or nothing; recipients beyond one transaction are
   * placed after, each counted down on the ledger so a re-run can finish the job.
   * A cancelled transaction is told apart by its reasons: the ledger's condition means
   * claimed before, the certificate's means renewed meanwhile (all or some of its serials), a digest's means that page
   * is full or sent (the line moves to the next page); anything else is thrown.
   */
  async claim(
    certificate: RegisteredCertificate,
    due: DueReminder,
    next: DueReminder | null,
    digests: DigestEntry[],
    at: string,
    /** What the ledger records when no one gets a line: nobody reachable (or every address suppressed), or every contact opted out. */
    nobody: 'UNREACHABLE' | 'OPTED_OUT' = 'UNREACHABLE',
  ): Promise<ClaimOutcome> {
    const ledgerKey = keys.reminder(certificate.certificateNumber, certificate.term.end, due.offset);
    const receipt = `${ledgerKey.PK}|${ledgerKey.SK}`;
    const first = digests.slice(0, MAX_DIGESTS_PER_TRANSACTION);
    const rest = digests.slice(MAX_DIGESTS_PER_TRANSACTION);
    for (let attempt = 0; ; attempt++) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...ledgerKey,
              ...(digests.length
                ? keys.dueIndex(due.on, 'CLAIMED', `${certificate.certificateNumber}#${due.offset}`)
                : {}),
              type: 'ReminderLedger',
              certificateNumber: certificate.certificateNumber,
              termEnd: certificate.term.end,
              offset: due.offset,
              day: due.on,
              status: digests.length ? 'CLAIMED' : nobody,
              recipients: digests.length,
              unplaced: rest.length,
              ...(first.length ? { pendingDigests: new Set(first.map((d) => d.digestId(d.page))) } : {}),
              claimedAt: at,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        this.advance(certificate, due, next),
        ...first.map((d) => this.addToDigest(d, receipt)),
      ];
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        break;
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (!reasons) throw error;
        if (reasons[0] === 'ConditionalCheckFailed') return { claimed: false, reason: 'ALREADY_CLAIMED' };
        if (reasons[1] === 'ConditionalCheckFailed') return { claimed: false, reason: 'NOT_DUE' };
        const full = first.filter((_, i) => reasons[i + 2] === 'ConditionalCheckFailed');
        const other = reasons.filter((r) => r !== 'None' && r !== 'ConditionalCheckFailed');
        // Shards running side by side write the same recipient's digest: a conflict passes.
        if (other.length && other.every((r) => PASSING.has(r)) && attempt < 8) {
          await backoff(attempt, 50);
          continue;
        }
        if (other.length || full.length === 0 || attempt > MAX_PAGES)
          throw new ReminderClaimInterrupted(
            `claiming ${receipt} was cancelled (${reasons.join(', ')}); nothing was claimed, the claim is retried`,
          );
        for (const d of full) d.page++;
      }
    }
    for (const d of rest) await this.placeRest(ledgerKey, d, receipt);
    return { claimed: true };
  }

  /**
   * Finishes a claim whose attempt stopped before every recipient's line was placed:
   * placing is idempotent (a page that already carries the receipt keeps it), so the
   * re-run places every recipient again and only the missing ones change anything.
   */
  async finishClaim(open: OpenClaim, digests: DigestEntry[]): Promise<string[]> {
    const ledgerKey = keys.reminder(open.certificateNumber, open.termEnd, open.offset);
    const receipt = `${ledgerKey.PK}|${ledgerKey.SK}`;
    const placed = new Set(open.pendingDigests);
    for (const d of digests) {
      const page = await this.place(d, receipt);
      placed.add(d.digestId(page));
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ledgerKey,
        UpdateExpression: 'SET unplaced = :zero ADD pendingDigests :ids',
        ExpressionAttributeValues: { ':zero': 0, ':ids': placed },
      }),
    );
    return [...placed].sort();
  }

  /** A line beyond the first transaction: placed, then counted on the ledger. */
  private async placeRest(ledgerKey: { PK: string; SK: string }, d: DigestEntry, receipt: string) {
    const page = await this.place(d, receipt);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ledgerKey,
        UpdateExpression: 'ADD pendingDigests :id, unplaced :minusOne',
        ExpressionAttributeValues: { ':id': new Set([d.digestId(page)]), ':minusOne': -1 },
      }),
    );
  }

  /** Puts the line on the first page of the recipient's digest that has room and is not sent. */
  private async place(d: DigestEntry, receipt: string): Promise<number> {
    for (; d.page <= MAX_PAGES; d.page++) {
      const update = this.addToDigest(d, receipt).Update;
      try {
        await this.db.send(
          new UpdateCommand({
            ...update,
            ConditionExpression: `(${update.ConditionExpression}) AND NOT contains(receipts, :receipt)`,
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':receipt': receipt },
          }),
        );
        return d.page;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const page = await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: keys.notice(d.digestId(d.page)),
            ConsistentRead: true,
            ProjectionExpression: 'receipts',
          }),
        );
        const receipts = page.Item?.receipts as Set<string> | undefined;
        if (receipts?.has(receipt)) return d.page; // placed by the attempt that stopped
      }
    }
    throw new ReminderClaimInterrupted(`${receipt}: no digest page left for ${d.digestId(1)}`);
  }

  /**
   * Moves the certificate to its next reminder, on the reminder and the renewed serials as
   * read: a renewal committed since the read (some serials or all) fails the claim, which is
   * then decided again on the certificate as it now is.
   */
  private advance(certificate: RegisteredCertificate, due: DueReminder, next: DueReminder | null) {
    const { certificateNumber } = certificate;
    const nextIndex = next ? keys.dueIndex(next.on, 'REMINDER', `${certificateNumber}#${next.offset}`) : null;
    const same = renewedSerialsAre(certificate.renewedSerials ?? []);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.certificate(certificateNumber),
        UpdateExpression: nextIndex
          ? 'SET nextReminder = :next, GSI2PK = :pk, GSI2SK = :sk'
          : 'SET nextReminder = :next REMOVE GSI2PK, GSI2SK',
        ConditionExpression: `nextReminder.#offset = :offset AND nextReminder.#on = :on AND ${same.condition}`,
        ExpressionAttributeNames: { '#offset': 'offset', '#on': 'on' },
        ExpressionAttributeValues: {
          ':next': next,
          ':offset': due.offset,
          ':on': due.on,
          ...same.values,
          ...(nextIndex ? { ':pk': nextIndex.GSI2PK, ':sk': nextIndex.GSI2SK } : {}),
        },
      },
    };
  }

  /**
   * Lines gather on the digest as shards find them; the notice is rendered from them when
   * sent. A page takes a line only while it is PENDING and has room for it.
   */
  private addToDigest(entry: DigestEntry, receipt: string) {
    const digestId = entry.digestId(entry.page);
    const notice = entry.notice(entry.page);
    const pending = keys.pendingNotice(digestId, notice.createdAt);
    const bytes = lineBytes(entry.line);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.notice(digestId),
        UpdateExpression:
          'SET notice = if_not_exists(notice, :notice), #type = :type, GSI3PK = :pendingPk, GSI3SK = if_not_exists(GSI3SK, :pendingSk) ADD #lines :line, receipts :receipts, lineBytes :bytes',
        ConditionExpression:
          'attribute_not_exists(notice) OR (notice.#status = :pending AND (attribute_not_exists(lineBytes) OR lineBytes <= :room))',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#lines': 'lines' },
        ExpressionAttributeValues: {
          ':notice': notice,
          ':type': 'Notice',
          ':line': new Set([JSON.stringify(entry.line)]),
          ':receipts': new Set([receipt]),
          ':bytes': bytes,
          ':room': DIGEST_PAGE_BYTES - bytes,
          ':pending': 'PENDING',
          ':pendingPk': pending.GSI3PK,
          ':pendingSk': pending.GSI3SK,
        },
      },
    };
  }
}

const PASSING = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
