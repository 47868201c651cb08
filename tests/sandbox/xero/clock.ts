// The sandbox's notion of time. Platform durations (token lifetimes, limit windows, idempotency retention)
// are written in Xero's own units and divided by `timeScale` when measured on the wall clock; `advance()`
// jumps the clock forward so tests can expire tokens or reset windows without waiting.
export class XeroClock {
  private offsetMs = 0;

  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new Error('timeScale must be positive');
  }

  /** Milliseconds since the epoch as the sandbox sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Wall-clock length of a platform duration. */
  scaled(platformMs: number): number {
    return platformMs / this.timeScale;
  }

  /** Moves the clock forward by a platform duration (e.g. 31 minutes to expire an access token). */
  advance(platformMs: number): void {
    this.offsetMs += this.scaled(platformMs);
  }
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
