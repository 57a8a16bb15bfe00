/**
 * Major-version lifecycles in the table: the schedule and phase (`PRODUCT#<p>`,
 * `MAJOR#<major>`), its history, who is concerned (the ByProduct index, never a Scan),
 * and the notices owed to them, each put once.
 */
import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../core/actors.ts';
import { lifecycleMilestonePassed } from '../core/events.ts';
import {
  type MajorLifecycle,
  type MilestonePhase,
  milestoneOf,
  nextMilestone,
  PHASES,
  type Phase,
  phaseRank,
} from '../core/lifecycle.ts';
import type { Notice } from '../core/notices.ts';
import { contactsOfSerials } from '../core/recipients.ts';
import type { RegisteredCertificate, RegisteredSerial, RosterEntry } from '../core/registration.ts';
import { majorKeyPrefix } from '../core/versions.ts';
import { batchGetAll } from './batch-get.ts';
import { dueItems } from './due-index.ts';
import { cancellationCodes, getRecord, queryAll, queryPrefix, strip, written } from './items.ts';
import { outboxPut } from './outbox.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

export interface LifecycleEvent {
  at: string;
  event: 'SCHEDULED' | 'RESCHEDULED' | Phase;
  requestId?: string;
  /** Who: the product manager who scheduled; the service for a milestone passed on its date. */
  actor: Actor;
  dates?: Pick<MajorLifecycle, 'eolDate' | 'partialSupportDate' | 'endOfSupportDate'>;
}

export interface Impact {
  serials: number;
  certificates: number;
  /** The roster entries of the serials on the major: who may be told. */
  contacts: RosterEntry[];
}

export class LifecycleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(product: string, major: number): Promise<MajorLifecycle | null> {
    return getRecord(this.db, this.tableName, keys.lifecycle(product, major));
  }

  /** Lifecycles of several (product, major) pairs in one read, keyed `product#major`. */
  async getMany(pairs: Array<{ product: string; major: number }>): Promise<Map<string, MajorLifecycle>> {
    const unique = [...new Map(pairs.map((p) => [`${p.product}#${p.major}`, p])).values()];
    const items = await batchGetAll(
      this.db,
      this.tableName,
      unique.map((p) => keys.lifecycle(p.product, p.major)),
    );
    const found = new Map<string, MajorLifecycle>();
    for (const item of items) {
      const l = strip<MajorLifecycle>(item);
      found.set(`${l.product}#${l.major}`, l);
    }
    return found;
  }

  async history(product: string, major: number): Promise<LifecycleEvent[]> {
    return (await queryPrefix(this.db, this.tableName, keys.lifecycleEvents(product, major))).map((i) =>
      strip<LifecycleEvent>(i),
    );
  }

  /** The schedule, written only over the revision it was decided from (a concurrent change loses). */
  async saveSchedule(lifecycle: MajorLifecycle, event: LifecycleEvent): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.lifecycle(lifecycle.product, lifecycle.major),
                ...(dueIndexOf(lifecycle) ?? {}),
                type: 'Lifecycle',
                ...lifecycle,
              },
              ConditionExpression:
                lifecycle.revision === 1 ? 'attribute_not_exists(PK)' : 'revision = :previous',
              ...(lifecycle.revision === 1
                ? {}
                : { ExpressionAttributeValues: { ':previous': lifecycle.revision - 1 } }),
            },
          },
          this.putEvent(lifecycle, event),
        ],
      }),
    );
  }

  /**
   * Moves the phase forward to `phase` if its milestone is still on `date`: a repeated or
   * late delivery, or one for a milestone since rescheduled, changes nothing.
   */
  async transition(
    lifecycle: MajorLifecycle,
    phase: MilestonePhase,
    date: string,
    at: string,
    actor: Actor,
  ): Promise<boolean> {
    const milestone = milestoneOf(phase);
    const earlier = PHASES.filter((p) => phaseRank(p) < phaseRank(phase));
    const next = dueIndexOf({ ...lifecycle, phase });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.lifecycle(lifecycle.product, lifecycle.major),
                UpdateExpression: next
                  ? 'SET phase = :phase, GSI2PK = :pk, GSI2SK = :sk'
                  : 'SET phase = :phase REMOVE GSI2PK, GSI2SK',
                ConditionExpression: `#milestone = :date AND phase IN (${earlier.map((_, i) => `:p${i}`).join(', ')})`,
                ExpressionAttributeNames: { '#milestone': milestone },
                ExpressionAttributeValues: {
                  ':phase': phase,
                  ':date': date,
                  ...Object.fromEntries(earlier.map((p, i) => [`:p${i}`, p])),
                  ...(next ? { ':pk': next.GSI2PK, ':sk': next.GSI2SK } : {}),
                },
              },
            },
            this.putEvent(lifecycle, { at, event: phase, actor }),
            outboxPut(
              this.tableName,
              lifecycleMilestonePassed(
                { product: lifecycle.product, major: lifecycle.major, phase, date },
                at,
              ),
            ),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)) return false;
      throw error;
    }
  }

  /** Serials on the major (a key prefix of the ByProduct index), their certificates and contacts. */
  async impact(product: string, major: number): Promise<Impact> {
    const { indexName, partitionKey, sortKey } = TABLE_DESIGN.indexes.byProduct;
    const serials = await queryAll<RegisteredSerial>(this.db, {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :product AND begins_with(${sortKey}, :major)`,
      ExpressionAttributeValues: {
        ':product': keys.productIndexPartition(product),
        ':major': keys.versionIndexKey(majorKeyPrefix(major)),
      },
    });

    const holders = [...new Set(serials.map((s) => s.contactsCertificate))];
    const certificates = new Set(serials.flatMap((s) => s.terms.map((t) => t.certificateNumber)));
    const onMajor = new Set(serials.map((s) => s.serialNumber));
    const holding = (await batchGetAll(
      this.db,
      this.tableName,
      holders.map((n) => keys.certificate(n)),
      { projection: 'roster' },
    )) as Array<Pick<RegisteredCertificate, 'roster'>>;
    return {
      serials: serials.length,
      certificates: certificates.size,
      contacts: holding.flatMap((certificate) => contactsOfSerials(certificate.roster ?? {}, onMajor)),
    };
  }

  /** A notice, put once: false when it was already owed (a repeated delivery of the same event). */
  owe(notice: Notice): Promise<boolean> {
    return written(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.notice(notice.id),
            ...keys.pendingNotice(notice.id, notice.createdAt),
            type: 'Notice',
            notice,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  private putEvent(lifecycle: MajorLifecycle, event: LifecycleEvent) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.lifecycleEvent(lifecycle.product, lifecycle.major, `${event.at}#${event.event}`),
          type: 'LifecycleEvent',
          ...event,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }
}

/** The sparse due-date entry of the next milestone still to pass: what the daily reconciler looks for. */
function dueIndexOf(lifecycle: MajorLifecycle): { GSI2PK: string; GSI2SK: string } | null {
  const next = nextMilestone(lifecycle.phase);
  return next
    ? keys.dueIndex(
        lifecycle[next.milestone],
        'MILESTONE',
        `${lifecycle.product}#${lifecycle.major}#${next.phase}`,
      )
    : null;
}

/** Milestones due on `days` and not yet applied, from the due-date index. */
export async function dueMilestones(
  db: DynamoDBDocumentClient,
  tableName: string,
  days: string[],
): Promise<MajorLifecycle[]> {
  return (await dueItems(db, tableName, days, 'MILESTONE')).map((i) => strip<MajorLifecycle>(i));
}
