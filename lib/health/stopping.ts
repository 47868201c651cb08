/**
 * Whether this instance is shutting down. `npm start` (lib/server/main.ts) marks it on SIGTERM, and readiness
 * answers 503 from then on, so a load balancer takes the instance out of rotation while it still serves what it is
 * sent (SHUTDOWN_DRAIN_SECONDS) and finishes the requests in flight. Kept on `globalThis` under a registered symbol:
 * the server and Next's compiled route bundle each load their own copy of this module, and both must see one flag.
 */
const KEY = Symbol.for('ledgerbridge.stopping');

type Holder = { [KEY]?: { since: string } };

export function markStopping(now: Date = new Date()): void {
  (globalThis as Holder)[KEY] ??= { since: now.toISOString() };
}

/** When shutdown began (ISO time), or null while the instance is serving normally. */
export function stoppingSince(): string | null {
  return (globalThis as Holder)[KEY]?.since ?? null;
}
