/**
 * A small in-memory stand-in for the single table, behind `mockClient(DynamoDBDocumentClient)`,
 * so handler tests run the real adapters (RegistrationStore, NoticeStore) against the
 * commands they really send. It knows exactly the condition and update expressions the
 * adapters use and throws on anything else, so a changed expression fails loudly here
 * instead of passing unchecked. The storage engine itself is tested in test/workflows
 * and test/e2e against DynamoDB Local.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, any>;
type Key = { PK: string; SK: string };
type Values = Record<string, any>;

const id = (key: Key) => `${key.PK}\u0000${key.SK}`;
const metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };

export class FakeTable {
  readonly items = new Map<string, Item>();

  constructor(readonly tableName: string) {}

  /** Route the document client's commands to this table; like the SDK, each answers with a promise. */
  install(ddb: AwsClientStub<DynamoDBDocumentClient>): this {
    ddb.on(GetCommand).callsFake(async (input) => this.get(input));
    ddb.on(BatchGetCommand).callsFake(async (input) => this.batchGet(input));
    ddb.on(QueryCommand).callsFake(async (input) => this.query(input));
    ddb.on(TransactWriteCommand).callsFake(async (input) => this.transactWrite(input));
    ddb.on(UpdateCommand).callsFake(async (input) => this.update(input));
    return this;
  }

  item(key: Key): Item | undefined {
    const found = this.items.get(id(key));
    return found ? structuredClone(found) : undefined;
  }

  put(item: Item): void {
    this.items.set(id(item as Key), structuredClone(item));
  }

  private checkTable(name: string | undefined): void {
    if (name !== this.tableName) throw new Error(`fake table: unexpected table ${name}`);
  }

  private get(input: any) {
    this.checkTable(input.TableName);
    const item = this.item(input.Key);
    if (!item) return {};
    if (!input.ProjectionExpression) return { Item: item };
    // Top-level attributes only, as the handlers project them (`notice, #lines, receipts`).
    const names = String(input.ProjectionExpression)
      .split(',')
      .map((n) => n.trim())
      .map((n) => (n.startsWith('#') ? input.ExpressionAttributeNames?.[n] : n));
    if (names.some((n) => !n || /[.[]/.test(n)))
      throw new Error(`fake table: projection ${input.ProjectionExpression}`);
    return { Item: Object.fromEntries(names.filter((n) => n in item).map((n) => [n, item[n]])) };
  }

  private batchGet(input: any) {
    const [name, ...others] = Object.keys(input.RequestItems);
    if (others.length) throw new Error('fake table: one table per batch');
    this.checkTable(name);
    const keys: Key[] = input.RequestItems[name!].Keys;
    if (keys.length > 100) throw new Error('fake table: more than 100 keys in a batch');
    if (new Set(keys.map(id)).size !== keys.length)
      throw Object.assign(new Error('Provided list of item keys contains duplicates'), {
        name: 'ValidationException',
      });
    const found = keys.map((k) => this.item(k)).filter((i): i is Item => i !== undefined);
    return { Responses: { [name!]: found }, UnprocessedKeys: {} };
  }

  private query(input: any) {
    this.checkTable(input.TableName);
    if (input.KeyConditionExpression !== 'PK = :pk AND begins_with(SK, :prefix)')
      throw new Error(`fake table: query ${input.KeyConditionExpression}`);
    const { ':pk': pk, ':prefix': prefix } = input.ExpressionAttributeValues;
    const items = [...this.items.values()]
      .filter((i) => i.PK === pk && String(i.SK).startsWith(prefix))
      .sort((a, b) => (a.SK < b.SK ? -1 : 1))
      .map((i) => structuredClone(i));
    return { Items: items, Count: items.length };
  }

  /** TransactWriteItems: all conditions hold, then every action applies; else TransactionCanceledException. */
  transactWrite(input: any) {
    const actions: any[] = input.TransactItems;
    if (actions.length > 100) throw new Error('fake table: more than 100 actions');
    const planned = actions.map((action) => {
      if (action.Put) {
        const { TableName, Item, ConditionExpression } = action.Put;
        this.checkTable(TableName);
        return {
          key: Item as Key,
          ok: this.holds(ConditionExpression, this.item(Item), {}),
          apply: () => this.put(Item),
        };
      }
      if (action.Update) {
        const {
          TableName,
          Key,
          ConditionExpression,
          UpdateExpression,
          ExpressionAttributeValues = {},
        } = action.Update;
        this.checkTable(TableName);
        const current = this.item(Key);
        return {
          key: Key as Key,
          ok: this.holds(ConditionExpression, current, ExpressionAttributeValues),
          apply: () => this.put(applyUpdate(UpdateExpression, current!, ExpressionAttributeValues, {})),
        };
      }
      throw new Error(`fake table: transaction action ${Object.keys(action)}`);
    });
    if (new Set(planned.map((p) => id(p.key))).size !== planned.length)
      throw Object.assign(new Error('Transaction request cannot include multiple operations on one item'), {
        name: 'ValidationException',
      });
    if (planned.some((p) => !p.ok))
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: metadata,
        CancellationReasons: planned.map((p) => ({ Code: p.ok ? 'None' : 'ConditionalCheckFailed' })),
      });
    for (const p of planned) p.apply();
    return { ConsumedCapacity: [{ TableName: this.tableName, CapacityUnits: 2 * planned.length }] };
  }

  private update(input: any) {
    this.checkTable(input.TableName);
    const { Key, ConditionExpression, UpdateExpression, ExpressionAttributeValues = {} } = input;
    const names = input.ExpressionAttributeNames ?? {};
    const current = this.item(Key);
    if (!this.holds(ConditionExpression, current, ExpressionAttributeValues, names))
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: metadata,
      });
    this.put(applyUpdate(UpdateExpression, current ?? { ...Key }, ExpressionAttributeValues, names));
    return {};
  }

  /** The condition expressions the adapters use, evaluated on the current item. */
  private holds(
    condition: string | undefined,
    item: Item | undefined,
    values: Values,
    names: Values = {},
  ): boolean {
    switch (condition) {
      case undefined:
        return true;
      case 'attribute_not_exists(PK)':
        return item === undefined;
      case 'attribute_exists(PK)':
        return item !== undefined;
      case 'attribute_exists(PK) AND NOT contains(termCertificates, :certNumber)':
        return (
          item !== undefined &&
          !(item.termCertificates as Set<string> | undefined)?.has(values[':certNumber'])
        );
      case 'notice.#status = :pending':
        return names['#status'] === 'status' && item?.notice?.status === values[':pending'];
      case 'attribute_exists(PK) AND notice.#status <> :pending':
        return (
          names['#status'] === 'status' && item !== undefined && item.notice?.status !== values[':pending']
        );
      default:
        throw new Error(`fake table: condition ${condition}`);
    }
  }
}

