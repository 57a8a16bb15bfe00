/** What GET /certificates/{n} and GET /certificates answer, as the ops pages read them (route-schemas.ts). */
export const TIERS = [
  'BASIC',
  'ESSENTIAL',
  'BCS_REMOTE',
  'BCS_DATACENTER',
  'BCS_NATIONAL',
  'BCS_GLOBAL',
] as const;
export const LANGUAGES = ['en', 'fr', 'de', 'it', 'es', 'ru'] as const;

export interface Actor {
  subject: string;
  role: string;
}

export interface CoverageTerm {
  start: string;
  end: string;
  tier: string;
  certificateNumber: string;
}

export interface CertificateContact {
  contactId: string;
  role: 'PRIMARY' | 'DESIGNATED';
  status: 'ACTIVE' | 'REPLACED';
  name: string | null;
  email: string | null;
  phone: string | null;
  address?: string;
  language?: string;
  serialNumbers?: string[];
  issuedAt: string;
  erased: { pseudonym: string; at: string } | null;
  remindersOptOut: { at: string } | null;
  contactIdEmail: { status: string; sentAt: string | null; failure?: string } | null;
  delivery: { state: string; since: string | null } | null;
}

export interface CertificateProduct {
  serialNumber: string;
  supportIdentifier: string;
  product: string;
  productLine?: string;
  version: string;
  registeredVersion: string;
  coverage: {
    start?: string;
    end?: string;
    active?: boolean;
    tier?: string;
    certificateNumber?: string;
    terms?: CoverageTerm[];
  };
}

export interface AuditEntry {
  at: string;
  action: string;
  actor?: Actor;
  changes?: Array<{ field: string; before: unknown; after: unknown }>;
  [key: string]: unknown;
}

export interface Certificate {
  certificateNumber: string;
  status: 'ACTIVE' | 'VOID';
  salesOrderNumber: string;
  tier: string;
  term: { start: string; end: string; active: boolean };
  company: { name: string; address: string; phone: string | null };
  registeredAt: string;
  renewalOf: string[];
  renewedBy: string[];
  contactsCertificate: string;
  contacts: CertificateContact[];
  products: CertificateProduct[];
  contactLimit?: { limit: number | null; scope: 'PRODUCT' | 'PRODUCT_LINE' };
  nextReminder: { offset: number; on: string } | null;
  /** The renewal reminder ledger of this certificate, by day: counts only, no personal data. */
  remindersSent: ReminderSent[];
  asOf: string;
  audit: AuditEntry[];
}

export interface CertificateSummary {
  certificateNumber: string;
  status: 'ACTIVE' | 'VOID';
  salesOrderNumber: string;
  tier: string;
  term: { start: string; end: string };
  company: { name: string };
  registeredAt: string;
  products: Array<{ serialNumber: string; supportIdentifier: string; product: string; version: string }>;
}

export const certificateHref = (n: string) => `/console/certificates/${encodeURIComponent(n)}`;

export interface ReminderSent {
  termEnd: string;
  /** Days before the term's end (0 on the end day, negative after it). */
  offset: number;
  day: string;
  /** CLAIMED while its digests go out, then SENT; UNREACHABLE or OPTED_OUT when no one got a line. */
  status: 'CLAIMED' | 'SENT' | 'UNREACHABLE' | 'OPTED_OUT';
  recipients: number;
  sentAt: string | null;
}
