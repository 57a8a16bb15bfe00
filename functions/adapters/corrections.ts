/**
 * Corrections and voids in the table: loads what core/correction decides on and commits a
 * decision in one transaction, conditioned on the certificate's revision (two corrections
 * serialise), the roster's version (a contact change in between is seen), the renewals as
 * read (a renewal landing meanwhile is never undone) and each serial's term, so a race
 * cancels the whole change and nothing is half-applied.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import type {
  CertificateOnRecord,
  ContactRevert,
  CorrectionContext,
  CorrectionDecision,
  FieldChange,
  RosterRevert,
  SerialWrite,
  Unrenewal,
  VoidContext,
  VoidDecision,
} from '../core/correction.ts';
import { certificateCorrected, certificateVoided } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import type { DueReminder } from '../core/reminders.ts';
import { versionSortKey } from '../core/versions.ts';
import type { TransactItem } from './items.ts';
import { outboxPut } from './outbox.ts';
import { auditPut, RegistrationStore, renewedSerialsAre, serialItem } from './registrations.ts';
import { keys } from './table-design.ts';

/** A correction or a void, as the audit trail shows it. */
export interface CorrectionAudit {
  action: 'CERTIFICATE_CORRECTED' | 'CERTIFICATE_VOIDED';
  at: string;
  requestId: string;
  /** Who corrected or voided it. */
  actor: Actor;
  revision: number;
  changes?: FieldChange[];
  /** A void of a renewal that moved the roster: undone, or kept and why. */
  rosterChange?: { outcome: 'REVERTED' | 'KEPT'; contactsCertificate: string; reason?: string };
}

/** A void undoing (or keeping) a renewal's roster change, audited where the contacts live. */
export interface RosterRevertAudit {
  action: 'RENEWAL_CONTACTS_REVERTED' | 'RENEWAL_CONTACTS_KEPT';
  at: string;
  requestId: string;
  /** Who voided the renewal. */
  actor: Actor;
  /** The renewal voided. */
  via: string;
  /** The primary contact now. */
  contactId: string;
  /** The contact the renewal issued, withdrawn (REPLACED). */
  withdrawnContactId?: string;
  /** The contact the renewal promoted, designated again. */
  demotedContactId?: string;
  /** The former primary the renewal had replaced, active again. */
  reinstatedContactId?: string;
  reason?: string;
}

type Corrected = Extract<CorrectionDecision, { kind: 'CORRECTED' }>;

export class CorrectionStore {
  readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  async getCertificate(certificateNumber: string): Promise<CertificateOnRecord | null> {
    const c = await this.registrations.getCertificate(certificateNumber);
    return c ? normalised(c) : null;
  }

  /** The certificate, its primary contact, its roster holder and the serials it and the patch name. */
  async loadCorrection(certificateNumber: string, patchSerials: string[]): Promise<CorrectionContext | null> {
    const certificate = await this.getCertificate(certificateNumber);
    if (!certificate) return null;
    const holder =
      certificate.contactsCertificate === certificateNumber
        ? certificate
        : await this.getCertificate(certificate.contactsCertificate);
    if (!holder)
      throw new Error(`certificate ${certificate.contactsCertificate} holding the contacts is missing`);
    const [primary, serials, renewedCertificates] = await Promise.all([
      this.registrations.getContact(certificate.primaryContactId),
      this.registrations.getSerials([
        ...new Set([...certificate.products.map((p) => p.serialNumber), ...patchSerials]),
      ]),
      this.renewedWithRenewals(certificate),
    ]);
    if (!primary)
      throw new Error(`contact ${certificate.primaryContactId} of ${certificateNumber} is missing`);
    return {
      certificate,
      primary,
      holder: {
        certificateNumber: holder.certificateNumber,
        roster: holder.roster ?? {},
        rosterVersion: holder.rosterVersion ?? 0,
      },
      serials,
      renewedCertificates,
    };
  }

  /** The certificates this one renewed, each with every certificate that renewed it. */
  private async renewedWithRenewals(
    certificate: CertificateOnRecord,
  ): Promise<VoidContext['renewedCertificates']> {
    const renewed = await this.certificates(certificate.renewalOf);
    return Promise.all(
      renewed.map(async (earlier) => ({
        certificate: earlier,
        renewals: await this.certificates(earlier.renewedBy ?? []),
      })),
    );
  }

