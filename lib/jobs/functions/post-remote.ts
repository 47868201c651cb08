import type { ProviderLimits } from '@/lib/sync/provider';
import type { RemoteDefinition } from '@/lib/accounting/definition';
import { remoteDefinitions } from '@/lib/accounting/registry';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { StoreHash } from '@/lib/ids';
import { inngest } from '../client';
import { remotePosting, storeUninstalled } from '../events';
import { planAndAct } from './accounting-steps';

/**
 * Inngest flow control from a provider's declared limits, keyed by the accounting tenant (`event.data.tenant`):
 * runs start at most `callsPerMinute` a minute (each run makes at least one call), and at most `concurrency` run
 * at once across every store posting to that tenant (`scope: "env"`). Throttle is per function, so each remote
 * provider has a posting function of its own. Within a run the provider's pacer and the system's own headers keep
 * the calls within the minute and day limits; a 429 becomes RetryAfterError with the system's wait.
 */
export function tenantFlowControl(limits: ProviderLimits) {
  return {
    concurrency: { scope: 'env' as const, key: '"tenant-" + event.data.tenant', limit: limits.concurrency },
    ...(limits.callsPerMinute === null ? {} : { throttle: { limit: limits.callsPerMinute, period: '1m' as const, key: 'event.data.tenant' } }),
  };
}

/** Plans and posts one order change to a remote system; invoked by `order-changed` for stores posting there. */
function postingFunction(definition: RemoteDefinition) {
  return inngest.createFunction(
    {
      id: `post-to-${definition.id}`,
      triggers: [remotePosting(definition.id)],
      ...tenantFlowControl(definition.limits),
      retries: 5,
      cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
    },
    async ({ event, step }) =>
      planAndAct(step, {
        storeHash: event.data.storeHash as StoreHash,
        order: event.data.order as unknown as BcOrder,
        refunds: (event.data.refunds ?? null) as unknown as BcRefund[] | null,
        ...(event.data.refundsUnreadable ? { refundsUnreadable: event.data.refundsUnreadable } : {}),
        trigger: event.data.trigger,
      }),
  );
}

/** One posting function per remote system of the registry, by provider id. */
export const postingFunctions: ReadonlyMap<string, ReturnType<typeof postingFunction>> = new Map(remoteDefinitions().map((d) => [d.id, postingFunction(d)]));
