import type { GetStepTools } from 'inngest';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { StoreHash } from '@/lib/ids';
import type { SyncTrigger } from '@/lib/sync/plan-sync';
import { act, type Acted, type StepRunner } from '@/lib/sync/pipeline';
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
 * The steps that talk to the accounting system, as `act` lists them: `plan` (looks items and customers up there),
 * then each write of the plan (`post-document`, `update-document`, `record-payments`, `refund-<id>`,
 * `void-document`, `credit-cancellation`) or `record-decision`. Each is an Inngest step: its result is kept, so a
 * retry resumes after the last write that succeeded. The order function runs them itself for the built-in ledger;
 * for a remote system they run inside that provider's posting function, behind its tenant-keyed throttle.
 */
export async function planAndAct(
  step: Step,
  input: { storeHash: StoreHash; order: BcOrder; refunds: BcRefund[] | null; refundsUnreadable?: string; trigger: SyncTrigger },
): Promise<Acted> {
  const { storeHash: store, trigger, ...loaded } = input;
  // Built once per invocation: Inngest calls the function again for each new step, which may run in another process.
  const { pipeline } = await translateFailures(() => storeContext(store));
  return act(pipeline, loaded, trigger, inngestSteps(step));
}
