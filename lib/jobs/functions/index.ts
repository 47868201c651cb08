import { orderChangedFunction } from './order-changed';
import { postingFunctions } from './post-remote';
import { storeBackfillFunction } from './store-backfill';
import { storeInstalledFunction } from './store-lifecycle';
import { storeSweepFunction, sweepSchedulerFunction } from './store-sweep';
import { stockChangedInStoreFunction, stockPushFunction } from './stock';

/** Every background function the app serves at /api/inngest. */
export const functions = [
  orderChangedFunction,
  ...postingFunctions.values(),
  storeSweepFunction,
  sweepSchedulerFunction,
  storeBackfillFunction,
  storeInstalledFunction,
  stockPushFunction,
  stockChangedInStoreFunction,
];
