/**
 * Releases and upgrade decisions in the table: a release (`PRODUCT#<p>`, `RELEASE#<version
 * key>`) sits in the due-date index on its GA day until decided; the GA run reads the
 * product's serials on earlier versions from the ByProduct index in pages (never a Scan),
 * records one decision per serial once, and gathers each entitled contact's serials on one
 * upgrade notice, which the run delivers at the end.
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Notice } from '../core/notices.ts';
import type { RegisteredCertificate, RegisteredSerial } from '../core/registration.ts';
import type { Release, UpgradeDecision } from '../core/upgrades.ts';
import { backoff } from '../shared/backoff.ts';
import { batchGetAll, type ReadCost } from './batch-get.ts';
import { dueItems } from './due-index.ts';
import {
  addQueryCost,
  cancellationCodes,
  getRecord,
  queryPrefix,
  strip,
  type TransactItem,
  written,
} from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** Where a page of serials starts in the ByProduct index (null: the first page). */
export type PageStart = Record<string, unknown> | null;

export type { ReadCost } from './batch-get.ts';

export class ReleaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(product: string, versionKey: string): Promise<Release | null> {
    return getRecord(this.db, this.tableName, keys.release(product, versionKey));
  }

  /** Every announced release of a product, in version order. */
  async list(product: string): Promise<Release[]> {
    return (await queryPrefix(this.db, this.tableName, keys.releases(product))).map((i) => strip<Release>(i));
  }

  /** Whether any serial of the product is registered (one key of the ByProduct index). */
  async hasSerials(product: string): Promise<boolean> {
    const { indexName, partitionKey } = TABLE_DESIGN.indexes.byProduct;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :product`,
        ExpressionAttributeValues: { ':product': keys.productIndexPartition(product) },
        ProjectionExpression: 'PK',
        Limit: 1,
      }),
    );
    return (out.Items?.length ?? 0) > 0;
  }

  /** Written over the revision it was decided from; in the due-date index on its GA day. */
  async save(release: Release): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.release(release.product, release.versionKey),
          ...keys.dueIndex(release.gaDate, 'RELEASE', `${release.product}#${release.versionKey}`),
          type: 'Release',
          ...release,
        },
        ConditionExpression: release.revision === 1 ? 'attribute_not_exists(PK)' : 'revision = :previous',
        ...(release.revision === 1
          ? {}
          : { ExpressionAttributeValues: { ':previous': release.revision - 1 } }),
      }),
    );
  }

  /**
   * DECIDED, out of the due-date index, if the GA date is still `gaDate`: false when it
   * moved meanwhile (the release waits for its new date). Marking it again changes nothing.
   */
  markDecided(product: string, versionKey: string, gaDate: string, at: string): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.release(product, versionKey),
          UpdateExpression: 'SET #status = :decided, decidedAt = :at REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'gaDate = :gaDate',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': 'DECIDED', ':at': at, ':gaDate': gaDate },
        }),
      ),
    );
  }

  /**
   * Splits the product's serials on versions before `versionKey` into pages of `size`,
   * reading only their keys: the GA run fans out over the starts.
   */
  async pageStarts(product: string, versionKey: string, size: number, cost?: ReadCost): Promise<PageStart[]> {
    const starts: PageStart[] = [null];
    for await (const out of paginateQuery(
      { client: this.db, pageSize: size },
      this.serialsBefore(product, versionKey, true),
    )) {
      addQueryCost(cost, out);
      if (out.LastEvaluatedKey) starts.push(out.LastEvaluatedKey);
    }
    return starts;
  }

  /** One page of serials on versions before `versionKey`, from `start`. */
  async page(
    product: string,
    versionKey: string,
    start: PageStart,
    size: number,
    cost?: ReadCost,
  ): Promise<RegisteredSerial[]> {
    const out = await this.db.send(
      new QueryCommand({
        ...this.serialsBefore(product, versionKey, false),
        Limit: size,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    addQueryCost(cost, out);
    return (out.Items ?? []) as RegisteredSerial[];
  }

  /** The certificates holding these serials' contacts, read once each. */
  async rosters(certificateNumbers: string[], cost?: ReadCost): Promise<Map<string, RegisteredCertificate>> {
    const items = (await batchGetAll(
      this.db,
      this.tableName,
      [...new Set(certificateNumbers)].map((n) => keys.certificate(n)),
      { projection: 'certificateNumber, roster', ...(cost ? { cost } : {}) },
    )) as unknown as RegisteredCertificate[];
    return new Map(items.map((c) => [c.certificateNumber, c]));
  }

  /** Records a decision once: false when it was already recorded (a re-run decides nothing again). */
  recordDecision(decision: UpgradeDecision, versionKey: string): Promise<boolean> {
    return written(this.db.send(new PutCommand(this.decisionPut(decision, versionKey))));
  }

  /** A decision's record, put once. */
  private decisionPut(decision: UpgradeDecision, versionKey: string) {
    return {
      TableName: this.tableName,
      Item: {
        ...keys.upgradeDecision(decision.serialNumber, decision.product, versionKey),
        type: 'UpgradeDecision',
        ...decision,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
  }

  getDecision(serialNumber: string, product: string, versionKey: string): Promise<UpgradeDecision | null> {
    return getRecord(this.db, this.tableName, keys.upgradeDecision(serialNumber, product, versionKey));
  }

  /**
   * Adds entitled serials to a contact's upgrade notice (created on first use), and puts the
   * notice in the due-date index under the GA day so the run can deliver it at the end.
   * Adding to a set is idempotent: a repeated page adds nothing.
   */
  async owe(notice: Notice, lines: string[], gaDate: string, runKey: string): Promise<void> {
    const due = keys.dueIndex(gaDate, 'UPGRADE', `${runKey}#${notice.id}`);
    const pending = keys.pendingNotice(notice.id, notice.createdAt);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.notice(notice.id),
        UpdateExpression:
          'SET notice = if_not_exists(notice, :notice), #type = :type, GSI2PK = :pk, GSI2SK = :sk, GSI3PK = :ppk, GSI3SK = if_not_exists(GSI3SK, :psk) ADD #lines :lines',
        ExpressionAttributeNames: { '#type': 'type', '#lines': 'lines' },
        ExpressionAttributeValues: {
          ':notice': notice,
          ':type': 'Notice',
          ':lines': new Set(lines),
          ':pk': due.GSI2PK,
          ':sk': due.GSI2SK,
          ':ppk': pending.GSI3PK,
          ':psk': pending.GSI3SK,
        },
      }),
    );
  }

  /** A page of the notices a GA run owes, in one shard of its GA day. */
  async owedNotices(
    gaDate: string,
    shard: number,
    runKey: string,
    start: PageStart,
  ): Promise<{ noticeIds: string[]; next: PageStart }> {
    const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.dueByDate;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :due AND begins_with(${sortKey}, :prefix)`,
        ExpressionAttributeValues: {
          ':due': keys.dueShard(gaDate, shard),
          ':prefix': keys.dueSortKey('UPGRADE', `${runKey}#`),
        },
        ProjectionExpression: 'PK',
        Limit: 500,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { noticeIds: (out.Items ?? []).map(keys.noticeIdOf), next: out.LastEvaluatedKey ?? null };
  }

  /**
   * Records a decision taken after its release's GA date (a serial registered since) and, in
   * the same transaction, owes its upgrade notices: each is created PENDING, or gets the serial
   * as a line while still PENDING; a contact already told (SENT, UNDELIVERABLE) is left alone.
   * `due` puts the notices in the due-date index of a GA run still under way, which delivers
   * them with its own. `recorded` is false when the decision was already recorded (by the GA
   * run, or an earlier attempt): it stands, and nothing is owed again. `owed`: the notice ids
   * written, PENDING.
   */
  async recordLateDecision(
    decision: UpgradeDecision,
    versionKey: string,
    notices: ReadonlyArray<{ notice: Notice; line: string }>,
    due?: { gaDate: string; runKey: string },
  ): Promise<{ recorded: boolean; owed: string[] }> {
    const put: TransactItem = { Put: this.decisionPut(decision, versionKey) };
    // A transaction holds at most 100 items: the decision and its first 99 notices together.
    const first = await this.transactOwing(put, notices.slice(0, 99), due);
    if (!first.recorded) return { recorded: false, owed: [] };
    const owed = [...first.owed];
    for (let i = 99; i < notices.length; i += 100)
      owed.push(...(await this.transactOwing(null, notices.slice(i, i + 100), due)).owed);
    return { recorded: true, owed };
  }

  /** Of these upgrade notices, those still PENDING (a delivery may be started for them). */
  async pendingNotices(noticeIds: string[]): Promise<string[]> {
    if (noticeIds.length === 0) return [];
    const items = await batchGetAll(this.db, this.tableName, [...new Set(noticeIds)].map(keys.notice), {
      consistentRead: true,
      projection: 'PK, notice',
    });
    return items.filter((i) => (i.notice as Notice | undefined)?.status === 'PENDING').map(keys.noticeIdOf);
  }

  /**
   * One transaction: `head` (a conditional put, or nothing) and an owing update per notice.
   * A notice no longer PENDING is dropped and the rest written again; a conflict with a
   * concurrent writer is tried again. `recorded` is false when `head`'s condition failed.
   */
  private async transactOwing(
    head: TransactItem | null,
    notices: ReadonlyArray<{ notice: Notice; line: string }>,
    due?: { gaDate: string; runKey: string },
  ): Promise<{ recorded: boolean; owed: string[] }> {
    let left = [...notices];
    for (let attempt = 1; ; attempt++) {
      const items = [...(head ? [head] : []), ...left.map((n) => this.oweLate(n.notice, n.line, due))];
      if (items.length === 0) return { recorded: true, owed: [] };
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { recorded: true, owed: left.map((n) => n.notice.id) };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes || attempt >= 6) throw error;
        if (head && codes[0] === 'ConditionalCheckFailed') return { recorded: false, owed: [] };
        const told = new Set(
          codes
            .slice(head ? 1 : 0)
            .flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [left[i]!.notice.id] : [])),
        );
        left = left.filter((n) => !told.has(n.notice.id));
        if (told.size === 0) await backoff(attempt, 20);
      }
    }
  }

  /** Owes an upgrade notice, created PENDING or still PENDING, with one more line. */
  private oweLate(notice: Notice, line: string, due?: { gaDate: string; runKey: string }): TransactItem {
    const pending = keys.pendingNotice(notice.id, notice.createdAt);
    const dueIndex = due ? keys.dueIndex(due.gaDate, 'UPGRADE', `${due.runKey}#${notice.id}`) : null;
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.notice(notice.id),
        UpdateExpression: `SET notice = if_not_exists(notice, :notice), #type = :type, GSI3PK = :ppk, GSI3SK = if_not_exists(GSI3SK, :psk)${dueIndex ? ', GSI2PK = :dpk, GSI2SK = :dsk' : ''} ADD #lines :lines`,
        ConditionExpression: 'attribute_not_exists(notice) OR notice.#status = :pending',
        ExpressionAttributeNames: { '#type': 'type', '#lines': 'lines', '#status': 'status' },
        ExpressionAttributeValues: {
          ':notice': notice,
          ':type': 'Notice',
          ':lines': new Set([line]),
          ':pending': 'PENDING',
          ':ppk': pending.GSI3PK,
          ':psk': pending.GSI3SK,
          ...(dueIndex ? { ':dpk': dueIndex.GSI2PK, ':dsk': dueIndex.GSI2SK } : {}),
        },
      },
    };
  }

  /** Serials on versions before `versionKey` (they sort by version key): none on or after it. */
  private serialsBefore(product: string, versionKey: string, keysOnly: boolean): QueryCommandInput {
    const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.byProduct;
    return {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :product AND ${sortKey} < :release`,
      ExpressionAttributeValues: {
        ':product': keys.productIndexPartition(product),
        ':release': keys.versionIndexKey(versionKey),
      },
      ReturnConsumedCapacity: 'TOTAL',
      ...(keysOnly ? { ProjectionExpression: 'PK, SK, GSI1PK, GSI1SK' } : {}),
    };
  }
}

/** Releases whose GA day is among `days` and not yet decided, from the due-date index. */
export async function dueReleases(
  db: DynamoDBDocumentClient,
  tableName: string,
  days: string[],
): Promise<Release[]> {
  return (await dueItems(db, tableName, days, 'RELEASE'))
    .map((i) => strip<Release>(i))
    .filter((r) => r.status === 'SCHEDULED');
}
