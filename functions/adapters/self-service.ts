/**
 * Customer self-service Contact ID requests: the certificate named and the day's count read
 * in one round trip (whatever the identifiers, so a miss costs what a hit does), and an owed
 * email committed as one transaction: the count moved on from the value read, the Contact ID
 * email as a PENDING notice of its own, and the audit event.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import { contactIdResent } from '../core/events.ts';
import type { Notice } from '../core/notices.ts';
import type { RegisteredCertificate } from '../core/registration.ts';
import { batchGetAll } from './batch-get.ts';
import { strip } from './items.ts';
import { outboxPut } from './outbox.ts';
import { auditPut, type ContactRecord, RegistrationStore } from './registrations.ts';
import { keys } from './table-design.ts';

/** The attribute the table's time to live reads (epoch seconds): DynamoDB deletes the item after it. */
export const EXPIRES_AT = 'expiresAt';

/** How many Contact ID emails self-service owed a certificate on a UTC day; gone two days later. */
export const selfServiceCounterKey = (certificateNumber: string, day: string) => ({
  PK: `SELFSERVICE#${certificateNumber}`,
  SK: `DAY#${day}`,
});

export interface SelfServiceAudit {
  action: 'CONTACT_ID_SELF_SERVICE_RESENT';
  at: string;
  requestId: string;
  /** The certificate number the customer gave (a renewal, or the certificate holding the contacts). */
  via: string;
  contactId: string;
  email: string;
  /** The email owed: `self-service-<via>-<day>-<n>`, a notice item of its own. */
  noticeId: string;
  actor: Actor;
}

export interface ContactIdResendOwed {
  certificateNumber: string;
  day: string;
  /** The day's count as read: the write moves it to `seen + 1` only if it is still that. */
  seen: number;
  expiresAt: number;
  contactId: string;
  /** The certificate holding the contacts: where contact events are audited. */
  rosterCertificate: string;
  notice: Notice;
  audit: SelfServiceAudit;
}

export class SelfServiceStore {
  private readonly registrations: RegistrationStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.registrations = new RegistrationStore(db, tableName);
  }

  /** The certificate (null if unknown) and the emails already owed to it on `day`, read strongly consistent. */
  async load(
    certificateNumber: string,
    day: string,
  ): Promise<{ certificate: RegisteredCertificate | null; sentToday: number }> {
    const certificateKey = keys.certificate(certificateNumber);
    const items = await batchGetAll(
      this.db,
      this.tableName,
      [certificateKey, selfServiceCounterKey(certificateNumber, day)],
      { consistentRead: true },
    );
    const certificate = items.find((i) => i.PK === certificateKey.PK && i.SK === certificateKey.SK);
    const counter = items.find((i) => i.PK !== certificateKey.PK);
    return {
      certificate: certificate ? strip<RegisteredCertificate>(certificate) : null,
      sentToday: Number(counter?.count ?? 0),
    };
  }

  /** The certificate holding a renewal's contacts. */
  getCertificate(certificateNumber: string): Promise<RegisteredCertificate | null> {
    return this.registrations.getCertificate(certificateNumber);
  }

  getContact(contactId: string): Promise<ContactRecord | null> {
    return this.registrations.getContact(contactId);
  }

  /**
   * Owes one email, all or nothing. Cancelled (TransactionCanceledException) when another
   * request moved the count first, the certificate was voided or the contact replaced
   * meanwhile: the caller reads again and decides again.
   */
  async commitResend(owed: ContactIdResendOwed): Promise<void> {
    const { notice } = owed;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: selfServiceCounterKey(owed.certificateNumber, owed.day),
              UpdateExpression: `SET #count = :next, #expiresAt = :expiresAt, certificateNumber = :certificate, #day = :day`,
              // The count as read (below the limit, or the item absent): each value is won once,
              // so the limit holds and each email has its own notice id.
              ConditionExpression: owed.seen === 0 ? 'attribute_not_exists(PK)' : '#count = :seen',
              ExpressionAttributeNames: { '#count': 'count', '#expiresAt': EXPIRES_AT, '#day': 'day' },
              ExpressionAttributeValues: {
                ':next': owed.seen + 1,
                ':expiresAt': owed.expiresAt,
                ':certificate': owed.certificateNumber,
                ':day': owed.day,
                ...(owed.seen === 0 ? {} : { ':seen': owed.seen }),
              },
            },
          },
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: keys.certificate(owed.certificateNumber),
              ConditionExpression:
                'attribute_exists(PK) AND (attribute_not_exists(#status) OR #status <> :void)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':void': 'VOID' },
            },
          },
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: keys.contact(owed.contactId),
              ConditionExpression: '#status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':active': 'ACTIVE' },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.notice(notice.id),
                ...keys.pendingNotice(notice.id, notice.createdAt),
                type: 'Notice',
                certificateNumber: owed.certificateNumber,
                notice,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          auditPut(this.tableName, owed.rosterCertificate, owed.audit),
          outboxPut(
            this.tableName,
            contactIdResent(
              {
                contactId: owed.contactId,
                certificateNumber: owed.certificateNumber,
                noticeId: notice.id,
                at: owed.audit.at,
              },
              owed.audit.actor,
            ),
          ),
        ],
      }),
    );
  }
}
