/**
 * What each route takes and answers, for the OpenAPI document: the request bodies are the very
 * zod schemas the handlers and use cases parse with (core/*), the answers are schemas of what
 * the handlers build. Kept out of routes.ts, which every handler imports: only GET /openapi.json
 * bundles this.
 *
 * The answers are loose objects (`additionalProperties` allowed) that name the fields clients
 * rely on: wide views (a certificate, an entitlement) may grow without breaking the document.
 * The e2e suites validate every real answer against them (test/support/openapi.ts).
 */
import { AddContactRequest, ReplaceContactRequest, ResendRequest } from '../core/contacts.ts';
import {
  CertificateNumber,
  ContactId,
  IsoDate,
  Language,
  PhoneNumber,
  SerialNumber,
  SupportIdentifier,
  Text,
  Tier,
} from '../core/identifiers.ts';
import { LifecycleRequest, PHASES } from '../core/lifecycle.ts';
import { LOOKUP_BY } from '../core/lookups.ts';
import { RegistrationRequest } from '../core/registration.ts';
import { ContactIdRequest } from '../core/self-service.ts';
import { ReleaseRequest, SerialVersionRequest } from '../core/upgrades.ts';
import { VersionString } from '../core/versions.ts';
import * as z from '../core/zod.ts';

type Schema = z.ZodMiniType;

export interface Parameter {
  schema: Schema;
  required?: boolean;
  description?: string;
}

export interface Answer {
  description: string;
  /** Media type → its schema (null: no schema, e.g. an SVG picture). */
  content?: Record<string, Schema | null>;
  headers?: Record<string, string>;
}

export interface RouteSchemas {
  summary: string;
  description?: string;
  path?: Record<string, Parameter>;
  query?: Record<string, Parameter>;
  body?: { schema: Schema; contentType?: string; also?: string[]; description?: string; optional?: boolean };
  /** Success answers by status. */
  responses: Record<number, Answer>;
  /** The problem+json statuses the route answers besides 401/403 (added for routes with roles), 413 and 500 (every route). */
  problems: number[];
}

// ── answers ────────────────────────────────────────────────────────────────────────────────────

const Str = z.string();
const Nullable = <S extends Schema>(s: S) => z.nullable(s);
const Strings = z.array(z.string());
const Actor = z.looseObject({ subject: z.string(), role: z.string() });
const Links = z.record(z.string(), z.string());

const RegistrationAnswer = z.looseObject({
  certificateNumber: CertificateNumber,
  contactId: ContactId,
  outcome: z.enum(['CREATED', 'RENEWED', 'REPLAYED']),
  renewalOf: z.optional(Strings),
  links: Links,
});

const ContactAnswer = z.looseObject({
  certificateNumber: z.string(),
  contactId: ContactId,
  outcome: z.enum(['ADDED', 'ALREADY_ADDED', 'REPLACED', 'ALREADY_REPLACED', 'RESENT', 'ALREADY_RESENT']),
  links: Links,
});

const Term = z.looseObject({ start: z.string(), end: z.string() });

/** GET /certificates/{n}: personal data whole or masked, so emails and phones are plain strings. */
const CertificateView = z.looseObject({
  certificateNumber: z.string(),
  status: z.enum(['ACTIVE', 'VOID']),
  salesOrderNumber: z.string(),
  tier: Tier,
  term: z.looseObject({ start: z.string(), end: z.string(), active: z.boolean() }),
  company: z.looseObject({ name: z.string(), address: z.string(), phone: Nullable(Str) }),
  registeredAt: z.string(),
  renewalOf: Strings,
  renewedBy: Strings,
  contactsCertificate: z.string(),
  contacts: z.array(
    z.looseObject({
      contactId: z.string(),
      role: z.string(),
      status: z.string(),
      name: Nullable(Str),
      email: Nullable(Str),
      phone: Nullable(Str),
      language: z.optional(z.string()),
      serialNumbers: Strings,
      issuedAt: z.string(),
      erased: Nullable(z.looseObject({ pseudonym: z.string(), at: z.string() })),
    }),
  ),
  products: z.array(
    z.looseObject({
      serialNumber: z.string(),
      supportIdentifier: z.string(),
      product: z.string(),
      version: z.string(),
      registeredVersion: z.string(),
      versionHistory: z.array(z.looseObject({})),
      coverage: z.looseObject({}),
    }),
  ),
  contactLimit: z.looseObject({ limit: Nullable(z.number()), scope: z.enum(['PRODUCT', 'PRODUCT_LINE']) }),
  nextReminder: Nullable(z.looseObject({})),
  remindersSent: z.array(
    z.looseObject({
      termEnd: z.string(),
      offset: z.number(),
      day: z.string(),
      status: z.enum(['CLAIMED', 'SENT', 'UNREACHABLE', 'OPTED_OUT']),
      recipients: z.number(),
      sentAt: Nullable(Str),
    }),
  ),
  asOf: z.string(),
  audit: z.array(z.looseObject({ at: z.string(), action: z.string() })),
});

