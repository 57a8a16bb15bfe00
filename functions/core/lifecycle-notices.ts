/**
 * Lifecycle notices (DOMAIN.md: customers with registered serials on the version are told
 * when a milestone is scheduled and when it passes): one per address, major, event. The
 * policy does not apply to a legacy major (end of life before it started): nobody is told.
 */
import type { MajorLifecycle, MilestonePhase } from './lifecycle.ts';
import { slug } from './lifecycle.ts';
import { addressHash, type Notice } from './notices.ts';
import { type ContactOnRecord, type Recipient, recipientsOf } from './recipients.ts';
import { DEFAULT_LINKS, milestoneSentence, type NoticeLinks, PHASES } from './wording.ts';

export type LifecycleNoticeEvent = 'SCHEDULED' | MilestonePhase;

/** A legacy major keeps its contract's terms: its milestones send no notices. */
export const sendsLifecycleNotices = (lifecycle: Pick<MajorLifecycle, 'legacy'>): boolean =>
  !lifecycle.legacy;

/** Who is told of a lifecycle event, and with which notice: each address among the contacts of serials on the major. */
export function lifecycleNotices(
  lifecycle: MajorLifecycle,
  event: LifecycleNoticeEvent,
  contacts: Iterable<ContactOnRecord>,
  at: string,
  links: Pick<NoticeLinks, 'licensingPortalUrl'> = DEFAULT_LINKS,
): Notice[] {
  if (!sendsLifecycleNotices(lifecycle)) return [];
  return recipientsOf(contacts).map((recipient) => lifecycleNotice(lifecycle, event, recipient, at, links));
}

const TEMPLATES: Record<LifecycleNoticeEvent, string> = {
  SCHEDULED: 'LifecycleScheduled',
  EOL: 'LifecycleEol',
  PARTIAL_SUPPORT: 'LifecyclePartialSupport',
  END_OF_SUPPORT: 'LifecycleEndOfSupport',
};

export function lifecycleNotice(
  lifecycle: MajorLifecycle,
  event: LifecycleNoticeEvent,
  recipient: Recipient,
  at: string,
  links: Pick<NoticeLinks, 'licensingPortalUrl'> = DEFAULT_LINKS,
): Notice {
  const language = recipient.language;
  const release = `${lifecycle.product} ${lifecycle.major}`;
  const today = at.slice(0, 10);
  const milestone = (phase: MilestonePhase, date: string) => ({
    sentence: milestoneSentence(release, phase, date, today, language),
    meaning: PHASES[phase][language].meaning,
  });
  // A schedule notice is per revision (each change is news); a milestone passes once.
  const what = event === 'SCHEDULED' ? `r${lifecycle.revision}` : event;
  return {
    id: `lifecycle-${slug(lifecycle.product)}-${lifecycle.major}-${what}-${addressHash(recipient.to, 16)}`,
    kind: 'LIFECYCLE',
    template: TEMPLATES[event],
    to: recipient.to,
    language: recipient.language,
    data: {
      contactName: recipient.name,
      product: lifecycle.product,
      major: lifecycle.major,
      phase: event,
      eolDate: lifecycle.eolDate,
      partialSupportDate: lifecycle.partialSupportDate,
      endOfSupportDate: lifecycle.endOfSupportDate,
      // What a person reads: each milestone as reached or to come on the notice's day.
      milestones: [
        milestone('EOL', lifecycle.eolDate),
        milestone('PARTIAL_SUPPORT', lifecycle.partialSupportDate),
        milestone('END_OF_SUPPORT', lifecycle.endOfSupportDate),
      ],
      licensingPortalUrl: links.licensingPortalUrl,
    },
    status: 'PENDING',
    createdAt: at,
  };
}
