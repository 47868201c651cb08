/**
 * The per-order page: the sync record, its timeline in plain words, the document as posted, and Preview (the
 * document that would be posted now under the current settings, built by the same pipeline code, never posted).
 */
import type { StoreHash } from '@/lib/ids';
import { errorMessage } from '@/lib/errors';
import { loadOrder, planOrder, type PipelineDeps } from '@/lib/sync/pipeline';
import type { SalesDocument } from '@/lib/sync/sales-document';
import type { SyncRecordRow } from '@/lib/repos/sync-records';

export interface TimelineEntry {
  kind: string;
  message: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface OrderDetail {
  orderId: number;
  record: {
    state: string;
    reason: string | null;
    message: string | null;
    documentNumber: string | null;
    remoteId: string | null;
    attempts: number;
    total: string | null;
    currency: string | null;
    customer: string | null;
    orderStatusId: number | null;
    orderDate: string | null;
    postedAt: string | null;
    updatedAt: string;
  } | null;
  timeline: TimelineEntry[];
  /** The canonical document as last posted. */
  document: SalesDocument | null;
}

export interface OrderDetailDeps {
  storeHash: StoreHash;
  provider: string;
  record(orderId: number): Promise<(SyncRecordRow & { customerName?: string | null; orderTotal?: string | null; currency?: string | null; orderDateCreated?: Date | null; postedAt?: Date | null }) | null>;
  timeline(orderId: number): Promise<Array<{ kind: string; message: string; detail: Record<string, unknown>; at: Date }>>;
}

/** Null when the store has no trace of the order (never seen, or another store's). */
export async function loadOrderDetail(deps: OrderDetailDeps, orderId: number): Promise<OrderDetail | null> {
  const [record, timeline] = await Promise.all([deps.record(orderId), deps.timeline(orderId)]);
  if (!record && timeline.length === 0) return null;
  return {
    orderId,
    record: record && {
      state: record.state,
      reason: record.reason,
      message: record.message,
      documentNumber: record.remoteNumber,
      remoteId: record.remoteId,
      attempts: record.attempts,
      total: record.orderTotal ?? null,
      currency: record.currency ?? null,
      customer: record.customerName ?? null,
      orderStatusId: record.orderStatusId,
      orderDate: record.orderDateCreated ? record.orderDateCreated.toISOString() : null,
      postedAt: record.postedAt ? record.postedAt.toISOString() : null,
      updatedAt: record.updatedAt.toISOString(),
    },
    timeline: timeline.map((t) => ({ kind: t.kind, message: t.message, detail: t.detail, at: t.at.toISOString() })),
    document: (record?.document as SalesDocument | null) ?? null,
  };
}

export type Preview =
  | {
      ok: true;
      /** What a sync now would do (skip, create, update, void, credit, hold) and why. */
      plan: { action: string; reason: string; message: string };
      /** The document the current settings build for the order (as if it were eligible), or null when it cannot be built. */
      document: SalesDocument | null;
      problems: { code: string; message: string }[];
    }
  | { ok: false; kind: 'NotFound' | 'Upstream'; message: string };

export interface PreviewDeps {
  pipeline: PipelineDeps;
}

/**
 * Two plans, no writes: the real one (what a sync would do now, refunds included), and one under the same settings
 * with the order treated as eligible and never posted, which yields the document itself even for an order already
 * posted or skipped. Planning only reads (record, postings, items, customers, taxes).
 */
export async function previewOrder(deps: PreviewDeps, orderId: number): Promise<Preview> {
  let loaded: Awaited<ReturnType<typeof loadOrder>>;
  try {
    loaded = await loadOrder(deps.pipeline, orderId);
  } catch (error) {
    return { ok: false, kind: 'Upstream', message: errorMessage(error) };
  }
  if (!loaded.found) return { ok: false, kind: 'NotFound', message: `Order ${orderId} does not exist in BigCommerce.` };
  const { order } = loaded;
  const real = await planOrder(deps.pipeline, loaded, 'manual');
  const o = deps.pipeline.settings.orders;
  const asEligible: PipelineDeps = {
    ...deps.pipeline,
    settings: {
      ...deps.pipeline.settings,
      orders: { ...o, importStatusIds: [order.status_id], ignoredStatusIds: [], voidStatusIds: [], refundStatusIds: [], ordersFromDate: null },
    },
    records: { ...deps.pipeline.records, get: async () => null, postings: async () => [] },
  };
  const built = await planOrder(asEligible, { order: { ...order, is_deleted: false }, refunds: null }, 'manual');
  const create = 'steps' in built ? built.steps.find((s) => s.kind === 'create') : undefined;
  const document = create && create.kind === 'create' ? create.document : null;
  const problems = built.action === 'hold' ? built.problems : [];
  return { ok: true, plan: { action: real.action, reason: real.reason, message: real.message }, document, problems };
}
