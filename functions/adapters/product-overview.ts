/**
 * A product as its lifecycle pages read it: the product's partition (`PRODUCT#<p>`) in one
 * Query — majors' lifecycles, their history, releases — and, for product managers, the
 * upgrade decisions taken per release. Never a Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MajorLifecycle } from '../core/lifecycle.ts';
import type { Release } from '../core/upgrades.ts';
import { batchGetAll } from './batch-get.ts';
import { queryAll, strip } from './items.ts';
import type { LifecycleEvent } from './lifecycle.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

export interface ProductRecords {
  lifecycles: MajorLifecycle[];
  /** Each major's history, oldest first. */
  history: Map<number, LifecycleEvent[]>;
  /** In version order. */
  releases: Release[];
}

export interface DecisionCounts {
  entitled: number;
  notEntitled: number;
}

const EVENT_MAJOR = /^MAJOR#(\d+)#EVENT#/;

export class ProductStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Everything the product's partition holds, in one Query (its items sort by kind, then major or version). */
  async read(product: string): Promise<ProductRecords> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: `${TABLE_DESIGN.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.productIndexPartition(product) },
      ConsistentRead: true,
    });
    const records: ProductRecords = { lifecycles: [], history: new Map(), releases: [] };
    for (const item of items) {
      if (item.type === 'Lifecycle') records.lifecycles.push(strip<MajorLifecycle>(item));
      else if (item.type === 'Release') records.releases.push(strip<Release>(item));
      else if (item.type === 'LifecycleEvent') {
        const major = Number(EVENT_MAJOR.exec(String(item.SK))?.[1]);
        if (!Number.isFinite(major)) continue;
        records.history.set(major, [...(records.history.get(major) ?? []), strip<LifecycleEvent>(item)]);
      }
    }
    return records;
  }

  /**
   * How many serials each release's GA decisions found entitled or not, by release version key.
   * Nothing stores the counts: the product's serials come from the ByProduct index (a Query,
   * keys only), then each (serial, release) decision is read by its key (BatchGetItem, only
   * `entitled`). It costs a read per serial and release: fine for a product manager's page,
   * not for a hot path. Serials no longer registered (a void certificate freed them) are not counted.
   */
  async decisionCounts(
    product: string,
    releases: ReadonlyArray<Pick<Release, 'versionKey'>>,
  ): Promise<Map<string, DecisionCounts>> {
    const counts = new Map(releases.map((r) => [r.versionKey, { entitled: 0, notEntitled: 0 }]));
    if (releases.length === 0) return counts;
    const { indexName, partitionKey } = TABLE_DESIGN.indexes.byProduct;
    const serials = await queryAll<{ PK: string }>(this.db, {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :product`,
      ExpressionAttributeValues: { ':product': keys.productIndexPartition(product) },
      ProjectionExpression: 'PK',
    });
    const serialNumbers = [...new Set(serials.map((s) => s.PK.slice('SERIAL#'.length)))];
    const decisions = await batchGetAll(
      this.db,
      this.tableName,
      serialNumbers.flatMap((serial) =>
        releases.map((r) => keys.upgradeDecision(serial, product, r.versionKey)),
      ),
      { projection: 'SK, entitled' },
    );
    const prefix = keys.upgradeDecision('', product, '').SK;
    for (const decision of decisions) {
      const count = counts.get(String(decision.SK).slice(prefix.length));
      if (!count) continue;
      if (decision.entitled === true) count.entitled++;
      else count.notEntitled++;
    }
    return counts;
  }
}
