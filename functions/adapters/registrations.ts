/**
 * Registration persistence: loads what `decideRegistration` needs and commits its
 * decision in one DynamoDB transaction, so a registration is stored whole or not at all.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import type { ReminderLedgerEntry } from '../core/certificate-view.ts';
import type { CoverageTerm } from '../core/coverage.ts';
import { registrationEvents } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import type {
  Contact,
  RegisteredCertificate,
  RegisteredSerial,
  RegistrationContext,
  RegistrationDecision,
  Roster,
  RosterHolder,
} from '../core/registration.ts';
import type {
  RenewalContacts,
  RenewalContactsAudit,
  RenewedTerm,
  RosterChange,
} from '../core/renewal-contacts.ts';
import { versionSortKey } from '../core/versions.ts';
import { batchGetAll } from './batch-get.ts';
import { getRecord, queryPrefix, strip, type TransactItem } from './items.ts';
import { outboxPuts } from './outbox.ts';
import { keys } from './table-design.ts';

/** A contact; its Contact ID email is the notice embedded in it. */
export interface ContactRecord extends Contact {
  notice?: Notice;
}

export type CertificateRecord = RegisteredCertificate & {
  contactIds: string[];
  /** Contact IDs replaced on this certificate: no longer valid, still part of its history. */
  formerContactIds?: string[];
  renewedBy?: string[];
  /** A renewal's Contact ID email, owed on the renewal certificate itself. */
  notice?: Notice;
  /** A renewal: what it did to the roster of the certificate holding the contacts (a void undoes it). */
  rosterChange?: RosterChange;
};

/** What a renewal changes besides its certificate and serials (core/renewal-contacts). */
export interface RenewalPlan {
  holder: RosterHolder;
  contacts: RenewalContacts;
  terms: RenewedTerm[];
  /** The roster change's audit event, on the certificate holding the contacts. */
  audit: RenewalContactsAudit | null;
}