  /** The certificate, its serials, the certificates that renewed it and those it renewed (with their renewals). */
  async loadVoid(certificateNumber: string): Promise<VoidContext | null> {
    const certificate = await this.getCertificate(certificateNumber);
    if (!certificate) return null;
    const [serials, renewals, renewedCertificates] = await Promise.all([
      this.registrations.getSerials(certificate.products.map((p) => p.serialNumber)),
      this.certificates(certificate.renewedBy ?? []),
      this.renewedWithRenewals(certificate),
    ]);
    const roster = certificate.rosterChange ? await this.rosterOf(certificate) : undefined;
    return { certificate, serials, renewals, renewedCertificates, ...(roster ? { roster } : {}) };
  }

  /** A renewal's roster as it stands, and the contacts its change moved, read strongly consistent. */
  private async rosterOf(renewal: CertificateOnRecord): Promise<VoidContext['roster']> {
    const change = renewal.rosterChange;
    const holder = await this.getCertificate(renewal.contactsCertificate);
    if (!change || !holder) return undefined;
    const ids = [change.contactId, ...(change.formerPrimary ? [change.formerPrimary.contactId] : [])];
    return {
      holder: {
        certificateNumber: holder.certificateNumber,
        roster: holder.roster ?? {},
        rosterVersion: holder.rosterVersion ?? 0,
        formerContactIds: holder.formerContactIds ?? [],
        tier: holder.tier,
        products: holder.products,
      },
      contacts: await this.registrations.getContacts(ids),
    };
  }

  private async certificates(numbers: string[]): Promise<CertificateOnRecord[]> {
    const found = await Promise.all(numbers.map((n) => this.getCertificate(n)));
    return found.filter((c): c is CertificateOnRecord => c !== null);
  }