const Lookups = z.looseObject({
  certificates: z.array(
    z.looseObject({
      certificateNumber: z.string(),
      status: z.enum(['ACTIVE', 'VOID']),
      salesOrderNumber: z.string(),
      tier: Tier,
      term: Term,
      company: z.looseObject({ name: z.string() }),
      registeredAt: z.string(),
      contactsCertificate: z.string(),
      renewalOf: Strings,
      products: z.array(
        z.looseObject({
          serialNumber: z.string(),
          supportIdentifier: z.string(),
          product: z.string(),
          version: z.string(),
        }),
      ),
      links: Links,
    }),
  ),
  truncated: z.boolean(),
});

const EntitlementCore = {
  entitled: z.boolean(),
  tier: Nullable(Tier),
  offering: Nullable(Str),
  hours: Nullable(Str),
  responseTargets: Nullable(z.looseObject({})),
  callCentreAcknowledgement: z.string(),
  upgradesOpen: z.boolean(),
  phoneSupport: Nullable(
    z.looseObject({ hours: z.string(), openNow: z.boolean(), timeZone: z.string(), localTime: z.string() }),
  ),
  products: z.array(
    z.looseObject({
      serialNumber: z.string(),
      product: z.string(),
      version: z.string(),
      coverage: Nullable(z.looseObject({ start: z.string(), end: z.string(), active: z.boolean() })),
      supportPhase: z.enum(['STANDARD', 'PARTIAL', 'NONE', 'PER_CONTRACT']),
      supported: z.boolean(),
    }),
  ),
  reasons: Strings,
  asOf: z.string(),
};
const Entitlement = z.looseObject({
  contactId: z.string(),
  role: z.string(),
  name: z.string(),
  certificateNumber: z.string(),
  ...EntitlementCore,
});
const EntitlementBySupportIdentifier = z.looseObject({
  supportIdentifier: z.string(),
  certificateNumber: z.string(),
  ...EntitlementCore,
});

const Phase = z.enum(PHASES);
const Impact = z.looseObject({ serials: z.number(), contacts: z.number(), certificates: z.number() });
const Lifecycle = z.looseObject({
  product: z.string(),
  major: z.number(),
  eolDate: z.string(),
  partialSupportDate: z.string(),
  endOfSupportDate: z.string(),
  phase: Phase,
  revision: z.number(),
  updatedAt: z.string(),
});
const LifecycleScheduled = z.union([
  z.looseObject({
    dryRun: z.literal(true),
    product: z.string(),
    major: z.number(),
    phase: Phase,
    impact: Impact,
  }),
  z.looseObject({ ...Lifecycle.shape, impact: Impact }),
]);
const PublicLifecycle = z.looseObject({
  ...Lifecycle.shape,
  phaseByDate: Phase,
  asOf: z.string(),
  history: z.array(z.looseObject({})),
});

const Day = z.nullable(z.string());
/** GET /products/{p}/lifecycle: one major's dates (null while not scheduled) and phase. */
const ProductMajor = {
  major: z.number(),
  gaDate: Day,
  eolDate: Day,
  partialSupportDate: Day,
  endOfSupportDate: Day,
  phase: Phase,
};
const ProductLifecycle = z.looseObject({
  product: z.string(),
  asOf: z.string(),
  majors: z.array(z.looseObject(ProductMajor)),
});
const ProductOverview = z.looseObject({
  product: z.string(),
  asOf: z.string(),
  majors: z.array(
    z.looseObject({
      ...ProductMajor,
      history: z.array(z.looseObject({ at: z.string(), event: z.string(), actor: Nullable(Actor) })),
    }),
  ),
  releases: z.array(
    z.looseObject({
      version: z.string(),
      major: z.number(),
      gaDate: z.string(),
      status: z.enum(['SCHEDULED', 'DECIDED']),
      decisions: Nullable(z.looseObject({ entitled: z.number(), notEntitled: z.number() })),
      announcedBy: Nullable(Actor),
      updatedBy: Nullable(Actor),
    }),
  ),
});

