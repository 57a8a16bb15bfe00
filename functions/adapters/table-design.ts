/**
 * The single table: every access pattern of the mission, as keys. CDK creates the
 * table from this, the local stack creates it in DynamoDB Local from this, and the
 * repositories build keys only through `keys`. (README "Data model" is the prose.)
 */

export const TABLE_DESIGN = {
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: {
    /** Serials of a product, ordered by version: GA decisions, lifecycle impact per major. */
    byProduct: { indexName: 'ByProduct', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Sparse: work due on a day (next renewal reminder, lifecycle milestone, GA decision), sharded. */
    dueByDate: { indexName: 'DueByDate', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /**
     * Sparse: notices still PENDING, by the time they became owed, sharded. The re-driver
     * reads it to deliver what a crashed or retried writer left behind. Keys only: the
     * index key names the notice, the item key is where it lives.
     */
    pendingNotices: {
      indexName: 'PendingNotices',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      projection: 'KEYS_ONLY',
    },
    /**
     * Exact-match lookups (GET /certificates?…, GET /entitlements?supportIdentifier=): a
     * certificate by its sales order number, a serial by its support identifier, a contact by
     * its email (lower-cased). Keys only: the key names the item, a GetItem reads it.
     */
    lookup: {
      indexName: 'Lookup',
      partitionKey: 'GSI4PK',
      sortKey: 'GSI4SK',
      projection: 'KEYS_ONLY',
    },
  },
} as const;

/** Shards of one day's due work, so a heavy day spreads over several index partitions. */
export const DUE_SHARDS = 4;

/** Every shard of a day's due work: what a daily run fans out over. */
export const dueShards = (): number[] => Array.from({ length: DUE_SHARDS }, (_, i) => i);

/**
 * Milestones and GA dates are a product's schedule: a handful on any day. Spread over the
 * shards they spread no load, and multiplied by four the reads of the reconciler, which
 * looks back a week every day; they stay in shard 0.
 */
const UNSHARDED_KINDS: ReadonlySet<DueKind> = new Set(['MILESTONE', 'RELEASE']);

/** The shards a day's entries of `kind` can be in. */
export const dueShardsOf = (kind: DueKind): number[] => (UNSHARDED_KINDS.has(kind) ? [0] : dueShards());

/** Shards of the pending-notice index: notices are written at registration rate. */
export const PENDING_NOTICE_SHARDS = 4;

/** How an index projects the item: every attribute unless it says otherwise. */
export type IndexProjection = 'ALL' | 'KEYS_ONLY';
export const projectionOf = (index: { indexName: string }): IndexProjection =>
  'projection' in index ? (index.projection as IndexProjection) : 'ALL';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A stable shard for an id (FNV-1a), so the same work always lands in the same shard. */
export function shardOf(id: string, shards = DUE_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** What a DueByDate entry is due for: a reminder (claimed, until sent), a milestone, a GA run, its upgrade notices. */
export type DueKind = 'REMINDER' | 'CLAIMED' | 'MILESTONE' | 'RELEASE' | 'UPGRADE';

/** A key, or (sort key cut short) the prefix of the keys a Query reads. */
export interface ItemKey {
  PK: string;
  SK: string;
}

const certificatePartition = (certificateNumber: string) => `CERT#${certificateNumber}`;
const productPartition = (product: string) => `PRODUCT#${product}`;
const majorSortKey = (major: number) => `MAJOR#${pad(major, 4)}`;
const noticePrefix = 'NOTICE#';
/** The DueByDate partition of one shard of a day. */
const dueShard = (day: string, shard: number) => `DUE#${day}#${shard}`;
/** A DueByDate sort key; with part of an id (or none), the prefix of the entries it starts. */
const dueSortKey = (kind: DueKind, id = '') => `${kind}#${id}`;
/** A ByProduct sort key of a version (or of the start of version keys, e.g. a major's). */
const versionIndexKey = (versionKey: string) => `V#${versionKey}`;

export const keys = {
  /** Certificate (the contract): registration, tier, term, contact roster, next reminder. */
  certificate: (certificateNumber: string) => ({
    PK: certificatePartition(certificateNumber),
    SK: 'CERTIFICATE',
  }),
  /** Audit events of a certificate, in time order. */
  audit: (certificateNumber: string, at: string, requestId: string) => ({
    PK: certificatePartition(certificateNumber),
    SK: `AUDIT#${at}#${requestId}`,
  }),
  audits: (certificateNumber: string): ItemKey => ({
    PK: certificatePartition(certificateNumber),
    SK: 'AUDIT#',
  }),
  /** Renewal reminder ledger: one entry per (certificate, term end, offset), claimed before sending. */
  reminder: (certificateNumber: string, termEnd: string, offset: number) => ({
    PK: certificatePartition(certificateNumber),
    SK: `REMINDER#${termEnd}#${offset}`,
  }),
  /** A certificate's whole reminder ledger (the prefix of `reminder`'s keys). */
  reminders: (certificateNumber: string): ItemKey => ({
    PK: certificatePartition(certificateNumber),
    SK: 'REMINDER#',
  }),
  /** A Contact ID: its own item, so a conditional put makes it unique and never reused. */
  contact: (contactId: string) => ({ PK: `CONTACT#${contactId}`, SK: 'CONTACT' }),
  /** A batch import through S3 (POST /imports): its status, counts and report. */
  importRun: (importId: string) => ({ PK: `IMPORT#${importId}`, SK: 'IMPORT' }),
  /** A serial: product, version, support identifier and its coverage terms. */
  serial: (serialNumber: string) => ({ PK: `SERIAL#${serialNumber}`, SK: 'SERIAL' }),
  /** Upgrade decision for a serial and a release, with its inputs. */
  upgradeDecision: (serialNumber: string, product: string, versionKey: string) => ({
    PK: `SERIAL#${serialNumber}`,
    SK: `UPGRADE#${product}#${versionKey}`,
  }),
  /** A release (version and GA date) of a product. */
  release: (product: string, versionKey: string) => ({
    PK: productPartition(product),
    SK: `RELEASE#${versionKey}`,
  }),
  releases: (product: string): ItemKey => ({ PK: productPartition(product), SK: 'RELEASE#' }),
  /** A major version's lifecycle: milestones and phase. History entries sort after it. */
  lifecycle: (product: string, major: number) => ({ PK: productPartition(product), SK: majorSortKey(major) }),
  lifecycleEvent: (product: string, major: number, at: string) => ({
    PK: productPartition(product),
    SK: `${majorSortKey(major)}#EVENT#${at}`,
  }),
  lifecycleEvents: (product: string, major: number): ItemKey => ({
    PK: productPartition(product),
    SK: `${majorSortKey(major)}#EVENT#`,
  }),
  /** A notice sent (reminder digest, upgrade, lifecycle): once per deterministic notice id. */
  notice: (noticeId: string) => ({ PK: `${noticePrefix}${noticeId}`, SK: 'NOTICE' }),
  /** The id of the notice an item of its own holds, from its key. */
  noticeIdOf: (item: Record<string, unknown>) => String(item.PK).slice(noticePrefix.length),

  /** ByProduct index entries, on serial items. */
  productIndex: (product: string, versionKey: string, serialNumber: string) => ({
    GSI1PK: productPartition(product),
    GSI1SK: `${versionIndexKey(versionKey)}#${serialNumber}`,
  }),
  productIndexPartition: productPartition,
  versionIndexKey,
  /**
   * PendingNotices index entries, on whichever item holds a PENDING notice; removed when
   * it is SENT or UNDELIVERABLE. `since` (ISO time) lets the re-driver take only notices
   * owed for a while, so it never races a delivery that is just starting.
   */
  pendingNotice: (noticeId: string, since: string) => ({
    GSI3PK: `PENDING#${shardOf(noticeId, PENDING_NOTICE_SHARDS)}`,
    GSI3SK: `${since}#${noticeId}`,
  }),
  /** What a PendingNotices sort key says: since when, and which notice. */
  pendingNoticeOf: (sortKey: string) => {
    const cut = sortKey.indexOf('#');
    return { since: sortKey.slice(0, cut), noticeId: sortKey.slice(cut + 1) };
  },
  pendingNoticeShard: (shard: number) => `PENDING#${shard}`,
  /** Lookup index entries: each item kind is found by one identifier of its own. */
  orderLookup: (salesOrderNumber: string, certificateNumber: string) => ({
    GSI4PK: `ORDER#${salesOrderNumber}`,
    GSI4SK: `CERT#${certificateNumber}`,
  }),
  supportIdentifierLookup: (supportIdentifier: string, serialNumber: string) => ({
    GSI4PK: `SUPPORTID#${supportIdentifier}`,
    GSI4SK: `SERIAL#${serialNumber}`,
  }),
  emailLookup: (email: string, contactId: string) => ({
    GSI4PK: `EMAIL#${email.toLowerCase()}`,
    GSI4SK: `CONTACT#${contactId}`,
  }),
  /** DueByDate index entries: `kind` keeps reminders, milestones, GA runs and their upgrade notices apart within a day. */
  dueIndex: (day: string, kind: DueKind, id: string) => ({
    GSI2PK: dueShard(day, UNSHARDED_KINDS.has(kind) ? 0 : shardOf(id)),
    GSI2SK: dueSortKey(kind, id),
  }),
  dueShard,
  dueSortKey,
} as const;
