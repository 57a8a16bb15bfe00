/** The certificate view's additions for the console: each contact's serials and the tier's contact limit. */
import { describe, expect, it } from 'vitest';
import { certificateView } from '../../functions/core/certificate-view.ts';
import { decideRegistration } from '../../functions/core/registration.ts';
import { contractExample, parsedRequest, withField } from './fixtures.ts';

const registered = (tier: string) => {
  const decision = decideRegistration(
    parsedRequest(withField(contractExample(), 'tier', tier)),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: new Date('2026-03-01T10:00:00Z'),
      requestId: 'req-1',
      actor: { subject: 'alice', role: 'licensing-ops' },
      candidateContactId: '9800143084',
    },
  );
  if (decision.kind !== 'CREATE') throw new Error(`expected CREATE, got ${decision.kind}`);
  return decision;
};

describe('certificateView', () => {
  it.each([
    ['BASIC', 2, 'PRODUCT'],
    ['ESSENTIAL', 6, 'PRODUCT'],
    ['BCS_REMOTE', 6, 'PRODUCT_LINE'],
    ['BCS_DATACENTER', null, 'PRODUCT'],
  ])('shows the %s limit on designated contacts (%s per %s, the primary included)', (tier, limit, scope) => {
    const { certificate, contact, newSerials } = registered(tier);
    const view = certificateView(certificate, [contact], newSerials, [], '2026-06-01', {
      personalData: 'whole',
    });
    expect(view.contactLimit).toEqual({ limit, scope, primaryIncluded: true });
  });

  it("names each contact's serials, to masked readers too (they are no personal data)", () => {
    const { certificate, contact, newSerials } = registered('ESSENTIAL');
    const view = certificateView(certificate, [contact], newSerials, [], '2026-06-01', {
      personalData: 'masked',
    });
    expect(view.contacts[0]!.serialNumbers).toEqual(certificate.products.map((p) => p.serialNumber));
    expect(view.contacts[0]!.email).not.toBe(contact.email);
  });
});
