/**
 * The serials a support identifier names (GET /entitlements?supportIdentifier=): the Lookup
 * index (keys only) names them, one BatchGet reads them, strongly consistent. Never a Scan.
 * The index is eventually consistent: a serial read back that no longer carries the
 * identifier (or is gone) is not one it names.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RegisteredSerial } from '../core/registration.ts';
import { batchGetAll } from './batch-get.ts';
import { queryPages, strip } from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** A support identifier is one product's: more than a handful of serials under one is not a lookup. */
const MAX_SERIALS = 25;

const { lookup: LOOKUP } = TABLE_DESIGN.indexes;

export class SupportIdentifierLookup {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async serialsOf(supportIdentifier: string): Promise<RegisteredSerial[]> {
    const serialKeys: Array<{ PK: string; SK: string }> = [];
    const pages = queryPages(this.db, {
      TableName: this.tableName,
      IndexName: LOOKUP.indexName,
      KeyConditionExpression: `${LOOKUP.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.supportIdentifierLookup(supportIdentifier, '').GSI4PK },
      Limit: MAX_SERIALS,
    });
    for await (const items of pages) {
      for (const item of items) serialKeys.push({ PK: String(item.PK), SK: String(item.SK) });
      if (serialKeys.length >= MAX_SERIALS) break;
    }
    if (serialKeys.length === 0) return [];
    const items = await batchGetAll(this.db, this.tableName, serialKeys.slice(0, MAX_SERIALS), {
      consistentRead: true,
    });
    return items
      .map((i) => {
        const { termCertificates: _, ...serial } = strip(i);
        return serial as unknown as RegisteredSerial;
      })
      .filter((s) => s.supportIdentifier === supportIdentifier)
      .sort((a, b) => (a.serialNumber < b.serialNumber ? -1 : 1));
  }
}
