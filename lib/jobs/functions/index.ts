import { orderChangedFunction } from './order-changed';
import { storeBackfillFunction } from './store-backfill';
import { storeInstalledFunction } from './store-lifecycle';
import { storeSweepFunction, sweepSchedulerFunction } from './store-sweep';

/** Every background function the app serves at /api/inngest. */
export const functions = [orderChangedFunction, storeSweepFunction, sweepSchedulerFunction, storeBackfillFunction, storeInstalledFunction];
