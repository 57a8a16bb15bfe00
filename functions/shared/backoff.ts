/** Waits before retry `attempt` (1, 2, …): a random part of `baseMs · 2^attempt`, at most `capMs` (full jitter). */
export function backoff(attempt: number, baseMs: number, capMs = Number.POSITIVE_INFINITY): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(capMs, baseMs * 2 ** attempt)),
  );
}
