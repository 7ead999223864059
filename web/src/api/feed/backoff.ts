/** How long to wait before reconnecting: exponential, capped, with jitter so a room of consoles that
 * lost the server together does not knock on it together. */
export interface BackoffPolicy {
  /** The first wait. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
  factor: number;
  /** 0.2: each wait is drawn from [80 %, 100 %] of the exponential value. */
  jitter: number;
}

export const FEED_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** The wait before reconnect number ``attempt`` (0 for the first), in ms. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = FEED_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseMs * policy.factor ** Math.max(0, attempt);
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}
