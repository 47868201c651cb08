/**
 * The order pipeline, once, for every trigger (webhook, sweep, backfill, command line, retry): plan, then each write
 * the plan lists, each as a step of its own (`post-document`, `update-document`, `record-payments`, `refund-<id>`,
 * `void-document`, `credit-cancellation`), or `record-decision` for a plan that writes nothing. Steps run through
 * `run`: Inngest's step.run in the jobs (each step's result is kept, a retry resumes after the last one), the plain
 * call elsewhere. Every step is idempotent on its own: it reads what is booked and writes under its own key. The
 * status write-back follows (write-back.ts), by the same rule for every trigger.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { Step, SyncTrigger } from '../plan-sync';
import { creditCancellation, voidOrderDocument } from './cancel';
import { planOrder, type OrderToPlan, type PlanOutcome } from './plan';
import type { PipelineDeps } from './ports';
import { postOrderDocument, type StepOutcome } from './post-document';
import { recordOrderPayments } from './record-payments';
import { QUIET_SKIPS, recordDecision, recordSummarised } from './record-decision';
import { bookRefund } from './refund';
import { updateOrderDocument } from './update-document';
import { writeBackAfter, type WriteBack } from './write-back';

/**
 * The dependencies, or how to get them: a job builds them inside the step that needs them, so a call of the function
 * that runs no new step (Inngest calls it again after each one) builds nothing.
 */
export type DepsSource = PipelineDeps | (() => Promise<PipelineDeps>);
const depsOf = (source: DepsSource): Promise<PipelineDeps> => (typeof source === 'function' ? source() : Promise.resolve(source));

/** Runs one named step: `step.run` under Inngest, the body itself elsewhere. */
export type StepRunner = <T>(name: string, body: () => Promise<T>) => Promise<T>;
export const runInline: StepRunner = (_name, body) => body();

export type OrderResult = 'posted' | 'updated' | 'paid' | 'refunded' | 'voided' | 'credited' | 'skipped' | 'held' | 'failed' | 'summarised';

/** What happened in the books for one order (JSON: it travels between Inngest steps and functions). */
export interface Acted {
  result: OrderResult;
  reason: string;
  message: string;
  /** The document's number, when it is in the books. */
  number?: string;
}

const RESULT_OF: Record<Step['kind'], OrderResult> = {
  create: 'posted',
  update: 'updated',
  pay: 'paid',
  refund: 'refunded',
  void: 'voided',
  cancel_credit: 'credited',
};

export function stepName(step: Step): string {
  switch (step.kind) {
    case 'create':
      return 'post-document';
    case 'update':
      return 'update-document';
    case 'pay':
      return 'record-payments';
    case 'refund':
      return `refund-${step.refundId}`;
    case 'void':
      return 'void-document';
    case 'cancel_credit':
      return 'credit-cancellation';
  }
}

export function runStep(deps: PipelineDeps, order: BcOrder, step: Step): Promise<StepOutcome> {
  switch (step.kind) {
    case 'create':
      return postOrderDocument(deps, order, step);
    case 'update':
      return updateOrderDocument(deps, order, step);
    case 'pay':
      return recordOrderPayments(deps, order, step);
    case 'refund':
      return bookRefund(deps, order, step);
    case 'void':
      return voidOrderDocument(deps, order, step);
    case 'cancel_credit':
      return creditCancellation(deps, order, step);
  }
}

/** Plans and says so on the order's timeline (an unchanged order says nothing). */
export async function planAndNote(deps: PipelineDeps, input: OrderToPlan, trigger: SyncTrigger): Promise<PlanOutcome> {
  const plan = await planOrder(deps, input, trigger);
  const { order } = input;
  if (plan.action !== 'skip' || !QUIET_SKIPS.has(plan.reason)) {
    await deps.records.addEvent(deps.storeHash, order.id, 'planned', plan.message, { action: plan.action, reason: plan.reason, trigger });
  }
  if (input.refundsUnreadable) {
    await deps.records.addEvent(deps.storeHash, order.id, 'refunds_unreadable', input.refundsUnreadable, {}, { once: 'refunds_unreadable' });
  }
  return plan;
}

/** The writes of a plan, in order; the first that fails stops the rest (a retry plans again from what is booked). */
export async function actOnPlan(deps: DepsSource, order: BcOrder, plan: PlanOutcome, run: StepRunner): Promise<Acted> {
  if (plan.action === 'skip' || plan.action === 'hold') {
    await run('record-decision', async () => recordDecision(await depsOf(deps), order, plan));
    return { result: plan.action === 'skip' ? 'skipped' : 'held', reason: plan.reason, message: plan.message };
  }
  if (plan.action === 'summarise') {
    await run('record-summary', async () => recordSummarised(await depsOf(deps), order, plan));
    return { result: 'summarised', reason: plan.reason, message: plan.message };
  }
  let number: string | undefined;
  let first: OrderResult | null = null;
  for (const step of plan.steps) {
    const outcome = await run(stepName(step), async () => runStep(await depsOf(deps), order, step));
    if (!outcome.ok) return { result: 'failed', reason: outcome.reason, message: outcome.message, ...(number ? { number } : {}) };
    if (step.kind === 'create' || !number) number = outcome.number ?? number;
    first ??= RESULT_OF[step.kind];
  }
  return { result: first ?? 'skipped', reason: plan.reason, message: plan.message, ...(number ? { number } : {}) };
}

/** Plan and act for one loaded order. */
export async function act(deps: DepsSource, input: OrderToPlan, trigger: SyncTrigger, run: StepRunner = runInline): Promise<Acted> {
  const plan = await run('plan', async () => planAndNote(await depsOf(deps), input, trigger));
  return actOnPlan(deps, input.order, plan, run);
}

/** Did what happened move stock in the books (a sale, its return, a changed quantity)? The levels are pushed then. */
export const movesStock = (acted: Pick<Acted, 'result'>): boolean =>
  acted.result === 'posted' || acted.result === 'refunded' || acted.result === 'updated' || acted.result === 'voided' || acted.result === 'credited';

/** Plan, act and write the status back: the whole pipeline for an order already loaded (backfill, command line). */
export async function processLoadedOrder(
  deps: PipelineDeps,
  input: OrderToPlan,
  options: { trigger: SyncTrigger; writeBack: boolean; recheck?: boolean },
): Promise<Acted & { writeBack?: WriteBack }> {
  const acted = await act(deps, input, options.trigger);
  if (!options.writeBack) return acted;
  return { ...acted, writeBack: await writeBackAfter(deps, input.order, acted, { recheck: options.recheck ?? false }) };
}
