import type { GetStepTools } from 'inngest';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { StoreHash } from '@/lib/ids';
import type { SyncTrigger } from '@/lib/sync/plan-sync';
import { act, actOnPlan, type Acted, type PipelineDeps, type PlanOutcome, type StepRunner } from '@/lib/sync/pipeline';
import type { inngest } from '../client';
import { storeContext } from '@/lib/context';
import { translateFailures } from './retry';

type Step = GetStepTools<typeof inngest>;

export type { Acted };

/** `act`'s steps as Inngest steps, the domain's failures translated (a rate limit waits as long as asked). */
export function inngestSteps(step: Step): StepRunner {
  return (name, body) => step.run(name, () => translateFailures(body)) as never;
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
): Promise<Acted> {
  const { storeHash: store, trigger, plan, ...loaded } = input;
  // Built inside the step that runs (Inngest calls the function again for each new step, which may run in another
  // process), at most once per call; a call that only replays kept steps builds nothing.
  let built: Promise<PipelineDeps> | undefined;
  const pipeline = () => (built ??= storeContext(store).then((ctx) => ctx.pipeline));
  // Planned already (the order function plans while loading for the built-in ledger): the plan's writes only.
  if (plan) return actOnPlan(pipeline, loaded.order, plan, inngestSteps(step));
  return act(pipeline, loaded, trigger, inngestSteps(step));
}