export class RegistrationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  getCertificate(certificateNumber: string): Promise<CertificateRecord | null> {
    return getRecord(this.db, this.tableName, keys.certificate(certificateNumber), record<CertificateRecord>);
  }

  /**
   * The rosters of these certificates, each read once and strongly consistent (a roster
   * written a moment ago is seen); `known`, already read, is not read again.
   */
  async rostersOf(certificateNumbers: string[], known?: RegisteredCertificate): Promise<Map<string, Roster>> {
    const rosters = new Map<string, Roster>();
    for (const n of new Set(certificateNumbers))
      rosters.set(n, (n === known?.certificateNumber ? known : await this.getCertificate(n))?.roster ?? {});
    return rosters;
  }

  getContact(contactId: string): Promise<ContactRecord | null> {
    return getRecord(this.db, this.tableName, keys.contact(contactId), record<ContactRecord>);
  }

  /** Everything `decideRegistration` looks at, read strongly consistent. */
  async loadContext(certificateNumber: string, serialNumbers: string[]): Promise<RegistrationContext> {
    const items = await this.batchGet(
      [keys.certificate(certificateNumber), ...serialNumbers.map(keys.serial)],
      false,
    );
    const certificate = items.find((i) => i.SK === 'CERTIFICATE');
    const serials = items.filter((i) => i.SK === 'SERIAL').map((i) => record<RegisteredSerial>(i));
    const roots = [...new Set(serials.map((s) => s.contactsCertificate))];
    // A renewal's earlier certificates (every term of its serials) and the roster holder, read once.
    const earlierNumbers = [...new Set(serials.flatMap((s) => s.terms.map((t) => t.certificateNumber)))];
    const related = [...new Set([...roots, ...earlierNumbers])];
    const relatedItems = related.length
      ? (await this.batchGet(related.map(keys.certificate))).map((i) => record<CertificateRecord>(i))
      : [];
    const byNumber = new Map(relatedItems.map((c) => [c.certificateNumber, c]));
    const primaryContactOf = Object.fromEntries(
      roots.flatMap((n) => (byNumber.has(n) ? [[n, byNumber.get(n)?.primaryContactId as string]] : [])),
    );
    const holder = roots.length === 1 ? byNumber.get(roots[0] as string) : undefined;
    return {
      certificate: certificate ? record<CertificateRecord>(certificate) : null,
      serials,
      primaryContactOf,
      ...(holder
        ? {
            holder: {
              certificateNumber: holder.certificateNumber,
              entries: holder.roster ?? {},
              version: holder.rosterVersion ?? 0,
              primaryContactId: holder.primaryContactId,
            },
          }
        : {}),
      earlier: earlierNumbers.flatMap((n) => {
        const c = byNumber.get(n);
        return c
          ? [
              {
                certificateNumber: n,
                serialNumbers: c.products.map((p) => p.serialNumber),
                renewedSerials: c.renewedSerials ?? [],
              },
            ]
          : [];
      }),
    };
  }

  async getSerials(serialNumbers: string[]): Promise<RegisteredSerial[]> {
    return (await this.batchGet(serialNumbers.map(keys.serial))) as unknown as RegisteredSerial[];
  }

  async getContacts(contactIds: string[]): Promise<ContactRecord[]> {
    return (await this.batchGet(contactIds.map(keys.contact))) as unknown as ContactRecord[];
  }

  async listAudit(certificateNumber: string): Promise<Array<Record<string, unknown>>> {
    return (await queryPrefix(this.db, this.tableName, keys.audits(certificateNumber))).map((i) => record(i));
  }

  /** The certificate's renewal reminder ledger (one entry per term end and offset): one Query of its partition. */
  async listReminders(certificateNumber: string): Promise<ReminderLedgerEntry[]> {
    return (await queryPrefix(this.db, this.tableName, keys.reminders(certificateNumber))).map((i) => ({
      termEnd: String(i.termEnd),
      offset: Number(i.offset),
      day: String(i.day),
      status: String(i.status) as ReminderLedgerEntry['status'],
      recipients: Number(i.recipients ?? 0),
      claimedAt: String(i.claimedAt),
      sentAt: typeof i.sentAt === 'string' ? i.sentAt : null,
    }));
  }

  /**
   * Commit a decision atomically. Every put is conditional, so a racing identical
   * request, a Contact ID collision or a serial registered meanwhile cancels the
   * whole transaction; the caller reloads and decides again. A renewal also moves the
   * roster (on its version, as contact changes do: they serialise) and records the serials
   * it renews on each earlier certificate (on the set as read: two renewals serialise).
   */
  async commit(
    decision: Exclude<RegistrationDecision, { kind: 'REPLAY' }>,
    notice: Notice | null,
    renewal?: RenewalPlan,
  ) {
    const items: TransactItem[] = [];
    const { certificate } = decision;
    const contactIds = decision.kind === 'CREATE' ? [decision.contact.contactId] : [];
    const onCertificate = decision.kind === 'RENEW' ? notice : null;
    const rosterChange = renewal?.contacts.change ?? null;
    items.push(this.putNew(certificateItem(certificate, contactIds, onCertificate, rosterChange)));
    if (decision.kind === 'CREATE') items.push(this.putNew(contactItem(decision.contact, notice)));
    for (const serial of decision.newSerials) items.push(this.putNew(serialItem(serial)));
    if (decision.kind === 'RENEW') {
      for (const { serial, term } of decision.extendedSerials) items.push(this.extendCoverage(serial, term));
      const updates = new Map<string, CertificateUpdate>();
      const on = (n: string) => {
        const u = updates.get(n) ?? newUpdate();
        updates.set(n, u);
        return u;
      };
      if (!renewal) throw new Error(`renewal ${certificate.certificateNumber} committed without its plan`);
      for (const term of renewal.terms)
        renewTerm(on(term.certificateNumber), term, certificate.certificateNumber);
      const { holder, contacts } = renewal;
      moveRoster(on(holder.certificateNumber), holder, contacts);
      if (contacts.issued) items.push(this.putNew(contactItem(contacts.contact, null)));
      for (const u of contacts.updated) items.push(this.updateContact(u));
      // The previous primary, with no room left beside the new one: kept, no longer valid.
      if (contacts.replaced) items.push(retireContact(this.tableName, contacts.replaced));
      for (const [n, u] of updates) items.push(this.updateCertificate(n, u));
      if (renewal.audit) items.push(auditPut(this.tableName, holder.certificateNumber, renewal.audit));
    }
    // The facts' events, in the facts' transaction (adapters/outbox).
    const issued =
      decision.kind === 'CREATE'
        ? decision.contact
        : renewal?.contacts.issued
          ? renewal.contacts.contact
          : null;
    items.push(
      ...outboxPuts(this.tableName, registrationEvents(certificate, decision.kind === 'RENEW', issued)),
    );
    return this.db.send(
      new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'INDEXES' }),
    );
  }

  private putNew(item: Record<string, unknown>): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
    };
  }

  /** Append the renewal's term, once: the certificate number guards against a second append. */
  private extendCoverage(serial: RegisteredSerial, term: CoverageTerm): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.serial(serial.serialNumber),
        UpdateExpression: 'SET terms = list_append(terms, :term) ADD termCertificates :cert',
        ConditionExpression: 'attribute_exists(PK) AND NOT contains(termCertificates, :certNumber)',
        ExpressionAttributeValues: {
          ':term': [term],
          ':cert': new Set([term.certificateNumber]),
          ':certNumber': term.certificateNumber,
        },
      },
    };
  }

  /** One update per certificate: an earlier term renewed and the roster may be the same item. */
  private updateCertificate(certificateNumber: string, u: CertificateUpdate): TransactItem {
    const clauses = [
      u.set.length ? `SET ${u.set.join(', ')}` : '',
      u.remove.length ? `REMOVE ${u.remove.join(', ')}` : '',
      u.add.length ? `ADD ${u.add.join(', ')}` : '',
    ].filter(Boolean);
    const values = Object.keys(u.values).length ? { ExpressionAttributeValues: u.values } : {};
    const condition = ['attribute_exists(PK)', ...u.conditions].join(' AND ');
    // The roster only checked (nothing else to write there): its version must still hold.
    if (clauses.length === 0)
      return {
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.certificate(certificateNumber),
          ConditionExpression: condition,
          ...values,
        },
      };
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.certificate(certificateNumber),
        UpdateExpression: clauses.join(' '),
        ConditionExpression: condition,
        ...values,
      },
    };
  }

  /** A contact promoted to primary, or demoted to designated, with the serials it answers for. */
  private updateContact(u: RenewalContacts['updated'][number]): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.contact(u.contactId),
        UpdateExpression: 'SET #role = :role, serialNumbers = :serials',
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: { ':role': u.role, ':serials': u.serialNumbers, ':active': 'ACTIVE' },
      },
    };
  }

  private async batchGet(
    keyList: Array<{ PK: string; SK: string }>,
    stripKeys = true,
  ): Promise<Array<Record<string, unknown>>> {
    const items = await batchGetAll(this.db, this.tableName, keyList, { consistentRead: true });
    return stripKeys ? items.map((i) => record(i)) : items;
  }
}

