/** Skips that repeat with every later look at an order (each echo, each duplicate): the timeline says them once at most. */
export const QUIET_SKIPS = new Set(['already_posted_unchanged', 'already_credited', 'already_voided']);

/** Step `record-decision`: a plan that writes nothing to the books (a skip, or a hold the merchant must fix) is recorded. */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { keyOf, snapshotOf, type PipelineDeps } from './ports';
import type { PlanOutcome } from './plan';

export async function recordDecision(deps: PipelineDeps, order: BcOrder, plan: Extract<PlanOutcome, { action: 'skip' | 'hold' }>): Promise<void> {
  const key = keyOf(deps, order.id);
  const snapshot = snapshotOf(order);
  if (plan.action === 'skip') {
    await deps.records.markSkipped(key, { reason: plan.reason, message: plan.message }, snapshot);
    if (!QUIET_SKIPS.has(plan.reason)) await deps.records.addEvent(deps.storeHash, order.id, 'skipped', plan.message, { reason: plan.reason });
    return;
  }
  await deps.records.markFailed(key, { state: 'held', reason: plan.reason, message: plan.message }, snapshot);
  await deps.records.addEvent(deps.storeHash, order.id, 'held', plan.message, { reason: plan.reason, problems: plan.problems });
}