const Release = z.looseObject({
  product: z.string(),
  version: z.string(),
  gaDate: z.string(),
  status: z.enum(['SCHEDULED', 'DECIDED']),
  revision: z.number(),
  announcedAt: z.string(),
  updatedAt: z.string(),
});

const UpgradeDecision = z.looseObject({
  serialNumber: z.string(),
  product: z.string(),
  version: z.string(),
  gaDate: z.string(),
  entitled: z.boolean(),
  reasons: Strings,
  decided: z.optional(z.boolean()),
  rule: z.optional(z.string()),
  decidedOn: z.optional(z.string()),
});

const SerialVersion = z.looseObject({
  serialNumber: z.string(),
  product: z.string(),
  version: z.string(),
  versionHistory: z.array(z.looseObject({ version: z.string(), from: z.string(), at: z.string() })),
  reasons: Strings,
});

const Erasure = z.looseObject({
  contactId: z.string(),
  certificateNumber: z.string(),
  pseudonym: z.string(),
  erasedAt: z.string(),
  erasedBy: Actor,
  erased: z.looseObject({ contact: Strings }),
});

const Accepted = z.strictObject({ status: z.literal('accepted'), message: z.string() });
const Health = z.looseObject({ status: z.literal('ok'), time: z.string() });

/** POST /imports and GET /imports/{id} (use-cases/import-requests.ts). */
const ImportStatus = z.enum(['PENDING_UPLOAD', 'RUNNING', 'SUCCEEDED', 'FAILED']);
const ImportCreated = z.looseObject({
  importId: z.string(),
  status: z.literal('PENDING_UPLOAD'),
  upload: z.looseObject({
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
  }),
  expiresAt: z.string(),
  links: Links,
});
const ImportView = z.looseObject({
  importId: z.string(),
  status: ImportStatus,
  createdAt: z.string(),
  createdBy: Actor,
  uploadExpiresAt: z.string(),
  counts: z.optional(
    z.looseObject({
      rows: z.number(),
      created: z.number(),
      renewed: z.number(),
      replayed: z.number(),
      refused: z.number(),
    }),
  ),
  message: z.optional(z.string()),
  report: z.optional(z.looseObject({ url: z.string(), expiresAt: z.string() })),
  links: Links,
});

// ── requests the handlers check without a zod schema of their own ─────────────────────────────

const company = RegistrationRequest.shape.company.shape;
/**
 * A correction (RFC 7396 merge patch): the handler checks the names (core/correction
 * `checkPatchFields`), then parses the patched registration with RegistrationRequest; this is
 * the same fields' schemas, each optional. `null` removes a member (only the phone may go).
 */
export const CorrectionPatch = z.strictObject({
  company: z.optional(
    z.strictObject({
      name: z.optional(company.name),
      address: z.optional(company.address),
      phone: z.optional(company.phone),
    }),
  ),
  term: z.optional(z.strictObject({ start: z.optional(IsoDate), end: z.optional(IsoDate) })),
  tier: z.optional(Tier),
  products: z.optional(RegistrationRequest.shape.products),
  primaryContact: z.optional(
    z.strictObject({
      name: z.optional(Text(200)),
      phone: z.optional(z.nullable(PhoneNumber)),
      language: z.optional(Language),
    }),
  ),
});

/** RFC 8058 one-click: exactly this one field. */
const OneClick = z.strictObject({ 'List-Unsubscribe': z.literal('One-Click') });

// ── per route ──────────────────────────────────────────────────────────────────────────────────

const json = (schema: Schema) => ({ 'application/json': schema });
/** The public lifecycle reads change the moment a product manager reschedules: caches ask again every time. */
const REVALIDATED =
  'Cache-Control: public, max-age=0, must-revalidate, with a strong ETag: send it back in If-None-Match for a 304 without a body while nothing changed.';