  /** The correction, whole: certificate, roster, serials, contacts, audit and the Contact ID email owed. */
  async commitCorrection(
    context: CorrectionContext,
    decision: Corrected,
    audit: CorrectionAudit,
    notice: Notice | null,
  ): Promise<void> {
    const { certificate: before } = context;
    const after = decision.certificate;
    const number = after.certificateNumber;
    const holdsRoster = context.holder.certificateNumber === number;
    const update = new ItemUpdate();
    update.set('tier', after.tier).set('term', after.term).set('company', after.company);
    update
      .set('products', after.products)
      .set('fingerprint', after.fingerprint)
      .set('revision', after.revision);
    update.condition(...revisionIs(before.revision));
    update.condition(...renewedByCount(before.renewedBy?.length ?? 0));
    const renewed = renewedSerialsAre(before.renewedSerials ?? []);
    update.condition(renewed.condition, renewed.values);
    if (decision.remindersChanged) {
      setReminder(update, number, after.nextReminder);
      update.condition(...reminderIs(before.nextReminder));
    }
    if (holdsRoster) moveRoster(update, context.holder.rosterVersion, decision.roster);
    const items: TransactItem[] = [update.on(this.tableName, keys.certificate(number))];
    const others = new Map<string, ItemUpdate>();
    if (!holdsRoster) {
      const holder = new ItemUpdate();
      moveRoster(holder, context.holder.rosterVersion, decision.roster);
      others.set(context.holder.certificateNumber, holder);
    }
    // The holder may be a certificate this renewal renewed: one update for that item.
    this.releaseRenewed(context.renewedCertificates ?? [], decision.renewed, number, false, others);
    items.push(...this.certificateUpdates(others));
    items.push(...decision.serials.map((w) => this.serialWrite(w)));

    const contacts = new Map<string, ItemUpdate>();
    const contact = (id: string) => {
      const u = contacts.get(id) ?? new ItemUpdate().condition('attribute_exists(PK)');
      contacts.set(id, u);
      return u;
    };
    for (const { contactId, serialNumbers } of decision.contactSerials)
      contact(contactId).set('serialNumbers', serialNumbers);
    if (decision.primaryDetails) {
      const { name, language, phone } = decision.primaryDetails;
      const u = contact(after.primaryContactId).set('name', name).set('language', language);
      if (phone) u.set('phone', phone);
      else u.remove('phone');
    }
    for (const [id, u] of contacts) items.push(u.on(this.tableName, keys.contact(id)));
    items.push(this.putAudit(number, audit));
    if (notice)
      items.push(
        this.putNew({
          ...keys.notice(notice.id),
          ...keys.pendingNotice(notice.id, notice.createdAt),
          type: 'Notice',
          certificateNumber: number,
          notice,
        }),
      );
    const fields = (audit.changes ?? decision.changes).map((c) => c.field);
    items.push(
      outboxPut(this.tableName, certificateCorrected(number, after.revision, fields, audit.at, audit.actor)),
    );
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * The void, whole: the certificate, its serials freed, the certificates it renewed re-armed,
   * the audit; a renewal's roster change undone on the roster's version as read (or, kept,
   * still conditioned on it: the decision was made on that roster), audited where it lives.
   */
  async commitVoid(
    context: VoidContext,
    decision: VoidDecision,
    audit: CorrectionAudit,
    rosterAudit: RosterRevertAudit | null = null,
  ): Promise<void> {
    const { certificate } = context;
    const number = certificate.certificateNumber;
    const update = new ItemUpdate()
      .set('status', 'VOID')
      .set('voidedAt', audit.at)
      .set('revision', audit.revision)
      .set('nextReminder', null)
      .remove('GSI2PK', 'GSI2SK')
      .condition(...revisionIs(certificate.revision))
      .condition(...renewedByCount(certificate.renewedBy?.length ?? 0));
    // A renewal's Contact ID email not yet gone is withdrawn with it: the re-driver and a
    // delivery still starting find it no longer PENDING (a delivery that wins the race sends it).
    const owed = (certificate as { notice?: Notice }).notice;
    if (owed?.status === 'PENDING')
      update
        .setPath('notice.#status', 'UNDELIVERABLE')
        .setPath('notice.failure', `withdrawn: certificate ${number} was voided`)
        .setPath('notice.failedAt', audit.at)
        .remove('GSI3PK', 'GSI3SK')
        .condition('notice.#status = :pending', { ':pending': 'PENDING' });
    const items: TransactItem[] = [update.on(this.tableName, keys.certificate(number))];
    items.push(...decision.serials.map((w) => this.serialWrite(w)));
    // The holder is usually also a certificate this renewal renewed: one update for that item.
    const others = new Map<string, ItemUpdate>();
    const holder = decision.roster ? context.roster?.holder.certificateNumber : undefined;
    if (decision.roster && holder) others.set(holder, revertRoster(decision.roster));
    this.releaseRenewed(context.renewedCertificates, decision.renewed, number, true, others);
    items.push(...this.certificateUpdates(others, holder));
    if (decision.roster?.kind === 'REVERTED')
      items.push(...decision.roster.contacts.map((c) => this.revertContact(c, audit.at, number)));
    items.push(this.putAudit(number, audit));
    if (rosterAudit && holder) items.push(auditPut(this.tableName, holder, rosterAudit));
    items.push(outboxPut(this.tableName, certificateVoided(certificate, audit.at, audit.actor)));
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /** A contact the renewal moved, back as it was; each conditioned on what the decision read. */
  private revertContact(c: ContactRevert, at: string, renewal: string): TransactItem {
    const u = new ItemUpdate().condition('attribute_exists(PK)');
    switch (c.kind) {
      case 'WITHDRAW':
        u.set('status', 'REPLACED')
          .set('replacedBy', c.replacedBy)
          .set('replacedAt', at)
          .set('withdrawnWith', renewal)
          .condition('#status = :active', { ':active': 'ACTIVE' });
        break;
      case 'RESEAT':
        u.set('role', c.role)
          .set('serialNumbers', c.serialNumbers)
          .condition('#status = :active AND #role = :roleRead', {
            ':active': 'ACTIVE',
            ':roleRead': c.roleRead,
          });
        break;
      case 'REINSTATE':
        u.set('status', 'ACTIVE')
          .set('role', 'PRIMARY')
          .set('serialNumbers', c.serialNumbers)
          .remove('replacedBy', 'replacedAt')
          .condition('#status = :replaced AND replacedBy = :replacedBy', {
            ':replaced': 'REPLACED',
            ':replacedBy': c.replacedBy,
          });
        break;
    }
    return u.on(this.tableName, keys.contact(c.contactId));
  }

  /**
   * The certificates a renewal no longer renews serials of: those leave `renewedSerials` (as
   * read), the reminder comes back when one is due; a void also leaves `renewedBy`.
   */
  private releaseRenewed(
    stored: VoidContext['renewedCertificates'],
    released: Unrenewal[],
    renewal: string,
    voided: boolean,
    /** Updates of other certificates already in the transaction (the roster holder): one per item. */
    others: Map<string, ItemUpdate> = new Map(),
  ): Map<string, ItemUpdate> {
    const byNumber = new Map(stored.map((r) => [r.certificate.certificateNumber, r.certificate]));
    for (const earlier of released) {
      const read = byNumber.get(earlier.certificateNumber);
      const u = others.get(earlier.certificateNumber) ?? new ItemUpdate();
      others.set(earlier.certificateNumber, u);
      u.condition('attribute_exists(PK)');
      u.condition(...renewedByCount(earlier.renewedByCount));
      const as = renewedSerialsAre(read?.renewedSerials ?? [], ':earlierRenewed');
      u.condition(as.condition, as.values);
      if (voided && read?.renewedBy?.includes(renewal)) u.delete('renewedBy', [renewal]);
      u.delete(
        'renewedSerials',
        earlier.unrenew.filter((s) => read?.renewedSerials?.includes(s)),
      );
      if (earlier.rearm) {
        setReminder(u, earlier.certificateNumber, earlier.rearm);
        u.condition(...reminderIs(null));
      }
    }
    return others;
  }

  /**
   * Each certificate's update as one transaction item; one with nothing to write is left out,
   * except `checked` (a roster kept as read), whose conditions still hold the transaction.
   */
  private certificateUpdates(updates: Map<string, ItemUpdate>, checked?: string): TransactItem[] {
    return [...updates].flatMap(([n, u]) => {
      if (!u.empty) return [u.on(this.tableName, keys.certificate(n))];
      return n === checked ? [u.check(this.tableName, keys.certificate(n))] : [];
    });
  }

  private serialWrite(w: SerialWrite): TransactItem {
    const table = this.tableName;
    switch (w.kind) {
      case 'CREATE':
        return this.putNew(serialItem(w.serial));
      case 'DELETE':
        // Only while this certificate's term is its only one: a renewal appended meanwhile cancels.
        return {
          Delete: {
            TableName: table,
            Key: keys.serial(w.serialNumber),
            ConditionExpression: 'size(terms) = :one AND terms[0].certificateNumber = :cert',
            ExpressionAttributeValues: { ':one': 1, ':cert': w.certificateNumber },
          },
        };
      case 'REMOVE_TERM':
        return new ItemUpdate()
          .removePath(`terms[${w.termIndex}]`)
          .delete('termCertificates', [w.certificateNumber])
          .condition(`terms[${w.termIndex}].certificateNumber = :cert`, { ':cert': w.certificateNumber })
          .on(table, keys.serial(w.serialNumber));
      case 'UPDATE': {
        const u = new ItemUpdate()
          .setPath(`terms[${w.termIndex}]`, w.term)
          .condition(`terms[${w.termIndex}].certificateNumber = :cert`, {
            ':cert': w.term.certificateNumber,
          })
          .condition('version = :versionRead', { ':versionRead': w.versionRead });
        if (w.reindex) {
          const a = w.attributes;
          u.set('supportIdentifier', a.supportIdentifier)
            .set('product', a.product)
            .set('productLine', a.productLine)
            .set('version', a.version);
          const index = {
            ...keys.productIndex(a.product, versionSortKey(a.version), w.serialNumber),
            ...keys.supportIdentifierLookup(a.supportIdentifier, w.serialNumber),
          };
          for (const [name, value] of Object.entries(index)) u.set(name, value);
        }
        return u.on(table, keys.serial(w.serialNumber));
      }
    }
  }

  private putNew(item: Record<string, unknown>): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
    };
  }

