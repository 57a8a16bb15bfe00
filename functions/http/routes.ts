/**
 * The HTTP API's routes: one table read by CDK (API Gateway routes, functions,
 * grants) and by the local HTTP server, so both serve exactly the same API.
 */
import type { WorkflowName } from '../catalog.ts';

export interface Route {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  entry: string;
  /** What the function may touch; CDK turns this into least-privilege grants. */
  access: {
    table?: 'read' | 'readWrite';
    startSync?: readonly WorkflowName[];
    start?: readonly WorkflowName[];
    schedules?: boolean;
    /** The secret that signs unsubscribe links (config.unsubscribe()). */
    unsubscribe?: boolean;
  };
  /**
   * Why the route is open without SigV4 (customers' mail clients and browsers call it); absent,
   * the route is IAM-authorized like every other.
   */
  public?: string;
}

export const ROUTES: readonly Route[] = [
  {
    id: 'PostRegistration',
    method: 'POST',
    path: '/registrations',
    entry: 'functions/http/post-registration.ts',
    access: { startSync: ['RegisterCertificate'] },
  },
  {
    id: 'GetCertificate',
    method: 'GET',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/get-certificate.ts',
    access: { table: 'read' },
  },
  {
    id: 'GetCertificates',
    method: 'GET',
    path: '/certificates',
    entry: 'functions/http/get-certificates.ts',
    access: { table: 'read' },
  },
  {
    id: 'PatchCertificate',
    method: 'PATCH',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/patch-certificate.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
  },
  {
    id: 'DeleteCertificate',
    method: 'DELETE',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/delete-certificate.ts',
    access: { table: 'readWrite' },
  },
  {
    id: 'PostContact',
    method: 'POST',
    path: '/certificates/{certificateNumber}/contacts',
    entry: 'functions/http/post-contact.ts',
    access: { startSync: ['ChangeContacts'] },
  },
  {
    id: 'PutContact',
    method: 'PUT',
    path: '/certificates/{certificateNumber}/contacts/{contactId}',
    entry: 'functions/http/put-contact.ts',
    access: { startSync: ['ChangeContacts'] },
  },
  {
    id: 'PostContactIdResend',
    method: 'POST',
    path: '/certificates/{certificateNumber}/contact-id/resend',
    entry: 'functions/http/post-contact-id-resend.ts',
    access: { startSync: ['ChangeContacts'] },
  },
  {
    id: 'GetEntitlements',
    method: 'GET',
    path: '/entitlements/{contactId}',
    entry: 'functions/http/get-entitlements.ts',
    access: { table: 'read' },
  },
  {
    id: 'GetEntitlementsBySupportIdentifier',
    method: 'GET',
    path: '/entitlements',
    entry: 'functions/http/get-entitlements-by-support-identifier.ts',
    access: { table: 'read' },
  },
  {
    id: 'PutLifecycle',
    method: 'PUT',
    path: '/products/{product}/majors/{major}/lifecycle',
    entry: 'functions/http/put-lifecycle.ts',
    access: { table: 'readWrite', start: ['LifecycleTransition'], schedules: true },
  },
  {
    id: 'PutRelease',
    method: 'PUT',
    path: '/products/{product}/releases/{version}',
    entry: 'functions/http/put-release.ts',
    access: { table: 'readWrite', start: ['UpgradeDecisions'], schedules: true },
  },
  {
    id: 'PutSerialVersion',
    method: 'PUT',
    path: '/serials/{serialNumber}/version',
    entry: 'functions/http/put-serial-version.ts',
    access: { table: 'readWrite' },
  },
  {
    id: 'GetUpgradeEntitlement',
    method: 'GET',
    path: '/products/{product}/releases/{version}/entitlements/{serialNumber}',
    entry: 'functions/http/get-upgrade-entitlement.ts',
    access: { table: 'read' },
  },
  {
    id: 'GetLifecycle',
    method: 'GET',
    path: '/products/{product}/majors/{major}/lifecycle',
    entry: 'functions/http/get-lifecycle.ts',
    access: { table: 'read' },
  },
  {
    id: 'GetLifecyclePicture',
    method: 'GET',
    path: '/products/{product}/lifecycle.svg',
    entry: 'functions/http/get-lifecycle-svg.ts',
    access: { table: 'read' },
  },
  { id: 'GetHealth', method: 'GET', path: '/health', entry: 'functions/http/health.ts', access: {} },
  {
    id: 'PostUnsubscribe',
    method: 'POST',
    path: '/unsubscribe',
    entry: 'functions/http/post-unsubscribe.ts',
    access: { table: 'readWrite', unsubscribe: true },
    public:
      "RFC 8058 one-click unsubscribe: mail clients post without credentials; the HMAC-signed token is the authorization, and it only stops the signed address's renewal reminders",
  },
  {
    id: 'GetUnsubscribePage',
    method: 'GET',
    path: '/customer/unsubscribe',
    entry: 'functions/http/get-unsubscribe-page.ts',
    access: { table: 'read', unsubscribe: true },
    public:
      "the page an unsubscribe link opens in a customer's browser; it only shows the signed address and changes nothing",
  },
];
