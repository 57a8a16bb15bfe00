/**
 * The HTTP API's routes: one table read by CDK (API Gateway routes, functions,
 * grants) and by the local HTTP server, so both serve exactly the same API.
 */
import type { WorkflowName } from '../catalog.ts';
import type { Role } from '../core/actors.ts';

interface RouteBase {
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
    /** The imports bucket: `upload` presigns PUTs of an import's file, `report` GETs of its report (lib/constructs/imports.ts). */
    imports?: readonly ('upload' | 'report')[];
  };
}

/**
 * Who may call a route, declared here once: CDK (the JWT authorizer on every route with
 * roles, none on a public one), the handlers' role check, the local server, the tests and
 * the OpenAPI document all read it. A route has either the roles it allows or the reason
 * it is public.
 */
export type Route = RouteBase &
  (
    | { roles: readonly Role[]; public?: never }
    | {
        /** Why the route is open without a token (customers' mail clients and browsers, published dates). */
        public: string;
        roles?: never;
      }
  );

export const ROUTES: readonly Route[] = [
  {
    id: 'PostRegistration',
    method: 'POST',
    path: '/registrations',
    entry: 'functions/http/post-registration.ts',
    access: { startSync: ['RegisterCertificate'] },
    roles: ['licensing-ops', 'integration'],
  },
  {
    id: 'PostImport',
    method: 'POST',
    path: '/imports',
    entry: 'functions/http/post-import.ts',
    access: { table: 'readWrite', imports: ['upload'] },
    roles: ['licensing-ops', 'integration'],
  },
  {
    id: 'GetImport',
    method: 'GET',
    path: '/imports/{importId}',
    entry: 'functions/http/get-import.ts',
    access: { table: 'read', imports: ['report'] },
    roles: ['licensing-ops', 'integration'],
  },
  {
    id: 'GetCertificate',
    method: 'GET',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/get-certificate.ts',
    access: { table: 'read' },
    roles: ['licensing-ops', 'support-engineer', 'integration'],
  },
  {
    id: 'GetCertificates',
    method: 'GET',
    path: '/certificates',
    entry: 'functions/http/get-certificates.ts',
    access: { table: 'read' },
    roles: ['licensing-ops', 'support-engineer', 'integration'],
  },
  {
    id: 'PatchCertificate',
    method: 'PATCH',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/patch-certificate.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    roles: ['licensing-ops'],
  },
  {
    id: 'DeleteCertificate',
    method: 'DELETE',
    path: '/certificates/{certificateNumber}',
    entry: 'functions/http/delete-certificate.ts',
    access: { table: 'readWrite' },
    roles: ['licensing-ops'],
  },
  {
    id: 'PostContact',
    method: 'POST',
    path: '/certificates/{certificateNumber}/contacts',
    entry: 'functions/http/post-contact.ts',
    access: { startSync: ['ChangeContacts'] },
    roles: ['licensing-ops'],
  },
  {
    id: 'PutContact',
    method: 'PUT',
    path: '/certificates/{certificateNumber}/contacts/{contactId}',
    entry: 'functions/http/put-contact.ts',
    access: { startSync: ['ChangeContacts'] },
    roles: ['licensing-ops'],
  },
  {
    id: 'PostContactIdResend',
    method: 'POST',
    path: '/certificates/{certificateNumber}/contact-id/resend',
    entry: 'functions/http/post-contact-id-resend.ts',
    access: { startSync: ['ChangeContacts'] },
    roles: ['licensing-ops'],
  },
  {
    id: 'GetEntitlements',
    method: 'GET',
    path: '/entitlements/{contactId}',
    entry: 'functions/http/get-entitlements.ts',
    access: { table: 'read' },
    roles: ['support-engineer'],
  },
  {
    id: 'GetEntitlementsBySupportIdentifier',
    method: 'GET',
    path: '/entitlements',
    entry: 'functions/http/get-entitlements-by-support-identifier.ts',
    access: { table: 'read' },
    roles: ['support-engineer'],
  },
  {
    id: 'PutLifecycle',
    method: 'PUT',
    path: '/products/{product}/majors/{major}/lifecycle',
    entry: 'functions/http/put-lifecycle.ts',
    access: { table: 'readWrite', start: ['LifecycleTransition'], schedules: true },
    roles: ['product-manager'],
  },
  {
    id: 'PutRelease',
    method: 'PUT',
    path: '/products/{product}/releases/{version}',
    entry: 'functions/http/put-release.ts',
    access: { table: 'readWrite', start: ['UpgradeDecisions'], schedules: true },
    roles: ['product-manager'],
  },
  {
    id: 'PutSerialVersion',
    method: 'PUT',
    path: '/serials/{serialNumber}/version',
    entry: 'functions/http/put-serial-version.ts',
    access: { table: 'readWrite' },
    roles: ['licensing-ops', 'integration'],
  },
  {
    id: 'DeleteContactPersonalData',
    method: 'DELETE',
    path: '/contacts/{contactId}/personal-data',
    entry: 'functions/http/delete-contact-personal-data.ts',
    access: { table: 'readWrite' },
    roles: ['licensing-ops'],
  },
  {
    id: 'GetUpgradeEntitlement',
    method: 'GET',
    path: '/products/{product}/releases/{version}/entitlements/{serialNumber}',
    entry: 'functions/http/get-upgrade-entitlement.ts',
    access: { table: 'read' },
    roles: ['support-engineer', 'product-manager'],
  },
  {
    id: 'GetLifecycle',
    method: 'GET',
    path: '/products/{product}/majors/{major}/lifecycle',
    entry: 'functions/http/get-lifecycle.ts',
    access: { table: 'read' },
    public: 'vendors publish end-of-life dates: the dates and phases, without who scheduled them',
  },
  {
    id: 'GetLifecyclePicture',
    method: 'GET',
    path: '/products/{product}/lifecycle.svg',
    entry: 'functions/http/get-lifecycle-svg.ts',
    access: { table: 'read' },
    public: 'vendors publish end-of-life dates: a timeline of them, without who scheduled them',
  },
  {
    id: 'GetProductLifecycle',
    method: 'GET',
    path: '/products/{product}/lifecycle',
    entry: 'functions/http/get-product-lifecycle.ts',
    access: { table: 'read' },
    public:
      "vendors publish end-of-life dates: every major's general availability, milestones and phase, without who scheduled them",
  },
  {
    id: 'GetLifecycleCalendar',
    method: 'GET',
    path: '/products/{product}/lifecycle.ics',
    entry: 'functions/http/get-lifecycle-ics.ts',
    access: { table: 'read' },
    public:
      'vendors publish end-of-life dates: the same dates as an iCalendar feed customers subscribe to, without who scheduled them',
  },
  {
    id: 'GetProductOverview',
    method: 'GET',
    path: '/products/{product}/overview',
    entry: 'functions/http/get-product-overview.ts',
    access: { table: 'read' },
    roles: ['product-manager'],
  },
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/health',
    entry: 'functions/http/health.ts',
    access: {},
    public: 'a load balancer or monitor checks the API answers; it reveals nothing',
  },
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
  {
    id: 'PostContactIdRequest',
    method: 'POST',
    path: '/self-service/contact-id-requests',
    entry: 'functions/http/post-contact-id-request.ts',
    access: { table: 'readWrite', start: ['DeliverNotice'] },
    public:
      'the seeds\' "Contact ID did not arrive" request, from a customer without an account: the same 202 whether or not the identifiers match, the email only to the registered primary contact, at most 3 a day per certificate',
  },
  {
    id: 'GetOpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/http/get-openapi.ts',
    access: {},
    public: 'the API description: routes, parameters and the roles each allows, nothing about the data',
  },
  {
    id: 'GetDocs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/http/get-docs.ts',
    access: {},
    public:
      'the API reference page: it renders the public OpenAPI document in a browser, nothing about the data',
  },
];