/** An active contact marked REPLACED (kept, so its Contact ID is never reissued, and stops verifying). */
export function retireContact(
  tableName: string,
  replaced: { contactId: string; replacedBy?: string | undefined; replacedAt?: string | undefined },
): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.contact(replaced.contactId),
      UpdateExpression: 'SET #status = :replaced, replacedBy = :by, replacedAt = :at',
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':replaced': 'REPLACED',
        ':active': 'ACTIVE',
        ':by': replaced.replacedBy,
        ':at': replaced.replacedAt,
      },
    },
  };
}

/**
 * An audit event of a certificate (AUDIT#at#requestId), put once: GET /certificates/{n} lists
 * them. Every event names who acted (CONTRACT.md "Who may do what").
 */
export function auditPut(
  tableName: string,
  certificateNumber: string,
  event: { action: string; at: string; requestId: string; actor: Actor },
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.audit(certificateNumber, event.at, event.requestId), type: 'Audit', ...event },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

function certificateItem(
  c: RegisteredCertificate,
  contactIds: string[],
  notice: Notice | null = null,
  rosterChange: RosterChange | null = null,
): Record<string, unknown> {
  const { renewedSerials, ...rest } = c;
  return {
    ...keys.certificate(c.certificateNumber),
    ...keys.orderLookup(c.salesOrderNumber, c.certificateNumber),
    ...(c.nextReminder
      ? keys.dueIndex(c.nextReminder.on, 'REMINDER', `${c.certificateNumber}#${c.nextReminder.offset}`)
      : {}),
    type: 'Certificate',
    ...rest,
    // A string set, so renewals ADD to it and conditions can test it; never an empty set.
    ...(renewedSerials?.length ? { renewedSerials: new Set(renewedSerials) } : {}),
    contactIds,
    ...(notice ? { notice, ...keys.pendingNotice(notice.id, notice.createdAt) } : {}),
    ...(rosterChange ? { rosterChange } : {}),
  };
}

