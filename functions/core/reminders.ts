/**
 * Renewal reminders (DOMAIN.md "Contracts and renewal", Decision): offsets in days
 * before a term's end (negative = after it), configurable per tier. Each
 * (certificate, offset) is sent at most once; the certificate carries only its next
 * due reminder, which is what the sparse due-date index holds.
 */
import { addDays } from './calendar.ts';
import type { Tier } from './identifiers.ts';

export const DEFAULT_REMINDER_OFFSETS: readonly number[] = [90, 60, 30, 7, 0, -30];

export type ReminderOffsets = Partial<Record<Tier, readonly number[]>>;

export function offsetsFor(tier: Tier, configured: ReminderOffsets = {}): readonly number[] {
  return configured[tier] ?? DEFAULT_REMINDER_OFFSETS;
}

export interface DueReminder {
  offset: number;
  on: string;
}

/** Every reminder of a term, earliest first. */
export function reminderSchedule(termEnd: string, offsets: readonly number[]): DueReminder[] {
  return offsets
    .map((offset) => ({ offset, on: addDays(termEnd, -offset) }))
    .sort((a, b) => (a.on < b.on ? -1 : 1));
}

/** The first reminder due on or after `today`, or null when none is left. */
export function nextReminder(termEnd: string, offsets: readonly number[], today: string): DueReminder | null {
  return reminderSchedule(termEnd, offsets).find((r) => r.on >= today) ?? null;
}
