import { registerStoreWebhooks } from '@/lib/bigcommerce/store-webhooks';
import { env } from '@/lib/env';
import { PermanentFailure, TransientFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { inngest } from '../client';
import { storeContext } from '@/lib/context';
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
        if (!outcome.ok) {
          const { kind, message } = outcome.error;
          // Wait out a rate limit exactly; a store that is gone or refuses our token will not get better by retrying.
          if (kind === 'RateLimited') throw new TransientFailure(`webhooks: ${message}`, outcome.error.resetMs);
          if (kind === 'NotInstalled' || kind === 'Unauthorized' || kind === 'Forbidden') throw new PermanentFailure(`webhooks: ${kind} ${message}`);
          throw new Error(`webhooks: ${kind} ${message}`);
        }
        return outcome.value;
      }),
    );
    await step.sendEvent('first-sweep', storeSweep.create({ storeHash: store }));
    return { hooks };
  },
);
