/** Calendar arithmetic on YYYY-MM-DD dates, in UTC, so rules never depend on the host's zone. */

/** The UTC day (YYYY-MM-DD) of an instant, or of an ISO time or day written as text. */
export function dayOf(instant: Date | string): string {
  return (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dayOf(d);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
