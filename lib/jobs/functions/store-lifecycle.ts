import { registerStoreWebhooks } from '@/lib/bigcommerce/store-webhooks';
import { env } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { inngest } from '../client';
import { storeContext } from '../context';
import { storeInstalled, storeSweep } from '../events';
import { translateFailures } from './retry';

/**
 * After an install: make sure the webhooks are registered (the install callback tried once already) and run the
 * first sweep, so orders placed before the webhooks existed are not missed.
 */
export const storeInstalledFunction = inngest.createFunction(
  { id: 'store-installed', triggers: [storeInstalled], retries: 5 },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    const hooks = await step.run('ensure-webhooks', () =>
      translateFailures(async () => {
        const { stores } = await storeContext(store);
        const e = env();
        const outcome = await registerStoreWebhooks({ stores, fetch: globalThis.fetch, apiUrl: e.BIGCOMMERCE_API_URL, appUrl: e.APP_URL }, store);
        if (!outcome.ok) throw new Error(`webhooks: ${outcome.error.kind} ${outcome.error.message}`);
        return outcome.value;
      }),
    );
    await step.sendEvent('first-sweep', storeSweep.create({ storeHash: store }));
    return { hooks };
  },
);
