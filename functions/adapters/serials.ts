/**
 * A serial's version in the table: the serial item (`SERIAL#<serial>`) carries the version
 * it runs, its place in the ByProduct index (the version key: GA runs and lifecycle impact
 * read serials by it) and its version history. A move rewrites all three in one write,
 * conditioned on the version it was decided from, so of two concurrent moves one wins.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RegisteredSerial } from '../core/registration.ts';
import type { VersionHistoryEntry } from '../core/upgrades.ts';
import { versionSortKey } from '../core/versions.ts';
import { getRecord, strip, written } from './items.ts';
import { keys } from './table-design.ts';

export type SerialRecord = RegisteredSerial & { versionHistory?: VersionHistoryEntry[] };

export class SerialStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The serial, read strongly consistent (the version a move is decided from), or null. */
  get(serialNumber: string): Promise<SerialRecord | null> {
    return getRecord(this.db, this.tableName, keys.serial(serialNumber), (item) => {
      // The set that guards renewals is storage, not the record.
      const { termCertificates: _, ...record } = strip(item);
      return record as unknown as SerialRecord;
    });
  }

  /**
   * Moves the serial from `entry.from` to `entry.version`: its version, its ByProduct sort
   * key and one more history entry, in one write. False when the serial no longer runs
   * `entry.from` (another move won meanwhile): nothing is written.
   */
  moveVersion(serial: Pick<RegisteredSerial, 'serialNumber' | 'product'>, entry: VersionHistoryEntry) {
    const index = keys.productIndex(serial.product, versionSortKey(entry.version), serial.serialNumber);
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.serial(serial.serialNumber),
          UpdateExpression:
            'SET #version = :to, GSI1PK = :gsi1pk, GSI1SK = :gsi1sk, versionHistory = list_append(if_not_exists(versionHistory, :none), :entry)',
          ConditionExpression: 'attribute_exists(PK) AND #version = :from',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':to': entry.version,
            ':from': entry.from,
            ':gsi1pk': index.GSI1PK,
            ':gsi1sk': index.GSI1SK,
            ':none': [],
            ':entry': [entry],
          },
        }),
      ),
    );
  }
}
