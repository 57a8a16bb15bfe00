/**
 * Erasing a contact's personal data: reads everything that may hold it, through keys only —
 * the contact, the certificate holding it and the certificates it holds contacts for (its
 * renewals, through the serials' terms), their audit entries, and the self-service Contact ID
 * emails those entries point to — and writes what core/personal-data decided in one
 * transaction: the contact (pseudonym, erasure; out of the Lookup index; its Contact ID email
 * addressed to nobody), the holder's roster seat, the notices, the audit entries rewritten and
 * PERSONAL_DATA_ERASED. Every write is conditioned on what was read, so a change meanwhile
 * cancels it all. Past DynamoDB's 100 writes (a contact with very many audit entries), the
 * rewrites of copies (audit entries, notice items) go first, in transactions of their own, and
 * the contact last: a retry finds those done and goes on (its answer lists only what it rewrote).
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dayOf } from '../core/calendar.ts';
import { personalDataErased } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import type {
  AuditOnRecord,
  ContactOnRecord,
  ErasureContext,
  ErasureDecision,
  NoticeRewrite,
} from '../core/personal-data.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import type { RosterChange } from '../core/renewal-contacts.ts';
import { SELF_SERVICE_DAILY_LIMIT, selfServiceNoticeId } from '../core/self-service.ts';
import { batchGetAll } from './batch-get.ts';
import { getRecord, queryAll, strip, type TransactItem } from './items.ts';
import { outboxPut } from './outbox.ts';
import { auditPut, RegistrationStore } from './registrations.ts';
import { type ItemKey, keys, TABLE_DESIGN } from './table-design.ts';

/** An audit entry with the key to write it back. */
export interface AuditItem extends AuditOnRecord {
  key: ItemKey;
}

export type Erase = Extract<ErasureDecision<AuditItem>, { kind: 'ERASE' }>;

/** DynamoDB's limit on the writes of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

type CertificateOnRecord = RegisteredCertificate & { notice?: Notice; rosterChange?: RosterChange };

export class PersonalDataStore {
  private readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  /** Everything an erasure of `contactId` looks at, read strongly consistent; null for an unknown contact. */
  async load(contactId: string): Promise<ErasureContext<AuditItem> | null> {
    const item = await getRecord(this.db, this.tableName, keys.contact(contactId), (i) => i);
    if (!item) return null;
    const contact = strip<ContactOnRecord>(item);
    const holder = await this.registrations.getCertificate(contact.certificateNumber);
    if (!holder)
      throw new Error(`certificate ${contact.certificateNumber} holding contact ${contactId} is missing`);
    const serials = await this.registrations.getSerials([
      ...new Set([...contact.serialNumbers, ...holder.products.map((p) => p.serialNumber)]),
    ]);
    const holderAudits = await this.audits(holder.certificateNumber);
    // The certificates it holds contacts for: those its serials' terms name, and (a void takes
    // a renewal out of the terms and renewedBy) those its contact changes were made through.
    const others = [
      ...new Set([
        ...serials.flatMap((s) => s.terms.map((t) => t.certificateNumber)),
        ...(holder.renewedBy ?? []),
        ...holderAudits.flatMap((a) => (typeof a.entry.via === 'string' ? [a.entry.via] : [])),
        ...(contact.withdrawnWith ? [contact.withdrawnWith] : []),
      ]),
    ]
      .filter((n) => n !== holder.certificateNumber)
      .sort();
    const renewals = others.length
      ? (await batchGetAll(this.db, this.tableName, others.map(keys.certificate), { consistentRead: true }))
          .map((i) => strip<CertificateOnRecord>(i))
          // A serial freed by a void and registered again names a certificate of other contacts.
          .filter((c) => c.contactsCertificate === holder.certificateNumber)
      : [];
    const certificates: CertificateOnRecord[] = [holder, ...renewals];
    const audits = [
      ...holderAudits,
      ...(await Promise.all(renewals.map((c) => this.audits(c.certificateNumber)))).flat(),
    ];
    return {
      contact,
      indexed: item[TABLE_DESIGN.indexes.lookup.partitionKey] !== undefined,
      holder,
      certificates: certificates.map((c) => ({
        certificateNumber: c.certificateNumber,
        ...(c.status ? { status: c.status } : {}),
        ...(c.notice ? { notice: c.notice } : {}),
        ...(c.rosterChange ? { rosterChange: c.rosterChange } : {}),
      })),
      notices: await this.selfServiceNotices(contactId, audits),
      audits,
    };
  }

  /** Commits an erasure: all of it, or (a lost race) nothing of the last transaction. */
  async commit(erase: Erase, holder: string): Promise<void> {
    const { contactId } = erase.answer;
    const rest: TransactItem[] = [this.contactUpdate(contactId, erase)];
    // One write per item: the holder's roster seat, its check, a renewal's notice on the same item.
    const certificates = new Map<string, ItemUpdate>();
    const on = (n: string) => certificates.get(n) ?? certificates.set(n, new ItemUpdate()).get(n)!;
    if (erase.holderMustBeVoid) on(holder).equals('status', 'VOID');
    if (erase.rosterEntry)
      on(holder).exists(['roster', contactId]).set(['roster', contactId], erase.rosterEntry);
    for (const n of erase.certificateNotices)
      rewriteNotice(on(n.certificateNumber), n).equals(['notice', 'data', 'contactId'], contactId);
    for (const [n, u] of certificates) rest.push(u.write(this.tableName, keys.certificate(n)));
    rest.push(auditPut(this.tableName, holder, erase.event));
    const { event } = erase;
    rest.push(outboxPut(this.tableName, personalDataErased(contactId, event.fields, event.at, event.actor)));

    // Copies elsewhere: in the same transaction while it has room, else in transactions before it.
    const copies = [
      ...erase.itemNotices.map((n) =>
        rewriteNotice(new ItemUpdate(), n).write(this.tableName, keys.notice(n.noticeId)),
      ),
      ...erase.audits.map(({ on: audit, set }) => {
        const u = new ItemUpdate().exists('PK');
        for (const [field, value] of Object.entries(set)) u.set(field, value);
        return u.write(this.tableName, audit.key);
      }),
    ];
    const room = MAX_TRANSACTION_ITEMS - rest.length;
    const before = copies.slice(0, Math.max(0, copies.length - room));
    for (let i = 0; i < before.length; i += MAX_TRANSACTION_ITEMS)
      await this.transact(before.slice(i, i + MAX_TRANSACTION_ITEMS));
    await this.transact([...copies.slice(before.length), ...rest]);
  }

  private transact(items: TransactItem[]) {
    return this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /** The contact: pseudonym and erasure set, its phone and address gone, out of the Lookup index. */
  private contactUpdate(contactId: string, erase: Erase): TransactItem {
    const { lookup } = TABLE_DESIGN.indexes;
    const u = new ItemUpdate()
      .equals('status', erase.contact.statusRead)
      .notExists('erasedAt')
      .remove(...erase.contact.remove, lookup.partitionKey, lookup.sortKey);
    for (const [field, value] of Object.entries(erase.contact.set)) u.set(field, value);
    if (erase.contact.notice) rewriteNotice(u, erase.contact.notice);
    return u.write(this.tableName, keys.contact(contactId));
  }

  private async audits(certificateNumber: string): Promise<AuditItem[]> {
    const prefix = keys.audits(certificateNumber);
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey, '#sk': TABLE_DESIGN.sortKey },
      ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SK },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      certificateNumber,
      key: { PK: String(i.PK), SK: String(i.SK) },
      entry: strip(i),
    }));
  }

  /**
   * The Contact ID emails self-service owed this contact: each such resend is audited with its
   * certificate and day, and a day's notices are numbered up to the daily limit.
   */
  private async selfServiceNotices(contactId: string, audits: AuditItem[]) {
    const ids = audits
      .map((a) => a.entry)
      .filter((e) => e.action === 'CONTACT_ID_SELF_SERVICE_RESENT' && e.contactId === contactId)
      .flatMap((e) =>
        Array.from({ length: SELF_SERVICE_DAILY_LIMIT }, (_, i) =>
          selfServiceNoticeId(String(e.via), dayOf(String(e.at)), i + 1),
        ),
      );
    if (ids.length === 0) return [];
    const items = await batchGetAll(this.db, this.tableName, [...new Set(ids)].map(keys.notice), {
      consistentRead: true,
    });
    return items.flatMap((i) =>
      i.notice ? [{ noticeId: keys.noticeIdOf(i), notice: i.notice as Notice }] : [],
    );
  }
}

