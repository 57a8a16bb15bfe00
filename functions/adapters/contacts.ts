/**
 * Contact changes: loads what the contacts core decides on and commits its decision in
 * one transaction, conditioned on the roster's version, so concurrent changes serialise
 * (the loser reloads and decides again) and a tier's limit cannot be overshot.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import type { ContactChange, ContactsContext } from '../core/contacts.ts';
import { contactChangeEvents, contactIdResent } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import type { Roster } from '../core/registration.ts';
import type { TransactItem } from './items.ts';
import { outboxPut, outboxPuts } from './outbox.ts';
import { auditPut, type ContactRecord, RegistrationStore, retireContact } from './registrations.ts';
import { keys } from './table-design.ts';

/** What happened, as the audit trail shows it (emails are masked when read). */
export interface AuditEvent {
  action: 'CONTACT_ADDED' | 'CONTACT_REPLACED' | 'CONTACT_ID_RESENT';
  at: string;
  requestId: string;
  /** Who asked for it. */
  actor: Actor;
  /** The certificate number the caller named (a renewal certificate or the original). */
  via: string;
  contactId: string;
  replacedContactId?: string;
  email?: string;
  serialNumbers?: string[];
}

export class ContactsStore {
  private readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  getContact(contactId: string): Promise<ContactRecord | null> {
    return this.registrations.getContact(contactId);
  }

  /** The named certificate, the certificate holding its roster, and its serials; null if unknown. */
  async loadContext(certificateNumber: string): Promise<ContactsContext | null> {
    const certificate = await this.registrations.getCertificate(certificateNumber);
    if (!certificate) return null;
    const holder =
      certificate.contactsCertificate === certificateNumber
        ? certificate
        : await this.registrations.getCertificate(certificate.contactsCertificate);
    if (!holder)
      throw new Error(`certificate ${certificate.contactsCertificate} holding the contacts is missing`);
    const serials = await this.registrations.getSerials(certificate.products.map((p) => p.serialNumber));
    return {
      certificate,
      roster: {
        certificateNumber: holder.certificateNumber,
        entries: holder.roster ?? {},
        version: holder.rosterVersion ?? 0,
      },
      serials,
    };
  }

  /** ADDED or REPLACED: roster, new contact (with its Contact ID email owed), old contact, audit — all or nothing. */
  async commitChange(
    context: ContactsContext,
    change: Extract<ContactChange, { kind: 'ADDED' | 'REPLACED' }>,
    notice: Notice,
    audit: AuditEvent,
  ): Promise<void> {
    const items: TransactItem[] = [
      this.updateRoster(
        context.roster.certificateNumber,
        context.roster.version,
        change.roster,
        change.kind === 'REPLACED' ? change.replaced.contactId : undefined,
      ),
      {
        Put: {
          TableName: this.tableName,
          // A Contact ID is never reused: the put fails if the ID was ever issued.
          Item: {
            ...keys.contact(change.contact.contactId),
            ...keys.pendingNotice(notice.id, notice.createdAt),
            ...keys.emailLookup(change.contact.email, change.contact.contactId),
            type: 'Contact',
            ...change.contact,
            notice,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      this.putAudit(context.roster.certificateNumber, audit),
    ];
    if (change.kind === 'REPLACED') items.push(retireContact(this.tableName, change.replaced));
    const events = contactChangeEvents(
      {
        kind: change.kind,
        contact: change.contact,
        ...(change.kind === 'REPLACED' ? { replacedContactId: change.replaced.contactId } : {}),
      },
      audit.at,
      audit.actor,
    );
    items.push(...outboxPuts(this.tableName, events));
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * A resend: the contact's Contact ID email is owed again under a new notice id. A second
   * request with the same notice id (same window) fails the condition: one email.
   */
  async commitResend(certificateNumber: string, contactId: string, notice: Notice, audit: AuditEvent) {
    const pending = keys.pendingNotice(notice.id, notice.createdAt);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.contact(contactId),
              UpdateExpression: 'SET notice = :notice, GSI3PK = :pendingPk, GSI3SK = :pendingSk',
              ConditionExpression:
                'attribute_exists(PK) AND #status = :active AND (attribute_not_exists(notice) OR notice.id <> :id)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':notice': notice,
                ':id': notice.id,
                ':active': 'ACTIVE',
                ':pendingPk': pending.GSI3PK,
                ':pendingSk': pending.GSI3SK,
              },
            },
          },
          this.putAudit(certificateNumber, audit),
          outboxPut(
            this.tableName,
            contactIdResent({ contactId, certificateNumber, noticeId: notice.id, at: audit.at }, audit.actor),
          ),
        ],
      }),
    );
  }

  /** The roster moves one version on; a replaced Contact ID joins `formerContactIds`, so reads still show it. */
  private updateRoster(
    certificateNumber: string,
    version: number,
    roster: Roster,
    former?: string,
  ): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.certificate(certificateNumber),
        UpdateExpression: `SET roster = :roster, rosterVersion = :next, contactIds = :ids${former ? ' ADD formerContactIds :former' : ''}`,
        ConditionExpression:
          version === 0 ? 'attribute_not_exists(rosterVersion)' : 'rosterVersion = :version',
        ExpressionAttributeValues: {
          ':roster': roster,
          ':next': version + 1,
          ':ids': Object.keys(roster).sort(),
          ...(version === 0 ? {} : { ':version': version }),
          ...(former ? { ':former': new Set([former]) } : {}),
        },
      },
    };
  }

  private putAudit(certificateNumber: string, audit: AuditEvent): TransactItem {
    return auditPut(this.tableName, certificateNumber, audit);
  }
}
