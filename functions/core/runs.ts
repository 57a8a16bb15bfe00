/**
 * Runs the core asks for. A workflow run goes by a name derived from what it is for: a
 * second start under the name is refused, so the name is its idempotency key. A run for a
 * date ahead is started on that date (00:00 UTC) by a one-time schedule, itself named after
 * what it is for, so a reschedule updates it rather than adding another.
 */

/** A workflow run: the name it goes by and its input. */
export interface NamedRun<I> {
  name: string;
  input: I;
}

/** A one-time schedule that starts a named run on a date. */
export interface ScheduledRun<I> {
  name: string;
  at: Date;
  executionName: string;
  input: I;
}

export const scheduledOn = <I>(name: string, date: string, run: NamedRun<I>): ScheduledRun<I> => ({
  name,
  at: new Date(`${date}T00:00:00Z`),
  executionName: run.name,
  input: run.input,
});
