import type { GetStepTools } from 'inngest';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { StoreHash } from '@/lib/ids';
import type { SyncTrigger } from '@/lib/sync/plan-sync';
import { closeOrderDocument, planOrder, postOrderDocument, recordDecision, type PlanOutcome } from '@/lib/sync/pipeline';
import type { inngest } from '../client';
import { storeContext } from '../context';
import { translateFailures } from './retry';

type Step = GetStepTools<typeof inngest>;

/** What happened in the books for one order change; the order function writes the status back from it. */
export type Acted =
  | { result: 'skipped'; reason: string }
  | { result: 'held'; reason: string }
  | { result: 'voided' | 'credited' | 'failed'; reason?: string; closing: true }
  | { result: 'posted'; number: string }
  | { result: 'failed'; reason: string };

/**
 * The steps that talk to the accounting system: plan (looks items and customers up there), then post-document,
 * close-document or record-decision. The order function runs them itself for the built-in ledger; for a remote
 * system they run inside that provider's posting function, behind its tenant-keyed throttle and concurrency.
 */
export async function planAndAct(step: Step, input: { storeHash: StoreHash; order: BcOrder; trigger: SyncTrigger }): Promise<Acted> {
  const { storeHash: store, order, trigger } = input;
  const orderId = order.id;
  const plan = await step.run('plan', () =>
    translateFailures(async () => {
      const { pipeline, records } = await storeContext(store);
      const planned = await planOrder(pipeline, order, trigger);
      if (planned.action !== 'skip' || planned.reason !== 'already_posted_unchanged') {
        await records.addEvent(store, orderId, 'planned', planned.message, { action: planned.action, reason: planned.reason, trigger });
      }
      return planned;
    }),
  );

  if (plan.action === 'skip' || plan.action === 'hold') {
    await step.run('record-decision', async () => recordDecision((await storeContext(store)).pipeline, order, plan));
    return plan.action === 'skip' ? { result: 'skipped', reason: plan.reason } : { result: 'held', reason: plan.reason };
  }

  if (plan.action === 'void' || plan.action === 'credit') {
    const closed = await step.run('close-document', () =>
      translateFailures(async () => closeOrderDocument((await storeContext(store)).pipeline, { orderId, plan })),
    );
    return closed.ok ? { result: plan.action === 'void' ? 'voided' : 'credited', closing: true } : { result: 'failed', reason: closed.reason, closing: true };
  }

  if (!('contentHash' in plan)) throw new Error(`unexpected plan ${plan.action}`);
  const toPost = plan as Extract<PlanOutcome, { action: 'create' | 'update' }>;
  const posted = await step.run('post-document', () =>
    translateFailures(async () => postOrderDocument((await storeContext(store)).pipeline, { order, plan: toPost })),
  );
  return posted.ok ? { result: 'posted', number: posted.number } : { result: 'failed', reason: posted.reason };
}
