/**
 * Makes a store's webhooks what the app needs, idempotently: one active hook per scope, pointing at our receiver
 * and carrying our per-store secret header. Run on install and on every load: BigCommerce deactivates a hook
 * after its last failed retry and never reactivates it on its own
 * (https://developer.bigcommerce.com/docs/integrations/webhooks#callback-retry-mechanism).
 * Hooks are visible only to the token that created them, so every hook listed here is ours.
 */
import { err, ok, type Result } from '@/lib/errors';
import type { BcFailure } from './failures';
import type { BcHook, HookInput } from './model';

export interface EnsureWebhooksInput {
  /** The receiver URL, e.g. `https://app.example.com/api/webhooks/bigcommerce`. */
  destination: string;
  scopes: readonly string[];
  /** Sent back by BigCommerce on every delivery; the receiver compares it in constant time. */
  secretHeader: { name: string; value: string };
}

export interface EnsureWebhooksOutcome {
  created: string[];
  /** Deactivated hooks turned back on. */
  reactivated: string[];
  /** Hooks whose destination or secret header was wrong. */
  repaired: string[];
  /** Second hooks for a scope we already cover (they would deliver every event twice). */
  deleted: number[];
  unchanged: string[];
}

type HookClient = {
  listHooks(): Promise<Result<BcHook[], BcFailure>>;
  createHook(input: HookInput): Promise<Result<BcHook, BcFailure>>;
  updateHook(id: number, patch: Partial<HookInput>): Promise<Result<BcHook, BcFailure>>;
  deleteHook(id: number): Promise<Result<BcHook | null, BcFailure>>;
};

export async function ensureWebhooks(client: HookClient, input: EnsureWebhooksInput): Promise<Result<EnsureWebhooksOutcome, BcFailure>> {
  const listed = await client.listHooks();
  if (!listed.ok) return listed;
  const outcome: EnsureWebhooksOutcome = { created: [], reactivated: [], repaired: [], deleted: [], unchanged: [] };
  const { name, value } = input.secretHeader;
  const wanted = [...new Set(input.scopes)];

  for (const scope of wanted) {
    const candidates = listed.value.filter((h) => h.scope === scope);
    if (candidates.length === 0) {
      const created = await client.createHook({ scope, destination: input.destination, isActive: true, headers: { [name]: value } });
      if (!created.ok) return err(created.error);
      outcome.created.push(scope);
      continue;
    }
    // Keep the best match (right destination first, then active), delete the rest.
    const rank = (h: BcHook) => (h.destination === input.destination ? 2 : 0) + (h.isActive ? 1 : 0);
    const [keep, ...extra] = [...candidates].sort((a, b) => rank(b) - rank(a) || a.id - b.id);
    for (const hook of extra) {
      const deleted = await client.deleteHook(hook.id);
      if (!deleted.ok && deleted.error.kind !== 'NotFound') return err(deleted.error);
      outcome.deleted.push(hook.id);
    }
    const hook = keep!;
    const headerOk = hook.headers[name] === value;
    const destinationOk = hook.destination === input.destination;
    if (headerOk && destinationOk && hook.isActive) {
      outcome.unchanged.push(scope);
      continue;
    }
    const patch: Partial<HookInput> = { isActive: true };
    if (!destinationOk) patch.destination = input.destination;
    if (!headerOk) patch.headers = { ...hook.headers, [name]: value };
    const updated = await client.updateHook(hook.id, patch);
    if (!updated.ok) return err(updated.error);
    if (headerOk && destinationOk) outcome.reactivated.push(scope);
    else outcome.repaired.push(scope);
  }
  return ok(outcome);
}
