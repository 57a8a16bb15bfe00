/**
 * Opt-outs of renewal reminders in the table. Two places, each written idempotently:
 *
 * - `PK=OPTOUT#<opt-out key>` `SK=REMINDERS`: the address's opt-out, with when it was first made
 *   (the address itself is not stored: the key is a hash of it);
 * - `remindersOptOut` (a string set of opt-out keys) on each certificate holding a roster where
 *   the address is a contact, with an audit event `REMINDERS_OPTED_OUT` in the same transaction.
 *   The reminder claim reads that set with the roster it reads anyway, so skipping an opted-out
 *   recipient costs no read. The set is its own attribute: roster changes (SET roster …) keep it.
 *
 * The certificates are found through the Lookup index (`EMAIL#<address>` → contacts → the
 * certificate holding each contact's roster).
 */
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import { optOutKey } from '../core/recipients.ts';
import type { Contact, RegisteredCertificate } from '../core/registration.ts';
import { batchGetAll } from './batch-get.ts';
import { cancellationCodes, getRecord, queryPages, strip, type TransactItem, written } from './items.ts';
import { auditPut } from './registrations.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** The certificate attribute the reminder claim reads. */
export const REMINDERS_OPT_OUT_ATTRIBUTE = 'remindersOptOut';

/** The opt-out item of an address. */
export const optOutItemKey = (address: string) => ({ PK: `OPTOUT#${optOutKey(address)}`, SK: 'REMINDERS' });

/** The keys a certificate item carries in a string-set attribute (a set as stored, a list once copied). */
export function rosterSetOf(item: object | null | undefined, attribute: string): ReadonlySet<string> {
  const value = (item as Record<string, unknown> | null | undefined)?.[attribute];
  if (value instanceof Set) return value as Set<string>;
  if (Array.isArray(value)) return new Set(value.map(String));
  return new Set();
}

/** The opt-out keys a certificate item carries. */
export const remindersOptOutOf = (item: object | null | undefined): ReadonlySet<string> =>
  rosterSetOf(item, REMINDERS_OPT_OUT_ATTRIBUTE);

/** Contacts of one address we look at, at most: far more than anyone holds. */
const MAX_CONTACTS = 1000;

/**
 * The certificates holding a roster where `address` (any case) is a contact, by the Lookup
 * index: what an opt-out and a suppressed address (adapters/addresses.ts) are written onto.
 */
export async function rosterHoldersOf(
  db: DynamoDBDocumentClient,
  tableName: string,
  address: string,
): Promise<string[]> {
  const { lookup } = TABLE_DESIGN.indexes;
  const contactKeys: Array<{ PK: string; SK: string }> = [];
  for await (const page of queryPages(db, {
    TableName: tableName,
    IndexName: lookup.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': lookup.partitionKey },
    ExpressionAttributeValues: { ':pk': keys.emailLookup(address, '').GSI4PK },
  })) {
    contactKeys.push(...page.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })));
    if (contactKeys.length >= MAX_CONTACTS) break;
  }
  if (contactKeys.length === 0) return [];
  const contacts = (await batchGetAll(db, tableName, contactKeys)).map((i) => strip<Contact>(i));
  const named = [...new Set(contacts.map((c) => c.certificateNumber))].sort();
  const certificates = (await batchGetAll(db, tableName, named.map(keys.certificate))).map((i) =>
    strip<RegisteredCertificate>(i),
  );
  return [...new Set(certificates.map((c) => c.contactsCertificate ?? c.certificateNumber))].sort();
}

/**
 * Adds `key` to the string set `attribute` of a roster holder, with `also` (an audit put) in
 * the same transaction: true when this call added it; false when it was there already (a
 * repeat or a retry) or the certificate is gone. Its own attribute: roster changes keep it.
 */
export async function addToRosterSet(
  db: DynamoDBDocumentClient,
  tableName: string,
  certificateNumber: string,
  attribute: string,
  key: string,
  also: TransactItem[] = [],
): Promise<boolean> {
  const update = {
    TableName: tableName,
    Key: keys.certificate(certificateNumber),
    UpdateExpression: 'ADD #set :key',
    ConditionExpression: 'attribute_exists(PK) AND NOT contains(#set, :one)',
    ExpressionAttributeNames: { '#set': attribute },
    ExpressionAttributeValues: { ':key': new Set([key]), ':one': key },
  };
  if (also.length === 0) return written(db.send(new UpdateCommand(update)));
  try {
    await db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...also] }));
    return true;
  } catch (error) {
    const reasons = cancellationCodes(error);
    if (reasons?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

export interface OptOutEvent {
  action: 'REMINDERS_OPTED_OUT';
  at: string;
  requestId: string;
  /** Who opted out: the customer, through the link in the reminder (never the address). */
  actor: Actor;
  /** Masked when the audit trail is read. */
  email: string;
  optOutKey: string;
}

export interface OptOutResult {
  /** Certificates (roster holders) whose reminders stop for the address now; empty when done before. */
  certificates: string[];
  /** Roster holders where the address is a contact. */
  holders: string[];
  /** When the address first opted out. */
  optedOutAt: string;
}

export class OptOutStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** When `address` first opted out of renewal reminders, or null. */
  async optedOutAt(address: string): Promise<string | null> {
    const item = await getRecord<{ optedOutAt?: string }>(this.db, this.tableName, optOutItemKey(address));
    return item?.optedOutAt ?? null;
  }

  /** The certificates holding a roster where `address` (any case) is a contact, by the Lookup index. */
  async holdersOf(address: string): Promise<string[]> {
    return rosterHoldersOf(this.db, this.tableName, address);
  }

  /**
   * Stops renewal reminders to `address`: its opt-out item (first time kept), then on each
   * roster holder the opt-out key and the audit event, together, only where not there yet.
   * Twice is once: a repeat (or a retry after a crash half-way) adds only what is missing.
   */
  async optOut(address: string, at: string, requestId: string, actor: Actor): Promise<OptOutResult> {
    const key = optOutKey(address);
    const holders = await this.holdersOf(address);
    const certificates: string[] = [];
    for (const holder of holders)
      if (await this.markCertificate(holder, key, address, { at, requestId, actor }))
        certificates.push(holder);
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: optOutItemKey(address),
        UpdateExpression: 'SET #type = :type, optedOutAt = if_not_exists(optedOutAt, :at)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'RemindersOptOut', ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { certificates, holders, optedOutAt: String(out.Attributes?.optedOutAt ?? at) };
  }

  /** True when this call added the opt-out to the certificate; false when it was there already. */
  private async markCertificate(
    certificateNumber: string,
    key: string,
    address: string,
    made: Pick<OptOutEvent, 'at' | 'requestId' | 'actor'>,
  ): Promise<boolean> {
    const event: OptOutEvent = {
      action: 'REMINDERS_OPTED_OUT',
      ...made,
      email: address,
      optOutKey: key,
    };
    // One event per certificate and address: a retry with the same request id puts nothing new.
    return addToRosterSet(this.db, this.tableName, certificateNumber, REMINDERS_OPT_OUT_ATTRIBUTE, key, [
      auditPut(this.tableName, certificateNumber, event),
    ]);
  }
}
