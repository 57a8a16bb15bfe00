/** What GET /products/{product}/overview answers (a product manager's read). */
import type { TimelineMajor } from '../../components/product-timeline.tsx';

export interface Actor {
  subject: string;
  role: string;
}

export interface LifecycleDates {
  eolDate: string;
  partialSupportDate: string;
  endOfSupportDate: string;
}

export interface HistoryEvent {
  at: string;
  /** SCHEDULED, RESCHEDULED, or the phase a milestone moved the major into. */
  event: string;
  dates?: LifecycleDates;
  /** Records from before roles have none. */
  actor?: Actor | null;
}

export interface OverviewMajor extends TimelineMajor {
  history?: HistoryEvent[];
}

export interface OverviewRelease {
  version: string;
  gaDate: string;
  status: 'SCHEDULED' | 'DECIDED' | string;
  decisions: { entitled: number; notEntitled: number } | null;
  announcedBy?: Actor | null;
  updatedBy?: Actor | null;
}

export interface ProductOverview {
  product: string;
  /** The service's today (YYYY-MM-DD): phases are as of this day. */
  asOf?: string;
  majors: OverviewMajor[];
  releases: OverviewRelease[];
}

/** PUT …/majors/{m}/lifecycle?dryRun=true */
export interface LifecycleDryRun {
  dryRun: true;
  product: string;
  major: number;
  phase: TimelineMajor['phase'];
  impact: { serials: number; contacts: number; certificates: number };
}

export const PHASE_LABELS: Record<TimelineMajor['phase'], string> = {
  GA: 'Standard support',
  EOL: 'End of life',
  PARTIAL_SUPPORT: 'Partial support',
  END_OF_SUPPORT: 'End of support',
};

export const actorText = (actor: Actor | null | undefined): string =>
  actor ? `${actor.subject} (${actor.role})` : 'not recorded';
