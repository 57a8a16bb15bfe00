/**
 * Builders shared by the unit and handler tests: the CONTRACT.md example request,
 * and a way to change one field of it by a dotted path.
 */
import { RegistrationRequest } from '../../functions/core/registration.ts';

export const CERTIFICATE = '12345678-1234567';

/** The request body of CONTRACT.md "Registrations", as a client sends it. */
export function contractExample(): Record<string, any> {
  return {
    certificateNumber: CERTIFICATE,
    salesOrderNumber: '12345678',
    tier: 'ESSENTIAL',
    term: { start: '2026-01-01', end: '2026-12-31' },
    company: { name: 'Acme SA', address: '1 rue X, Paris', phone: '+33 1 23 45 67 89' },
    primaryContact: {
      name: 'Marie Curie',
      email: 'marie@acme.example',
      phone: '+33 6 00 00 00 00',
      language: 'fr',
    },
    products: [
      {
        serialNumber: 'M1234567890',
        supportIdentifier: '1234-5678-1234',
        product: 'Backup Exec',
        version: '12.0',
      },
    ],
  };
}

/** A copy of `body` with the field at a dotted path (`products.0.version`) set, or removed when `undefined`. */
export function withField(body: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let target: any = copy;
  for (const part of parts.slice(0, -1)) target = target[part];
  const last = parts.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** The parsed (defaulted) request, as `decideRegistration` receives it. */
export function parsedRequest(body: Record<string, any> = contractExample()): RegistrationRequest {
  return RegistrationRequest.parse(body);
}