/** The notice rewritten, on the status it was read in; one no longer owed leaves the pending index. */
function rewriteNotice(u: ItemUpdate, rewrite: NoticeRewrite): ItemUpdate {
  u.equals(['notice', 'status'], rewrite.statusRead).set('notice', rewrite.notice);
  if (rewrite.wasPending) {
    const { pendingNotices } = TABLE_DESIGN.indexes;
    u.remove(pendingNotices.partitionKey, pendingNotices.sortKey);
  }
  return u;
}

type Path = string | string[];

/** One item's update, a placeholder for every name and value (`status`, `name`, `data` are reserved words). */
class ItemUpdate {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};

  set(path: Path, value: unknown): this {
    this.sets.push(`${this.name(path)} = ${this.value(value)}`);
    return this;
  }

  remove(...attributes: string[]): this {
    this.removes.push(...attributes.map((a) => this.name(a)));
    return this;
  }

  equals(path: Path, value: unknown): this {
    this.conditions.push(`${this.name(path)} = ${this.value(value)}`);
    return this;
  }

  exists(path: Path): this {
    this.conditions.push(`attribute_exists(${this.name(path)})`);
    return this;
  }

  notExists(path: Path): this {
    this.conditions.push(`attribute_not_exists(${this.name(path)})`);
    return this;
  }

  /** An Update, or only its conditions (a ConditionCheck) when it writes nothing. */
  write(tableName: string, key: ItemKey): TransactItem {
    const common = {
      TableName: tableName,
      Key: key,
      ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
    const clauses = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter(Boolean);
    if (clauses.length === 0)
      return { ConditionCheck: { ...common, ConditionExpression: this.conditions.join(' AND ') } };
    return { Update: { ...common, UpdateExpression: clauses.join(' ') } };
  }

  private name(path: Path): string {
    return (Array.isArray(path) ? path : [path])
      .map((part) => {
        const existing = Object.entries(this.names).find(([, v]) => v === part)?.[0];
        if (existing) return existing;
        const placeholder = `#n${Object.keys(this.names).length}`;
        this.names[placeholder] = part;
        return placeholder;
      })
      .join('.');
  }

  private value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}
