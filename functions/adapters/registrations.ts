/**
 * Registration persistence: loads what `decideRegistration` needs and commits its
 * decision in one DynamoDB transaction, so a registration is stored whole or not at all.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CoverageTerm } from '../core/coverage.ts';
import type { Notice } from '../core/notices.ts';
import type {
  Contact,
  RegisteredCertificate,
  RegisteredSerial,
  RegistrationContext,
  RegistrationDecision,
  Roster,
} from '../core/registration.ts';
import { versionSortKey } from '../core/versions.ts';
import { batchGetAll } from './batch-get.ts';
import { getRecord, queryPrefix, strip, type TransactItem } from './items.ts';
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
};

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
    const rootItems = roots.length ? await this.batchGet(roots.map(keys.certificate)) : [];
    const primaryContactOf = Object.fromEntries(
      rootItems.map((c) => [c.certificateNumber as string, c.primaryContactId as string]),
    );
    return {
      certificate: certificate ? record<CertificateRecord>(certificate) : null,
      serials,
      primaryContactOf,
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

  /**
   * Commit a decision atomically. Every put is conditional, so a racing identical
   * request, a Contact ID collision or a serial registered meanwhile cancels the
   * whole transaction; the caller reloads and decides again.
   */
  async commit(decision: Exclude<RegistrationDecision, { kind: 'REPLAY' }>, notice: Notice | null) {
    const items: TransactItem[] = [];
    const { certificate } = decision;
    const contactIds = decision.kind === 'CREATE' ? [decision.contact.contactId] : [];
    items.push(this.putNew(certificateItem(certificate, contactIds)));
    if (decision.kind === 'CREATE') items.push(this.putNew(contactItem(decision.contact, notice)));
    for (const serial of decision.newSerials) items.push(this.putNew(serialItem(serial)));
    if (decision.kind === 'RENEW') {
      for (const { serial, term } of decision.extendedSerials) items.push(this.extendCoverage(serial, term));
      for (const renewed of certificate.renewalOf)
        items.push(this.stopReminders(renewed, certificate.certificateNumber));
    }
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

  /** The renewed certificate's reminders still due stop: it leaves the due-date index. */
  private stopReminders(certificateNumber: string, renewedBy: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.certificate(certificateNumber),
        UpdateExpression: 'REMOVE GSI2PK, GSI2SK SET nextReminder = :none ADD renewedBy :by',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':none': null, ':by': new Set([renewedBy]) },
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

function certificateItem(c: RegisteredCertificate, contactIds: string[]): Record<string, unknown> {
  return {
    ...keys.certificate(c.certificateNumber),
    ...keys.orderLookup(c.salesOrderNumber, c.certificateNumber),
    ...(c.nextReminder
      ? keys.dueIndex(c.nextReminder.on, 'REMINDER', `${c.certificateNumber}#${c.nextReminder.offset}`)
      : {}),
    type: 'Certificate',
    ...c,
    contactIds,
  };
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

function serialItem(s: RegisteredSerial): Record<string, unknown> {
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
  const { termCertificates, renewedBy, formerContactIds, ...rest } = strip(item);
  return {
    ...rest,
    ...(renewedBy instanceof Set ? { renewedBy: [...renewedBy].sort() } : {}),
    ...(formerContactIds instanceof Set ? { formerContactIds: [...formerContactIds].sort() } : {}),
  } as T;
}
