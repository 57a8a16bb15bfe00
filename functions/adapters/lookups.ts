/**
 * Certificate lookups (GET /certificates?…): every one through a key, never a Scan.
 * - serialNumber: the serial (GetItem); its coverage terms name its certificates, the first
 *   registration and every renewal;
 * - contactId: the contact (GetItem); the certificate holding it, and every certificate that
 *   covers its serials (the renewals it serves too);
 * - salesOrderNumber, supportIdentifier, email: the Lookup index (Query, keys only) names the
 *   certificates, serials or contacts (BatchGet), then as above.
 * Then the certificates themselves, in one BatchGet. At most MAX_LOOKUP_CERTIFICATES.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type CertificateLookup, MAX_LOOKUP_CERTIFICATES } from '../core/lookups.ts';
import type { Contact, RegisteredCertificate, RegisteredSerial } from '../core/registration.ts';
import { batchGetAll } from './batch-get.ts';
import { getRecord, queryPages, strip } from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

export interface LookupResult {
  certificates: RegisteredCertificate[];
  /** More certificates match than one answer lists. */
  truncated: boolean;
}

/** Where a lookup leads before the certificates are read: their keys, and whether some were left out. */
interface Found {
  certificates: ItemKey[];
  truncated: boolean;
}

/** An item's key (a type, not an interface, so a batch read takes it as a record). */
type ItemKey = { PK: string; SK: string };

const { lookup: LOOKUP } = TABLE_DESIGN.indexes;

// The Lookup index's partition for a value (the item part of the key is not needed to query).
const PARTITION = {
  salesOrderNumber: (n: string) => keys.orderLookup(n, '').GSI4PK,
  supportIdentifier: (id: string) => keys.supportIdentifierLookup(id, '').GSI4PK,
  email: (address: string) => keys.emailLookup(address, '').GSI4PK,
};

const itemKey = (item: Record<string, unknown>): ItemKey => ({ PK: String(item.PK), SK: String(item.SK) });

export class CertificateLookups {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(lookup: CertificateLookup): Promise<LookupResult> {
    const found = await this.certificateKeys(lookup);
    const unique = [...new Map(found.certificates.map((k) => [k.PK, k])).values()];
    const listed = unique.slice(0, MAX_LOOKUP_CERTIFICATES);
    const items = await batchGetAll(this.db, this.tableName, listed);
    return {
      certificates: items.map((i) => strip<RegisteredCertificate>(i)),
      truncated: found.truncated || unique.length > listed.length,
    };
  }

  private async certificateKeys({ by, value }: CertificateLookup): Promise<Found> {
    switch (by) {
      case 'salesOrderNumber':
        // The index entry is on the certificate item itself.
        return this.indexed(PARTITION.salesOrderNumber(value));
      case 'serialNumber': {
        const serial = await getRecord<RegisteredSerial>(this.db, this.tableName, keys.serial(value));
        return { certificates: serial ? certificatesOf([serial]) : [], truncated: false };
      }
      case 'supportIdentifier': {
        const serialKeys = await this.indexed(PARTITION.supportIdentifier(value));
        const serials = await this.read<RegisteredSerial>(serialKeys.certificates);
        return { certificates: certificatesOf(serials), truncated: serialKeys.truncated };
      }
      case 'contactId': {
        const contact = await getRecord<Contact>(this.db, this.tableName, keys.contact(value));
        return { certificates: contact ? await this.contactsCertificates([contact]) : [], truncated: false };
      }
      case 'email': {
        const contactKeys = await this.indexed(PARTITION.email(value));
        const contacts = await this.read<Contact>(contactKeys.certificates);
        return { certificates: await this.contactsCertificates(contacts), truncated: contactKeys.truncated };
      }
    }
  }

  /**
   * The serials a support identifier names (GET /entitlements?supportIdentifier=), read
   * strongly consistent. The index is eventually consistent: a serial read back that no
   * longer carries the identifier (corrected meanwhile) is not one it names.
   */
  async serialsBySupportIdentifier(supportIdentifier: string): Promise<RegisteredSerial[]> {
    const { certificates: serialKeys } = await this.indexed(PARTITION.supportIdentifier(supportIdentifier));
    if (serialKeys.length === 0) return [];
    const items = await batchGetAll(this.db, this.tableName, serialKeys, { consistentRead: true });
    return items
      .map((i) => {
        const { termCertificates: _, ...serial } = strip(i);
        return serial as unknown as RegisteredSerial;
      })
      .filter((s) => s.supportIdentifier === supportIdentifier)
      .sort((a, b) => (a.serialNumber < b.serialNumber ? -1 : 1));
  }

  /** The keys of the items a Lookup partition names, at most MAX_LOOKUP_CERTIFICATES of them. */
  private async indexed(partition: string): Promise<Found> {
    const found: ItemKey[] = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      IndexName: LOOKUP.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': LOOKUP.partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
      Limit: MAX_LOOKUP_CERTIFICATES + 1,
    });
    for await (const page of pages) {
      found.push(...page.map(itemKey));
      if (found.length > MAX_LOOKUP_CERTIFICATES)
        return { certificates: found.slice(0, MAX_LOOKUP_CERTIFICATES), truncated: true };
    }
    return { certificates: found, truncated: false };
  }

  /** The certificate holding each contact, and every certificate covering the contacts' serials. */
  private async contactsCertificates(contacts: Contact[]): Promise<ItemKey[]> {
    const serialNumbers = [...new Set(contacts.flatMap((c) => c.serialNumbers ?? []))];
    const serials = await this.read<RegisteredSerial>(serialNumbers.map(keys.serial));
    const holders = [...new Set(contacts.map((c) => c.certificateNumber))].sort().map(keys.certificate);
    return [...holders, ...certificatesOf(serials)];
  }

  private async read<T>(itemKeys: ItemKey[]): Promise<T[]> {
    if (itemKeys.length === 0) return [];
    return (await batchGetAll(this.db, this.tableName, itemKeys)).map((i) => strip<T>(i));
  }
}

/** Every certificate a serial's coverage names: the first registration and each renewal. */
const certificatesOf = (serials: RegisteredSerial[]): ItemKey[] =>
  [...new Set(serials.flatMap((s) => (s.terms ?? []).map((t) => t.certificateNumber)))]
    .sort()
    .map(keys.certificate);
