import type { GetStepTools } from 'inngest';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { StoreHash } from '@/lib/ids';
import type { SyncTrigger } from '@/lib/sync/plan-sync';
import { act, actOnPlan, type Acted, type PlanOutcome, type StepRunner } from '@/lib/sync/pipeline';
import type { inngest } from '../client';
import { storeContext, type StoreContext } from '@/lib/context';
import { translateFailures } from './retry';

type Step = GetStepTools<typeof inngest>;

export type { Acted };

/** `act`'s steps as Inngest steps, the domain's failures translated (a rate limit waits as long as asked). */
export function inngestSteps(step: Step): StepRunner {
  return (name, body) => step.run(name, () => translateFailures(body)) as never;
}

/**
 * The longest BigCommerce rate-limit reset an order step waits out in its call. A longer one (the window resets every
 * 30 s) fails the step with RetryAfterError at the reset time (retry.ts): Inngest calls again then, and the call does
 * not sit on one of the executor's workers meanwhile (the fleet benchmark saw every worker of the stand-in held by
 * calls waiting out 429s, and the whole fleet stall with them).
 */
export const STEP_RATE_LIMIT_WAIT_MS = 2_000;

/**
 * A store's context built inside the step that first needs it (Inngest calls the function again for each new step,
 * which may run in another process), at most once per call of the function: the steps one call runs (with
 * checkpointing, every step up to the first wait) share it, and a call that only replays kept steps builds nothing.
 * A build that failed is not kept (the step fails; its retry builds again).
 */
export function contextPerCall(store: StoreHash): () => Promise<StoreContext> {
  let built: Promise<StoreContext> | undefined;
  return () => {
    built ??= storeContext(store, { bigcommerceRetry: { maxRateLimitWaitMs: STEP_RATE_LIMIT_WAIT_MS } }).catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}

/**
 * The steps that talk to the accounting system, as `act` lists them: `plan` (looks items and customers up there;
 * given, when the caller planned already), then each write of the plan (`post-document`, `update-document`, `record-payments`, `refund-<id>`,
 * `void-document`, `credit-cancellation`) or `record-decision`. Each is an Inngest step: its result is kept, so a
 * retry resumes after the last write that succeeded. The order function runs them itself for the built-in ledger;
 * for a remote system they run inside that provider's posting function, behind its tenant-keyed throttle.
 */
export async function planAndAct(
  step: Step,
  input: { storeHash: StoreHash; order: BcOrder; refunds: BcRefund[] | null; refundsUnreadable?: string; trigger: SyncTrigger; plan?: PlanOutcome | undefined },
  /** The caller's store context for this call, when it builds one already (see contextPerCall). */
  context?: () => Promise<StoreContext>,
): Promise<Acted> {
  const { storeHash: store, trigger, plan, ...loaded } = input;
  const shared = context ?? contextPerCall(store);
  const pipeline = () => shared().then((ctx) => ctx.pipeline);
  // Planned already (the order function plans while loading for the built-in ledger): the plan's writes only.
  if (plan) return actOnPlan(pipeline, loaded.order, plan, inngestSteps(step));
  return act(pipeline, loaded, trigger, inngestSteps(step));
}
