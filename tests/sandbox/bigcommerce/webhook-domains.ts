// BigCommerce's delivery-domain blocklist
// (https://developer.bigcommerce.com/docs/integrations/webhooks#callback-retry-mechanism): the webhook service keeps
// a success ratio per app (client id) and destination domain over a sliding two-minute window; only a 2xx counts as
// a success. Once the window holds 100 requests, a ratio below 90 % blocklists that app's domain for three minutes.
// Events due meanwhile wait in the retry queue (the dispatcher's job); hooks stay active. Durations follow the
// sandbox clock's time scale.
import type { SandboxClock } from './state';

export const DOMAIN_WINDOW_MS = 2 * 60_000;
export const DOMAIN_BLOCK_MS = 3 * 60_000;
/** The ratio is not computed before the window holds this many requests. */
export const DOMAIN_MIN_REQUESTS = 100;
export const DOMAIN_MIN_SUCCESS_RATIO = 0.9;
const BLOCKS_KEPT = 20;

/** Shape of `blocked_domains[].reasons` in GET /v3/hooks/admin (webhooks.v3.yml). */
export interface BlockReason {
  failure_description: string;
  count: number;
  /** Seconds since the epoch of the latest failure of this kind. */
  timestamp: number;
}

interface Outcome {
  at: number;
  ok: boolean;
  failure?: string;
}

interface Block {
  from: number;
  until: number;
  requests: number;
  successes: number;
  reasons: BlockReason[];
}

interface DomainState {
  client_id: string;
  destination: string;
  outcomes: Outcome[];
  /** How many of `outcomes` failed (kept with the list: counting the window per delivery grew with its length). */
  failures: number;
  blocks: Block[];
  /** Attempts that came due during a block and went back to the retry queue unsent. */
  deferred: number;
}

export interface DomainReport {
  client_id: string;
  destination: string;
  blocked: boolean;
  /** Platform seconds left on the current block (0 when not blocked). */
  time_left: number;
  window: { requests: number; successes: number };
  deferred: number;
  blocks: Array<{ from: string; until: string; requests: number; successes: number; reasons: BlockReason[] }>;
}

/**
 * The domain a destination belongs to. On the platform every destination is served on port 443, so its origin is
 * its domain; the sandbox accepts any port (README) and counts each host:port as a domain of its own, so receivers
 * of unrelated tests on 127.0.0.1 do not share a fate.
 */
export function destinationDomain(destination: string): string {
  return new URL(destination).origin;
}

export class DomainBlocklist {
  private readonly domains = new Map<string, DomainState>();
  /** Each destination's domain state, so a delivery does not parse its URL again. */
  private readonly byDestination = new Map<string, DomainState>();

  constructor(private readonly clock: SandboxClock) {}

  private state(clientId: string, destination: string): DomainState {
    const known = this.byDestination.get(`${clientId} ${destination}`);
    if (known) return known;
    const domain = destinationDomain(destination);
    const key = `${clientId} ${domain}`;
    let s = this.domains.get(key);
    if (!s) {
      s = { client_id: clientId, destination: domain, outcomes: [], failures: 0, blocks: [], deferred: 0 };
      this.domains.set(key, s);
    }
    this.byDestination.set(`${clientId} ${destination}`, s);
    return s;
  }

  private current(s: DomainState): Block | null {
    const last = s.blocks.at(-1);
    return last && this.clock.now() < last.until ? last : null;
  }

  isBlocked(clientId: string, destination: string): boolean {
    return this.current(this.state(clientId, destination)) !== null;
  }

  deferred(clientId: string, destination: string): void {
    this.state(clientId, destination).deferred++;
  }

  /** Counts a delivery's outcome and blocklists the domain when the window's success ratio drops below 90 %. */
  record(clientId: string, destination: string, ok: boolean, failure?: string): void {
    const s = this.state(clientId, destination);
    // Answers to requests sent before the block began arrive during it; they neither extend nor restart it.
    if (this.current(s)) return;
    const now = this.clock.now();
    s.outcomes.push(ok ? { at: now, ok } : { at: now, ok, failure: failure ?? 'no response' });
    if (!ok) s.failures++;
    this.prune(s, now);
    if (s.outcomes.length < DOMAIN_MIN_REQUESTS) return;
    const successes = s.outcomes.length - s.failures;
    if (successes / s.outcomes.length >= DOMAIN_MIN_SUCCESS_RATIO) return;
    s.blocks.push({
      from: now,
      until: now + this.clock.scaled(DOMAIN_BLOCK_MS),
      requests: s.outcomes.length,
      successes,
      reasons: reasonsOf(s.outcomes),
    });
    if (s.blocks.length > BLOCKS_KEPT) s.blocks.splice(0, s.blocks.length - BLOCKS_KEPT);
    // The block outlasts the window, so the next window starts empty.
    s.outcomes = [];
    s.failures = 0;
  }

  private prune(s: DomainState, now: number): void {
    const since = now - this.clock.scaled(DOMAIN_WINDOW_MS);
    let drop = 0;
    while (drop < s.outcomes.length && s.outcomes[drop]!.at <= since) if (!s.outcomes[drop++]!.ok) s.failures--;
    if (drop > 0) s.outcomes.splice(0, drop);
  }

  /** This app's domains that are blocklisted now, as GET /v3/hooks/admin lists them. */
  blockedDomains(clientId: string): Array<{ destination: string; time_left: number; reasons: BlockReason[] }> {
    return [...this.domains.values()]
      .filter((s) => s.client_id === clientId && this.current(s))
      .map((s) => ({ destination: s.destination, time_left: this.timeLeft(s), reasons: this.current(s)!.reasons }));
  }

  report(clientIds: ReadonlySet<string>): DomainReport[] {
    const now = this.clock.now();
    return [...this.domains.values()]
      .filter((s) => clientIds.has(s.client_id))
      .map((s) => {
        this.prune(s, now);
        return {
          client_id: s.client_id,
          destination: s.destination,
          blocked: this.current(s) !== null,
          time_left: this.timeLeft(s),
          window: { requests: s.outcomes.length, successes: s.outcomes.length - s.failures },
          deferred: s.deferred,
          blocks: s.blocks.map((b) => ({ ...b, from: this.clock.iso(b.from), until: this.clock.iso(b.until) })),
        };
      });
  }

  private timeLeft(s: DomainState): number {
    const block = this.current(s);
    if (!block) return 0;
    // Reported in platform seconds, like the retry schedule: the sandbox clock runs `timeScale` times faster.
    return Math.ceil(((block.until - this.clock.now()) * this.clock.timeScale) / 1000);
  }
}

function reasonsOf(outcomes: Outcome[]): BlockReason[] {
  const byDescription = new Map<string, BlockReason>();
  for (const o of outcomes) {
    if (o.ok) continue;
    const description = o.failure ?? 'no response';
    const reason = byDescription.get(description) ?? { failure_description: description, count: 0, timestamp: 0 };
    reason.count++;
    reason.timestamp = Math.max(reason.timestamp, Math.floor(o.at / 1000));
    byDescription.set(description, reason);
  }
  return [...byDescription.values()];
}
