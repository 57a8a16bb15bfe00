/**
 * Entitlement verification (DOMAIN.md "Entitlement verification", "Support offerings").
 * On a call the caller gives a Contact ID or a product's support identifier; the answer
 * says whether they are entitled, to what (tier, hours, response targets, products, each
 * version's support phase, upgrades, whether phone support is open now) and why, in words
 * naming the contract, the dates and the rule applied. It sees no personal data (a contact
 * is its Contact ID, role and serials), so it can tell none: the reasons name no person.
 */
import { type CoverageTerm, summarizeCoverage, termInForce } from './coverage.ts';
import type { Tier } from './identifiers.ts';
import {
  PARTIAL_SUPPORT_SCOPE,
  type PartialSupportScope,
  type PhaseAnswer,
  type SupportPhase,
  supportPhaseOn,
} from './lifecycle.ts';
import {
  type InstallationSite,
  type PhoneSupport,
  type PublicHolidays,
  phoneSupportAt,
} from './phone-hours.ts';
import type { Contact, RegisteredSerial } from './registration.ts';
import { OFFERINGS, type Offering } from './tiers.ts';

export type PhaseOf = (product: string, version: string) => PhaseAnswer;

/** Until a product manager schedules end of life, a version has standard support. */
export const standardUnlessScheduled: PhaseOf = (product, version) =>
  supportPhaseOn(null, product, version, '');

/** Who asks: a contact by their Contact ID, or a caller who gives a product's support identifier. */
export type Caller =
  | { by: 'CONTACT_ID'; contactId: string; role: Contact['role'] }
  | { by: 'SUPPORT_IDENTIFIER'; supportIdentifier: string };

/** The moment of the call and where the software is installed: whether phone support is open now. */
export interface CallContext {
  /** Default: the start of `today` (UTC). */
  now?: Date;
  site?: InstallationSite;
  /** The installation country's public holidays (none when absent). */
  holidays?: PublicHolidays;
}

export interface EntitledProduct {
  serialNumber: string;
  product: string;
  version: string;
  coverage: { start: string; end: string; active: boolean; certificateNumber: string; tier: Tier } | null;
  supportPhase: SupportPhase;
  /** Support can be given for it today: covered, and its version not past end of support. */
  supported: boolean;
  /** Its own offering's targets while supported; null when not covered or at end of support. */
  responseTargets: Offering['responseTargets'] | null;
  /** In partial support, what support covers: the targets above apply to that only. */
  partialSupportScope: PartialSupportScope | null;
}

export interface EntitlementAnswer {
  entitled: boolean;
  tier: Tier | null;
  offering: string | null;
  hours: Offering['hours'] | null;
  responseTargets: Offering['responseTargets'] | null;
  callCentreAcknowledgement: string;
  upgradesOpen: boolean;
  /** Null when not entitled: no phone support is owed. */
  phoneSupport: PhoneSupport | null;
  products: EntitledProduct[];
  reasons: string[];
  asOf: string;
}

export interface Entitlement extends EntitlementAnswer {
  contactId: string;
  role: Contact['role'];
}

/** What a contact is entitled to on `today` (and at `context.now`, for phone support). */
export function verifyEntitlement(
  contact: Pick<Contact, 'contactId' | 'role' | 'serialNumbers'>,
  serials: readonly RegisteredSerial[],
  today: string,
  phaseOf: PhaseOf = standardUnlessScheduled,
  context: CallContext = {},
): Entitlement {
  const caller: Caller = { by: 'CONTACT_ID', contactId: contact.contactId, role: contact.role };
  return {
    contactId: contact.contactId,
    role: contact.role,
    ...decideEntitlement(caller, contact.serialNumbers, serials, today, phaseOf, context),
  };
}

