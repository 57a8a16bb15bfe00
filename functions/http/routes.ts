/**
 * The HTTP API's routes: one table read by CDK (API Gateway routes, functions,
 * grants) and by the local HTTP server, so both serve exactly the same API.
 */
export interface Route {
  id: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  entry: string;
  /** What the function may touch; CDK turns this into least-privilege grants. */
  access: { table?: 'read' | 'readWrite'; startSync?: string[] };
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
  { id: 'GetHealth', method: 'GET', path: '/health', entry: 'functions/http/health.ts', access: {} },
];