/** The update expressions the adapters use. */
function applyUpdate(expression: string, item: Item, values: Values, names: Values): Item {
  const next = structuredClone(item);
  switch (expression) {
    case 'SET terms = list_append(terms, :term) ADD termCertificates :cert':
      next.terms = [...(next.terms ?? []), ...values[':term']];
      next.termCertificates = new Set([...(next.termCertificates ?? []), ...values[':cert']]);
      return next;
    case 'REMOVE GSI2PK, GSI2SK SET nextReminder = :none ADD renewedBy :by':
      delete next.GSI2PK;
      delete next.GSI2SK;
      next.nextReminder = values[':none'];
      next.renewedBy = new Set([...(next.renewedBy ?? []), ...values[':by']]);
      return next;
    case 'SET notice.#status = :sent, notice.messageId = :id, notice.sentAt = :at REMOVE GSI3PK, GSI3SK':
      if (names['#status'] !== 'status') throw new Error('fake table: #status');
      delete next.GSI3PK;
      delete next.GSI3SK;
      next.notice = {
        ...next.notice,
        status: values[':sent'],
        messageId: values[':id'],
        sentAt: values[':at'],
      };
      return next;
    case 'SET notice.#status = :undeliverable, notice.failure = :failure, notice.failedAt = :at REMOVE GSI3PK, GSI3SK':
      if (names['#status'] !== 'status') throw new Error('fake table: #status');
      delete next.GSI3PK;
      delete next.GSI3SK;
      next.notice = {
        ...next.notice,
        status: values[':undeliverable'],
        failure: values[':failure'],
        failedAt: values[':at'],
      };
      return next;
    case 'REMOVE GSI3PK, GSI3SK':
      delete next.GSI3PK;
      delete next.GSI3SK;
      return next;
    default:
      throw new Error(`fake table: update ${expression}`);
  }
}