  private putAudit(certificateNumber: string, audit: CorrectionAudit): TransactItem {
    return auditPut(this.tableName, certificateNumber, audit);
  }
}

/** Sets read back as sorted lists (renewedSerials), whatever the registration adapter does. */
function normalised(c: CertificateOnRecord): CertificateOnRecord {
  const serials = c.renewedSerials as unknown;
  return serials instanceof Set ? { ...c, renewedSerials: [...(serials as Set<string>)].sort() } : c;
}

/** The revision as read: another correction or a void committed meanwhile cancels the write. */
const revisionIs = (revision: number | undefined): [string, Record<string, unknown>] =>
  revision
    ? ['revision = :readRevision', { ':readRevision': revision }]
    : ['attribute_not_exists(revision)', {}];

/** The renewals as read: a renewal committed meanwhile cancels the write. */
const renewedByCount = (count: number): [string, Record<string, unknown>] =>
  count === 0
    ? ['attribute_not_exists(renewedBy)', {}]
    : ['size(renewedBy) = :readRenewals', { ':readRenewals': count }];

/** The reminder as read: the daily run moving it meanwhile cancels the write. */
function reminderIs(reminder: DueReminder | null): [string, Record<string, unknown>] {
  if (!reminder)
    return [
      '(attribute_not_exists(nextReminder) OR attribute_type(nextReminder, :nullType))',
      { ':nullType': 'NULL' },
    ];
  return [
    'nextReminder.#on = :readOn AND nextReminder.#offset = :readOffset',
    { ':readOn': reminder.on, ':readOffset': reminder.offset },
  ];
}

