/**
 * Addresses SES told us not to write to again (a hard bounce, a complaint): one item per
 * address, keyed by a hash of it (case-insensitive, as everywhere), so a replaced contact
 * or a corrected address is another key and starts clean. The first feedback marks it;
 * a repeated or later event changes nothing.
 *
 * The same hash also goes into `suppressedAddresses` (a string set) on each certificate
 * holding a roster where the address is a contact, the way an opt-out does (adapters/opt-outs.ts):
 * the reminder claim reads that set with the roster it reads anyway, so leaving a suppressed
 * address out of renewal reminders costs no read.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressMark } from '../core/delivery-events.ts';
import { addressMarked } from '../core/events.ts';
import { addressKey, suppressionKey } from '../core/recipients.ts';
import { batchGetAll } from './batch-get.ts';
import { cancellationCodes } from './items.ts';
import { addToRosterSet, rosterHoldersOf, rosterSetOf } from './opt-outs.ts';
import { outboxPut } from './outbox.ts';

/** The key of an address's delivery state (beside keys.* of table-design.ts, in its conventions). */
export const addressKeys = {
  address: (address: string) => ({ PK: `ADDRESS#${suppressionKey(address)}`, SK: 'ADDRESS' }),
} as const;

/** The certificate attribute the reminder claim reads: suppression keys of its roster's addresses. */
export const SUPPRESSED_ADDRESSES_ATTRIBUTE = 'suppressedAddresses';

/** The suppression keys a certificate item carries. */
export const suppressedAddressesOf = (item: object | null | undefined): ReadonlySet<string> =>
  rosterSetOf(item, SUPPRESSED_ADDRESSES_ATTRIBUTE);

/** What a read gives back: the mark without the address, which the item does not hold. */
export type StoredMark = Omit<AddressMark, 'address'> & { recordedAt: string };

const markOf = (item: Record<string, unknown>): StoredMark => ({
  state: item.state as StoredMark['state'],
  since: String(item.since),
  feedbackId: String(item.feedbackId),
  messageId: String(item.messageId),
  recordedAt: String(item.recordedAt),
  ...(typeof item.subType === 'string' ? { subType: item.subType } : {}),
});

export class AddressStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Marks the address, once: false when it was already marked (the same event delivered
   * again, or a later bounce or complaint), which keeps the first reason and its date.
   * The address itself is not stored: its contacts hold it, and the key is its hash.
   */
  async mark(mark: AddressMark, at: string): Promise<boolean> {
    const { address: _address, ...recorded } = mark;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...addressKeys.address(mark.address), type: 'Address', ...recorded, recordedAt: at },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            // Its event, with the address's hash only (adapters/outbox).
            outboxPut(this.tableName, addressMarked(mark, suppressionKey(mark.address), at)),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * Puts the address's suppression key on every roster holder where it is a contact, where
   * not there yet: the roster holders this call changed (none for a repeat or a retry).
   */
  async suppressOnRosters(address: string): Promise<string[]> {
    const key = suppressionKey(address);
    const changed: string[] = [];
    for (const holder of await rosterHoldersOf(this.db, this.tableName, address))
      if (await addToRosterSet(this.db, this.tableName, holder, SUPPRESSED_ADDRESSES_ATTRIBUTE, key))
        changed.push(holder);
    return changed;
  }

  /**
   * The mark on an address, or null. Eventually consistent (half a read unit): a bounce
   * recorded in the same second as a send races it on AWS anyway.
   */
  async get(address: string): Promise<StoredMark | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: addressKeys.address(address),
      }),
    );
    return out.Item ? markOf(out.Item) : null;
  }

  /** The marks on these addresses, by addressKey (lower-cased address); unmarked ones are absent. */
  async marksOf(addresses: readonly string[]): Promise<Map<string, StoredMark>> {
    const byHashKey = new Map<string, string>();
    for (const address of addresses) byHashKey.set(addressKeys.address(address).PK, addressKey(address));
    if (byHashKey.size === 0) return new Map();
    // Whole items: they are small (and `state`, `subType` are reserved words a projection would have to name).
    const items = await batchGetAll(
      this.db,
      this.tableName,
      [...byHashKey.keys()].map((PK) => ({ PK, SK: 'ADDRESS' })),
    );
    return new Map(items.map((item) => [byHashKey.get(String(item.PK))!, markOf(item)]));
  }
}
