import { booksStatusFunction } from './books-status';
import { alertsSchedulerFunction, digestSchedulerFunction, sendAlertsFunction, sendDigestFunction } from './notifications';
import { orderChangedFunction } from './order-changed';
import { postingFunctions } from './post-remote';
import { reconcileSchedulerFunction, storeReconcileFunction } from './reconcile';
import { storeBackfillFunction } from './store-backfill';
import { storeInstalledFunction } from './store-lifecycle';
import { storeSweepFunction, sweepSchedulerFunction } from './store-sweep';
import { storeSummariesFunction, summariesSchedulerFunction } from './summaries';
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
  booksStatusFunction,
  summariesSchedulerFunction,
  storeSummariesFunction,
  reconcileSchedulerFunction,
  storeReconcileFunction,
  alertsSchedulerFunction,
  sendAlertsFunction,
  digestSchedulerFunction,
  sendDigestFunction,
];