const VALIDATOR = {
  etag: 'A strong validator of the body',
  'cache-control': 'public, max-age=0, must-revalidate',
};
const NOT_MODIFIED: Answer = {
  description: 'Not modified: the If-None-Match tag is the current one',
  headers: VALIDATOR,
};
const certificatePath = { certificateNumber: { schema: CertificateNumber } };
const product = { schema: Text(100), description: 'The product name, percent-encoded (Backup%20Exec)' };
const major = { schema: z.string().check(z.regex(/^\d{1,4}$/)), description: 'A major version, like 12' };
const version = { schema: VersionString, description: 'A version, like 12.5 or 12.0 MP 1' };
const token = {
  token: { schema: z.string(), required: true, description: 'The signed token of the unsubscribe link' },
};

export const ROUTE_SCHEMAS: Record<string, RouteSchemas> = {
  PostRegistration: {
    summary: 'Register a certificate (or renew by certificate)',
    description:
      'Created: 201 with the Contact ID, emailed once to the primary technical contact (a renewal too, to the contact it names). The same body again replays: 200, the same Contact ID, nothing sent. 409 other content under the same number; 422 a serial registered with another support identifier.',
    body: { schema: RegistrationRequest },
    responses: {
      201: {
        description: 'Registered (or renewed)',
        content: json(RegistrationAnswer),
        headers: { location: 'The certificate' },
      },
      200: {
        description: 'Replayed: registered before with the same content',
        content: json(RegistrationAnswer),
      },
    },
    problems: [400, 409, 415, 422],
  },
  PostImport: {
    summary: 'Start an import of registrations from a CSV file through S3',
    description:
      '201 with a presigned URL to PUT the CSV to (15 minutes; the columns of CONTRACT.md) and where to follow it. The upload starts the import-registrations workflow. No body: the file goes to the upload URL.',
    responses: {
      201: {
        description: 'Where to upload the file',
        content: json(ImportCreated),
        headers: { location: 'The import' },
      },
    },
    problems: [400, 415],
  },
  GetImport: {
    summary: 'Where an import is: status, counts and the report',
    description:
      'PENDING_UPLOAD, RUNNING, SUCCEEDED (counts, and a presigned URL of the report CSV for 15 minutes) or FAILED (why).',
    path: {
      importId: {
        schema: z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)),
        description: 'The import id (a UUID)',
      },
    },
    responses: { 200: { description: 'The import', content: json(ImportView) } },
    problems: [400, 404, 415],
  },
  GetCertificate: {
    summary: 'A certificate: contacts, coverage, serials, next reminder, audit trail',
    description:
      'Emails and phone numbers whole for licensing ops and integrations, masked for support engineers. Coverage on the service clock.',
    path: certificatePath,
    responses: { 200: { description: 'The certificate', content: json(CertificateView) } },
    problems: [400, 404],
  },
  GetCertificates: {
    summary: 'Find certificates by one identifier',
    description:
      'Exactly one of the query parameters, through a key or the Lookup index (never a scan). Summaries without personal data; at most 100, then `truncated`.',
    query: Object.fromEntries(
      Object.entries(LOOKUP_BY).map(([name, schema]) => [
        name,
        { schema, description: 'Give exactly one of the lookup parameters' },
      ]),
    ),
    responses: { 200: { description: 'The certificates found (maybe none)', content: json(Lookups) } },
    problems: [400],
  },
  PatchCertificate: {
    summary: 'Correct a registration (JSON merge patch)',
    description:
      'Company, term, tier, products, the primary contact’s name/phone/language: 200 with the certificate, audited before/after. 409 a serial registered elsewhere or over the new tier’s contact limit.',
    path: certificatePath,
    body: { schema: CorrectionPatch, contentType: 'application/merge-patch+json' },
    responses: {
      200: { description: 'Corrected: the certificate as GET shows it', content: json(CertificateView) },
    },
    problems: [400, 404, 409, 415, 422],
  },
  DeleteCertificate: {
    summary: 'Void a certificate registered in error',
    description:
      'Its Contact IDs stop verifying, reminders stop, serials are freed; again → the same 200. 409 while a renewal stands on it.',
    path: certificatePath,
    responses: {
      200: { description: 'Void: the certificate as GET shows it', content: json(CertificateView) },
    },
    problems: [400, 404, 409, 415],
  },
  PostContact: {
    summary: 'Add a designated contact',
    description: 'Within the tier’s limit: 201 with the new Contact ID, emailed; 409 past the limit.',
    path: certificatePath,
    body: { schema: AddContactRequest },
    responses: { 201: { description: 'Added (or added before)', content: json(ContactAnswer) } },
    problems: [400, 404, 409, 415, 422],
  },
  PutContact: {
    summary: 'Replace a contact',
    description: '200 with a new Contact ID, emailed; the old one stops verifying.',
    path: { ...certificatePath, contactId: { schema: ContactId } },
    body: { schema: ReplaceContactRequest },
    responses: {
      200: { description: 'Replaced', content: json(ContactAnswer) },
      201: { description: 'Replaced (a retry answering as the first)', content: json(ContactAnswer) },
    },
    problems: [400, 404, 409, 415, 422],
  },
  PostContactIdResend: {
    summary: 'Send a Contact ID again',
    description:
      'The primary contact (or, with `contactId`, that designated contact) gets the same Contact ID again.',
    path: certificatePath,
    body: { schema: ResendRequest },
    responses: { 202: { description: 'The email is on its way', content: json(ContactAnswer) } },
    problems: [400, 404, 409, 415, 422],
  },
  GetEntitlements: {
    summary: 'What a caller with a Contact ID is entitled to, and why',
    description:
      'Entitled or not, tier, hours, phone support open now, response targets, products with coverage and support phase, upgrades, reasons. 404 unknown, replaced or voided.',
    path: { contactId: { schema: ContactId } },
    responses: { 200: { description: 'The entitlement', content: json(Entitlement) } },
    problems: [400, 404],
  },
  GetEntitlementsBySupportIdentifier: {
    summary: 'The same for a caller who gives a support identifier',
    description: 'Without the contact’s fields.',
    query: { supportIdentifier: { schema: SupportIdentifier, required: true } },
    responses: { 200: { description: 'The entitlement', content: json(EntitlementBySupportIdentifier) } },
    problems: [400, 404],
  },
  PutLifecycle: {
    summary: 'Schedule end of life, partial support and end of support of a major',
    description:
      '201 a first schedule, 200 a reschedule; `?dryRun=true` answers the impact (who would be told) and changes nothing. 422 out of order; 409 moving a milestone that passed.',
    path: { product, major },
    query: { dryRun: { schema: z.enum(['true', 'false']), description: 'Answer the impact only' } },
    body: { schema: LifecycleRequest },
    responses: {
      201: { description: 'Scheduled', content: json(LifecycleScheduled) },
      200: { description: 'Rescheduled, or the dry run’s impact', content: json(LifecycleScheduled) },
    },
    problems: [400, 404, 409, 415, 422],
  },
  PutRelease: {
    summary: 'Announce general availability of a release',
    description:
      '`{gaDate}`, future or past: the GA run decides every serial on an earlier version that day. 201 first, 200 again.',
    path: { product, version },
    body: { schema: ReleaseRequest },
    responses: {
      201: { description: 'Announced', content: json(Release) },
      200: { description: 'Announced before (maybe with another GA date)', content: json(Release) },
    },
    problems: [400, 404, 409, 415, 422],
  },
  PutSerialVersion: {
    summary: 'Record the version a serial runs now',
    description: 'Forward, same product; a new major only when entitled. 422 with reasons.',
    path: { serialNumber: { schema: SerialNumber } },
    body: { schema: SerialVersionRequest },
    responses: { 200: { description: 'The serial’s version and history', content: json(SerialVersion) } },
    problems: [400, 404, 409, 415, 422],
  },
  DeleteContactPersonalData: {
    summary: 'Erase the personal data of a replaced contact or one of a void certificate',
    description:
      'Name, email, phone and address; 200 with what was erased, by field name; again → the same 200. 409 for a current contact (replace it first).',
    path: { contactId: { schema: ContactId } },
    responses: { 200: { description: 'Erased', content: json(Erasure) } },
    problems: [400, 404, 409, 415],
  },
  GetUpgradeEntitlement: {
    summary: 'Is a serial entitled to a release, and why',
    description:
      'The decision recorded on the GA date (or when registered after it), with its rule and inputs.',
    path: { product, version, serialNumber: { schema: SerialNumber } },
    responses: { 200: { description: 'The decision', content: json(UpgradeDecision) } },
    problems: [400, 404],
  },
  GetLifecycle: {
    summary: 'A major’s end-of-life dates, phase and history',
    path: { product, major },
    responses: { 200: { description: 'The lifecycle', content: json(PublicLifecycle) } },
    problems: [400, 404],
  },
  GetLifecyclePicture: {
    summary: 'Every scheduled major of a product on a timeline (SVG)',
    description: `404 for a product with neither a lifecycle nor a release. ${REVALIDATED}`,
    path: { product },
    responses: {
      200: { description: 'The picture', content: { 'image/svg+xml': null }, headers: VALIDATOR },
      304: NOT_MODIFIED,
    },
    problems: [400, 404],
  },
  GetProductLifecycle: {
    summary: 'Every major of a product: general availability, milestones and phase today',
    description: `In major order; dates YYYY-MM-DD, null while not scheduled. A major's gaDate is the GA date of its earliest release; a major with a release and no schedule yet is in GA with null milestones. 404 for a product with neither a lifecycle nor a release. ${REVALIDATED}`,
    path: { product },
    responses: {
      200: { description: 'The majors', content: json(ProductLifecycle), headers: VALIDATOR },
      304: NOT_MODIFIED,
    },
    problems: [400, 404],
  },
  GetLifecycleCalendar: {
    summary: 'The same dates as an iCalendar feed to subscribe to',
    description: `One all-day event per scheduled milestone of each major (general availability, end of life, partial support, end of support); each event's UID names the product, major and milestone, so a rescheduled milestone updates the subscriber's event. 404 for a product with neither a lifecycle nor a release. ${REVALIDATED}`,
    path: { product },
    responses: {
      200: {
        description: 'The calendar (RFC 5545)',
        content: { 'text/calendar': z.string() },
        headers: VALIDATOR,
      },
      304: NOT_MODIFIED,
    },
    problems: [400, 404],
  },
  GetProductOverview: {
    summary:
      "A product manager's view of a product: majors with their history, releases with their decisions",
    description:
      'Every major as GET /products/{product}/lifecycle shows it, plus its history with who made each change; every release with its GA date, status, who announced it and how many serials its GA decisions found entitled or not (null before the GA date; counted from the decision records). 404 for a product with neither a lifecycle nor a release.',
    path: { product },
    responses: { 200: { description: 'The product', content: json(ProductOverview) } },
    problems: [400, 404],
  },
  GetHealth: {
    summary: 'The API answers',
    responses: { 200: { description: 'Up', content: json(Health) } },
    problems: [],
  },
  PostUnsubscribe: {
    summary: 'RFC 8058 one-click unsubscribe from renewal reminders',
    description:
      'Renewal reminders stop for the signed address (twice is once); other emails still reach it. 400 a forged or expired token.',
    query: token,
    body: {
      schema: OneClick,
      contentType: 'application/x-www-form-urlencoded',
      also: ['multipart/form-data'],
    },
    responses: { 200: { description: 'Stopped', content: { 'text/plain': z.string() } } },
    problems: [400, 415],
  },
  GetUnsubscribePage: {
    summary: 'The page an unsubscribe link opens',
    description: 'Its button confirms through POST /unsubscribe: a GET never unsubscribes.',
    query: token,
    responses: {
      200: { description: 'The page', content: { 'text/html': z.string() } },
      400: { description: 'The link is not valid (a page saying so)', content: { 'text/html': z.string() } },
    },
    problems: [],
  },
  PostContactIdRequest: {
    summary: 'A customer asks for their Contact ID again',
    description:
      'Always the same 202: when all four identifiers match, the registered primary contact gets the same Contact ID again (at most 3 a day per certificate).',
    body: { schema: ContactIdRequest },
    responses: { 202: { description: 'Accepted (whether or not they match)', content: json(Accepted) } },
    problems: [400, 415],
  },
  GetOpenApi: {
    summary: 'This document (OpenAPI 3.1)',
    responses: {
      200: { description: 'The document', content: json(z.looseObject({ openapi: z.string() })) },
    },
    problems: [],
  },
  GetDocs: {
    summary: 'The API reference page (Scalar; needs internet access in the browser)',
    responses: {
      200: { description: 'An HTML page loading this document', content: { 'text/html': z.string() } },
    },
    problems: [],
  },
};
