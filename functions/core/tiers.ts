/**
 * Support offerings (DOMAIN.md "Support offerings"): what each tier gives, the response
 * targets worded as the table writes them (solution targets in business days for Basic
 * and Essential alike: the table's Decision). Contact limits count the primary contact.
 * A target of null is one the offering does not state (the table's "—").
 */
import type { Tier } from './identifiers.ts';

export type ContactLimitScope = 'PRODUCT' | 'PRODUCT_LINE';

export interface Offering {
  name: string;
  hours: 'BUSINESS_HOURS' | '24x7';
  /** Designated contacts allowed, per `limitScope`; null = unlimited. */
  contactLimit: number | null;
  limitScope: ContactLimitScope;
  responseTargets: Record<'severity1' | 'severity2' | 'severity3' | 'severity4', SeverityTarget>;
}

export interface SeverityTarget {
  initialResponse: string | null;
  restoreService?: string | null;
  solution: string | null;
}

const BCS_TARGETS: Offering['responseTargets'] = {
  severity1: { initialResponse: '15 minutes', restoreService: null, solution: null },
  severity2: { initialResponse: null, solution: null },
  severity3: { initialResponse: null, solution: null },
  severity4: { initialResponse: null, solution: null },
};

export const OFFERINGS: Record<Tier, Offering> = {
  BASIC: {
    name: 'Basic Maintenance',
    hours: 'BUSINESS_HOURS',
    contactLimit: 2,
    limitScope: 'PRODUCT',
    responseTargets: {
      severity1: {
        initialResponse: '1 hour (business hours)',
        restoreService: '18 business hours',
        solution: '10 business days',
      },
      severity2: { initialResponse: '4 business hours', solution: '10 business days' },
      severity3: { initialResponse: 'next business day', solution: '25 business days or next update' },
      severity4: { initialResponse: '2 business days', solution: 'next product update' },
    },
  },
  ESSENTIAL: {
    name: 'Essential Support',
    hours: '24x7',
    contactLimit: 6,
    limitScope: 'PRODUCT',
    responseTargets: {
      severity1: { initialResponse: '30 minutes', restoreService: '8 hours', solution: '8 business days' },
      severity2: { initialResponse: '2 hours', solution: '10 business days' },
      severity3: {
        initialResponse: 'within 24 hours, business days',
        solution: '20 business days or next update',
      },
      severity4: { initialResponse: 'next business day', solution: 'next product update' },
    },
  },
  BCS_REMOTE: {
    name: 'Business Critical Services — Remote Product Specialist',
    hours: '24x7',
    contactLimit: 6,
    limitScope: 'PRODUCT_LINE',
    responseTargets: BCS_TARGETS,
  },
  BCS_DATACENTER: {
    name: 'Business Critical Services — DataCenter',
    hours: '24x7',
    contactLimit: null,
    limitScope: 'PRODUCT',
    responseTargets: BCS_TARGETS,
  },
  BCS_NATIONAL: {
    name: 'Business Critical Services — National',
    hours: '24x7',
    contactLimit: null,
    limitScope: 'PRODUCT',
    responseTargets: BCS_TARGETS,
  },
  BCS_GLOBAL: {
    name: 'Business Critical Services — Global',
    hours: '24x7',
    contactLimit: null,
    limitScope: 'PRODUCT',
    responseTargets: BCS_TARGETS,
  },
};
