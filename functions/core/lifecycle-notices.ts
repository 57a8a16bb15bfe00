/**
 * Lifecycle notices (DOMAIN.md: customers with registered serials on the version are told
 * when a milestone is scheduled and when it passes): one per contact, major, event.
 */
import type { MajorLifecycle, Phase } from './lifecycle.ts';
import { slug } from './lifecycle.ts';
import { addressHash, type Notice } from './notices.ts';
import type { ReminderRecipient } from './reminders.ts';

export type LifecycleNoticeEvent = 'SCHEDULED' | Exclude<Phase, 'GA'>;

const TEMPLATES: Record<LifecycleNoticeEvent, string> = {
  SCHEDULED: 'LifecycleScheduled',
  EOL: 'LifecycleEol',
  PARTIAL_SUPPORT: 'LifecyclePartialSupport',
  END_OF_SUPPORT: 'LifecycleEndOfSupport',
};

export function lifecycleNotice(
  lifecycle: MajorLifecycle,
  event: LifecycleNoticeEvent,
  recipient: ReminderRecipient,
  at: string,
): Notice {
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
    },
    status: 'PENDING',
    createdAt: at,
  };
}