function setReminder(u: ItemUpdate, certificateNumber: string, next: DueReminder | null): void {
  u.set('nextReminder', next);
  if (!next) {
    u.remove('GSI2PK', 'GSI2SK');
    return;
  }
  const index = keys.dueIndex(next.on, 'REMINDER', `${certificateNumber}#${next.offset}`);
  u.set('GSI2PK', index.GSI2PK).set('GSI2SK', index.GSI2SK);
}

/** The roster moves one version on, as a contact change does: a change racing it decides again. */
function moveRoster(u: ItemUpdate, version: number, roster: CorrectionContext['holder']['roster']): void {
  u.set('roster', roster).set('rosterVersion', version + 1);
  u.condition(
    version === 0
      ? '(attribute_not_exists(rosterVersion) OR rosterVersion = :readVersion)'
      : 'rosterVersion = :readVersion',
    { ':readVersion': version },
  );
}

/**
 * A renewal's roster change undone on the holder, on the version read: roster, its Contact IDs,
 * the primary, and the former (replaced) Contact IDs set whole (a withdrawn ID joins, a
 * reinstated one leaves: one attribute, so set, never added and deleted in one expression).
 * Kept: only the version is checked.
 */
function revertRoster(revert: RosterRevert): ItemUpdate {
  const u = new ItemUpdate().condition(
    revert.version === 0
      ? '(attribute_not_exists(rosterVersion) OR rosterVersion = :readVersion)'
      : 'rosterVersion = :readVersion',
    { ':readVersion': revert.version },
  );
  if (revert.kind === 'KEPT') return u;
  u.set('roster', revert.roster)
    .set('rosterVersion', revert.version + 1)
    .set('contactIds', Object.keys(revert.roster).sort())
    .set('primaryContactId', revert.primaryContactId);
  if (revert.formerContactIds.length) u.set('formerContactIds', new Set(revert.formerContactIds));
  else u.remove('formerContactIds');
  return u;
}

/** One item's update expression, built clause by clause with a placeholder per value. */
class ItemUpdate {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly deletes: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {
    '#on': 'on',
    '#offset': 'offset',
    '#status': 'status',
    '#role': 'role',
  };
  private readonly values: Record<string, unknown> = {};
  private n = 0;

  get empty(): boolean {
    return !this.sets.length && !this.removes.length && !this.deletes.length;
  }

  private name(attribute: string): string {
    const placeholder = `#a${this.n++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  private value(value: unknown): string {
    const placeholder = `:v${this.n++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** A list element (`terms[2]`): its index is part of the expression. */
  setPath(path: string, value: unknown): this {
    this.sets.push(`${path} = ${this.value(value)}`);
    return this;
  }

  remove(...attributes: string[]): this {
    this.removes.push(...attributes.map((a) => this.name(a)));
    return this;
  }

  removePath(path: string): this {
    this.removes.push(path);
    return this;
  }

  delete(attribute: string, members: string[]): this {
    if (members.length) this.deletes.push(`${this.name(attribute)} ${this.value(new Set(members))}`);
    return this;
  }

  condition(expression: string, values: Record<string, unknown> = {}): this {
    this.conditions.push(expression);
    Object.assign(this.values, values);
    return this;
  }

  /** Only the conditions, as a ConditionCheck: nothing written, the transaction still held by them. */
  check(tableName: string, key: { PK: string; SK: string }): TransactItem {
    const text = this.conditions.join(' ');
    const used = ([k]: [string, unknown]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(text);
    const names = Object.fromEntries(Object.entries(this.names).filter(used));
    const values = Object.fromEntries(Object.entries(this.values).filter(used));
    return {
      ConditionCheck: {
        TableName: tableName,
        Key: key,
        ConditionExpression: this.conditions.join(' AND '),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  on(tableName: string, key: { PK: string; SK: string }): TransactItem {
    const expression = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.deletes.length ? `DELETE ${this.deletes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const text = `${expression} ${this.conditions.join(' ')}`;
    // Only the placeholders the expressions use: DynamoDB refuses unused ones.
    const used = ([k]: [string, unknown]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(text);
    const names = Object.fromEntries(Object.entries(this.names).filter(used));
    const values = Object.fromEntries(Object.entries(this.values).filter(used));
    return {
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: expression,
        ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }
}