/** The parts of one certificate's update within a transaction (a placeholder set per item). */
interface CertificateUpdate {
  set: string[];
  remove: string[];
  add: string[];
  conditions: string[];
  values: Record<string, unknown>;
}
const newUpdate = (): CertificateUpdate => ({ set: [], remove: [], add: [], conditions: [], values: {} });

/**
 * A condition that `renewedSerials` holds exactly `serials` (absent when none): the renewed
 * serials only grow through a renewal, so a write conditioned on them as read cannot
 * override a renewal committed meanwhile (the reminder claim, a second renewal).
 */
export function renewedSerialsAre(
  serials: readonly string[],
  prefix = ':renewed',
): { condition: string; values: Record<string, unknown> } {
  if (serials.length === 0) return { condition: 'attribute_not_exists(renewedSerials)', values: {} };
  const values: Record<string, unknown> = { [`${prefix}Count`]: serials.length };
  serials.forEach((s, i) => {
    values[`${prefix}${i}`] = s;
  });
  return {
    condition: `(size(renewedSerials) = ${prefix}Count AND ${serials.map((_, i) => `contains(renewedSerials, ${prefix}${i})`).join(' AND ')})`,
    values,
  };
}

/**
 * An earlier certificate renewed: the serials renewed join `renewedSerials` (on the set as
 * read), and only once every serial of it is renewed does it leave the due-date index.
 */
function renewTerm(u: CertificateUpdate, term: RenewedTerm, renewedBy: string): void {
  u.add.push('renewedBy :renewedBy');
  u.values[':renewedBy'] = new Set([renewedBy]);
  if (term.add.length) {
    u.add.push('renewedSerials :renewing');
    u.values[':renewing'] = new Set(term.add);
  }
  const same = renewedSerialsAre(term.before);
  u.conditions.push(same.condition);
  Object.assign(u.values, same.values);
  if (term.complete) {
    u.set.push('nextReminder = :none');
    u.remove.push('GSI2PK', 'GSI2SK');
    u.values[':none'] = null;
  }
}

/** The roster moves on its version, as a contact change does, even when only checked. */
function moveRoster(u: CertificateUpdate, holder: RosterHolder, contacts: RenewalContacts): void {
  u.conditions.push(
    holder.version === 0 ? 'attribute_not_exists(rosterVersion)' : 'rosterVersion = :version',
  );
  if (holder.version !== 0) u.values[':version'] = holder.version;
  if (!contacts.roster) return;
  u.set.push(
    'roster = :roster',
    'rosterVersion = :nextVersion',
    'contactIds = :ids',
    'primaryContactId = :primary',
  );
  Object.assign(u.values, {
    ':roster': contacts.roster,
    ':nextVersion': holder.version + 1,
    ':ids': Object.keys(contacts.roster).sort(),
    ':primary': contacts.contact.contactId,
  });
  if (contacts.replaced) {
    u.add.push('formerContactIds :former');
    u.values[':former'] = new Set([contacts.replaced.contactId]);
  }
}

function contactItem(c: Contact, notice: Notice | null): Record<string, unknown> {
  return {
    ...keys.contact(c.contactId),
    ...keys.emailLookup(c.email, c.contactId),
    type: 'Contact',
    ...c,
    ...(notice ? { notice, ...keys.pendingNotice(notice.id, notice.createdAt) } : {}),
  };
}

export function serialItem(s: RegisteredSerial): Record<string, unknown> {
  return {
    ...keys.serial(s.serialNumber),
    ...keys.productIndex(s.product, versionSortKey(s.version), s.serialNumber),
    ...keys.supportIdentifierLookup(s.supportIdentifier, s.serialNumber),
    type: 'Serial',
    ...s,
    termCertificates: new Set(s.terms.map((t) => t.certificateNumber)),
  };
}

/** A record without its storage attributes; the sets kept for conditions read as sorted lists. */
function record<T = Record<string, unknown>>(item: Record<string, unknown>): T {
  const { termCertificates, renewedBy, formerContactIds, renewedSerials, ...rest } = strip(item);
  return {
    ...rest,
    ...(renewedBy instanceof Set ? { renewedBy: [...renewedBy].sort() } : {}),
    ...(renewedSerials instanceof Set ? { renewedSerials: [...renewedSerials].sort() } : {}),
    ...(formerContactIds instanceof Set ? { formerContactIds: [...formerContactIds].sort() } : {}),
  } as T;
}
