/**
 * Entitlement verification (DOMAIN.md "Entitlement verification", "Support offerings").
 * On a call the caller gives a Contact ID; the answer says whether they are entitled,
 * to what (tier, hours, response targets, products, each version's support phase,
 * upgrades) and why, in words naming the contract, the dates and the rule applied.
 */
import { type CoverageTerm, summarizeCoverage, termInForce } from './coverage.ts';
import type { Tier } from './identifiers.ts';
import { type PhaseAnswer, type SupportPhase, supportPhaseOn } from './lifecycle.ts';
import type { Contact, RegisteredSerial } from './registration.ts';
import { OFFERINGS, type Offering } from './tiers.ts';

export type PhaseOf = (product: string, version: string) => PhaseAnswer;

/** Until a product manager schedules end of life, a version has standard support. */
export const standardUnlessScheduled: PhaseOf = (product, version) =>
  supportPhaseOn(null, product, version, '');

export interface EntitledProduct {
  serialNumber: string;
  product: string;
  version: string;
  coverage: { start: string; end: string; active: boolean; certificateNumber: string; tier: Tier } | null;
  supportPhase: SupportPhase;
  /** Support can be given for it today: covered, and its version not past end of support. */
  supported: boolean;
}

export interface Entitlement {
  contactId: string;
  role: Contact['role'];
  entitled: boolean;
  tier: Tier | null;
  offering: string | null;
  hours: Offering['hours'] | null;
  responseTargets: Offering['responseTargets'] | null;
  callCentreAcknowledgement: string;
  upgradesOpen: boolean;
  products: EntitledProduct[];
  reasons: string[];
  asOf: string;
}

export function verifyEntitlement(
  contact: Contact,
  serials: readonly RegisteredSerial[],
  today: string,
  phaseOf: PhaseOf = standardUnlessScheduled,
): Entitlement {
  const reasons: string[] = [];
  const bySerial = new Map(serials.map((s) => [s.serialNumber, s]));
  const products: EntitledProduct[] = [];
  const inForce: CoverageTerm[] = [];

  for (const serialNumber of contact.serialNumbers) {
    const serial = bySerial.get(serialNumber);
    if (!serial) continue;
    const summary = summarizeCoverage(serial.terms, today);
    const term = termInForce(serial.terms, today);
    const phase = phaseOf(serial.product, serial.version);
    const label = `${serial.product} ${serial.version} (serial ${serialNumber})`;
    if (term) {
      inForce.push(term);
      reasons.push(
        `${label} is covered by certificate ${term.certificateNumber} (${term.tier}) from ${term.start} to ${term.end}, which includes ${today}.`,
      );
    } else if (summary && summary.end < today)
      reasons.push(
        `${label}: coverage lapsed after ${summary.end} (certificate ${summary.certificateNumber}); support and upgrades need a renewal.`,
      );
    else if (summary)
      reasons.push(
        `${label}: coverage starts on ${summary.start} (certificate ${summary.certificateNumber}).`,
      );
    reasons.push(phase.reason);
    products.push({
      serialNumber,
      product: serial.product,
      version: serial.version,
      coverage: summary
        ? {
            start: summary.start,
            end: summary.end,
            active: term !== null,
            certificateNumber: summary.certificateNumber,
            tier: summary.tier,
          }
        : null,
      supportPhase: phase.supportPhase,
      supported: term !== null && phase.supportPhase !== 'NONE',
    });
  }

  // Several terms in force (products renewed at different tiers): the best offering answers the call.
  const governing = [...inForce].sort((a, b) => TIER_RANK[b.tier] - TIER_RANK[a.tier])[0];
  const entitled = products.some((p) => p.supported);
  const offering = governing ? OFFERINGS[governing.tier] : null;
  if (entitled && governing && offering)
    reasons.unshift(
      `Entitled: Contact ID ${contact.contactId} is the ${contact.role === 'PRIMARY' ? 'primary technical' : 'designated'} contact for ${products.filter((p) => p.supported).length} covered product(s) on ${today}; ${offering.name} (${governing.tier}, certificate ${governing.certificateNumber}) gives ${offering.hours === '24x7' ? '24×7×365 phone support' : 'phone support in local business hours 08:00–18:00 on business days'}.`,
    );
  else if (governing)
    reasons.unshift(
      `Not entitled: every product of Contact ID ${contact.contactId} that is covered on ${today} has reached end of support life, which allows neither standard nor partial support, whatever the offering.`,
    );
  else
    reasons.unshift(
      `Not entitled: no product of Contact ID ${contact.contactId} is covered on ${today}; technical support and upgrades exist only while the contract is kept renewed.`,
    );
  if (inForce.length > 0)
    reasons.push(
      'Upgrades: open, because a support contract is current (new versions follow the GA-date rule).',
    );

  return {
    contactId: contact.contactId,
    role: contact.role,
    entitled,
    tier: governing?.tier ?? null,
    offering: offering?.name ?? null,
    hours: offering?.hours ?? null,
    responseTargets: entitled ? (offering?.responseTargets ?? null) : null,
    callCentreAcknowledgement: '15 minutes',
    upgradesOpen: inForce.length > 0,
    products,
    reasons,
    asOf: today,
  };
}

const TIER_RANK: Record<Tier, number> = {
  BASIC: 0,
  ESSENTIAL: 1,
  BCS_REMOTE: 2,
  BCS_DATACENTER: 3,
  BCS_NATIONAL: 4,
  BCS_GLOBAL: 5,
};