/** What a caller is entitled to for these serials (theirs, or the one their support identifier names). */
export function decideEntitlement(
  caller: Caller,
  serialNumbers: readonly string[],
  serials: readonly RegisteredSerial[],
  today: string,
  phaseOf: PhaseOf = standardUnlessScheduled,
  context: CallContext = {},
): EntitlementAnswer {
  const reasons: string[] = [];
  const bySerial = new Map(serials.map((s) => [s.serialNumber, s]));
  const products: EntitledProduct[] = [];
  const inForce: CoverageTerm[] = [];
  const supportedTerms: CoverageTerm[] = [];

  for (const serialNumber of serialNumbers) {
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
    const supported = term !== null && phase.supportPhase !== 'NONE';
    if (supported && term) supportedTerms.push(term);
    if (term && phase.supportPhase === 'NONE')
      reasons.push(`${label}: no response targets, because its version has reached end of support life.`);
    if (supported && phase.supportPhase === 'PARTIAL')
      reasons.push(
        `${label}: in partial support, its response targets apply to ${PARTIAL_SUPPORT_SCOPE.summary}.`,
      );
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
      supported,
      responseTargets: supported && term ? OFFERINGS[term.tier].responseTargets : null,
      partialSupportScope: phase.supportPhase === 'PARTIAL' ? PARTIAL_SUPPORT_SCOPE : null,
    });
  }

  // Several products supported at different tiers: the best offering answers the call. A
  // product past end of support lends the caller nothing, whatever its tier.
  const entitled = supportedTerms.length > 0;
  const governing = best(entitled ? supportedTerms : inForce);
  const offering = governing ? OFFERINGS[governing.tier] : null;
  const who =
    caller.by === 'CONTACT_ID'
      ? `Contact ID ${caller.contactId}`
      : `the product of support identifier ${caller.supportIdentifier}`;
  if (entitled && governing && offering)
    reasons.unshift(
      `Entitled: ${
        caller.by === 'CONTACT_ID'
          ? `Contact ID ${caller.contactId} is the ${caller.role === 'PRIMARY' ? 'primary technical' : 'designated'} contact for ${supportedTerms.length} covered product(s)`
          : `support identifier ${caller.supportIdentifier} names ${supportedTerms.length} covered product(s)`
      } on ${today}; ${offering.name} (${governing.tier}, certificate ${governing.certificateNumber}) gives ${offering.hours === '24x7' ? '24×7×365 phone support' : 'phone support in local business hours 08:00–18:00 on business days'}.`,
    );
  else if (governing)
    reasons.unshift(
      `Not entitled: every product of ${who} that is covered on ${today} has reached end of support life, which allows neither standard nor partial support, whatever the offering.`,
    );
  else
    reasons.unshift(
      `Not entitled: no product of ${who} is covered on ${today}; technical support and upgrades exist only while the contract is kept renewed.`,
    );
  if (inForce.length > 0)
    reasons.push(
      'Upgrades: open, because a support contract is current (new versions follow the GA-date rule).',
    );

  const phoneSupport =
    entitled && offering
      ? phoneSupportAt(
          offering.hours,
          context.now ?? new Date(`${today}T00:00:00Z`),
          context.site,
          context.holidays,
        )
      : null;
  reasons.push(phoneSupport?.reason ?? 'Phone support: none, because no product is entitled to support.');

  return {
    entitled,
    tier: governing?.tier ?? null,
    offering: offering?.name ?? null,
    hours: offering?.hours ?? null,
    responseTargets: entitled ? (offering?.responseTargets ?? null) : null,
    callCentreAcknowledgement: '15 minutes',
    upgradesOpen: inForce.length > 0,
    phoneSupport,
    products,
    reasons,
    asOf: today,
  };
}

const best = (terms: readonly CoverageTerm[]) =>
  [...terms].sort((a, b) => TIER_RANK[b.tier] - TIER_RANK[a.tier])[0];

const TIER_RANK: Record<Tier, number> = {
  BASIC: 0,
  ESSENTIAL: 1,
  BCS_REMOTE: 2,
  BCS_DATACENTER: 3,
  BCS_NATIONAL: 4,
  BCS_GLOBAL: 5,
};
