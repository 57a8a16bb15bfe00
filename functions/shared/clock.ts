/**
 * The one place handlers ask for the time. On AWS it is the wall clock; the local
 * stack swaps in its controllable clock (POST /_local/clock) in the same process.
 */
let source: () => Date = () => new Date();

export const now = (): Date => source();

export function useClock(next: () => Date): void {
  source = next;
}
