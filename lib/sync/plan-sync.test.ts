import { describe, expect, it } from 'vitest';
import { idempotencyKey, planSync, type PlanInput, type SyncRecordView } from './plan-sync';
import { defaultSettings, parseSettings } from './settings';

const settings = defaultSettings();
const posted: SyncRecordView = { state: 'posted', contentHash: 'sha256:a', remoteId: 'r1', locked: false };
const plan = (over: Partial<PlanInput> & { statusId?: number }) =>
  planSync({
    order: { id: 7, statusId: over.statusId ?? 11, dateCreated: 'Tue, 05 Mar 2024 21:40:11 +0000', ...over.order },
    settings: over.settings ?? settings,
    record: over.record ?? null,
    contentHash: over.contentHash === undefined ? 'sha256:a' : over.contentHash,
    trigger: over.trigger ?? 'webhook',
  });

describe('planSync', () => {
  it('creates a new order in an import status (Awaiting Fulfillment by default)', () => {
    expect(plan({})).toMatchObject({ action: 'create', reason: 'new_order' });
  });
  it('skips ignored and not-imported statuses', () => {
    expect(plan({ statusId: 0 })).toMatchObject({ action: 'skip', reason: 'status_ignored' });
    expect(plan({ statusId: 7 })).toMatchObject({ action: 'skip', reason: 'status_ignored' });
    expect(plan({ statusId: 2 })).toMatchObject({ action: 'skip', reason: 'status_not_imported' });
  });
  it('skips an unchanged posted document and updates a changed one unless locked', () => {
    expect(plan({ record: posted, statusId: 2 })).toMatchObject({ action: 'skip', reason: 'already_posted_unchanged' });
    expect(plan({ record: posted, contentHash: 'sha256:b' })).toMatchObject({ action: 'update' });
    expect(plan({ record: { ...posted, locked: true }, contentHash: 'sha256:b' })).toMatchObject({ action: 'skip', reason: 'document_locked' });
    // A document built by another version of the builder is not re-posted because of a deploy.
    expect(plan({ record: { ...posted, contentHash: 'v1:sha256:a' }, contentHash: 'v2:sha256:b' })).toMatchObject({
      action: 'skip',
      reason: 'already_posted_unchanged',
    });
    expect(plan({ record: { ...posted, contentHash: 'v2:sha256:a' }, contentHash: 'v2:sha256:b' })).toMatchObject({ action: 'update' });
  });
  it('voids on cancellation, credits on refund or after lock, and skips when never posted', () => {
    expect(plan({ record: posted, statusId: 5 })).toMatchObject({ action: 'void', reason: 'order_cancelled' });
    expect(plan({ record: posted, order: { id: 7, statusId: 11, dateCreated: 'x', isDeleted: true } })).toMatchObject({ action: 'void', reason: 'order_deleted' });
    expect(plan({ record: { ...posted, locked: true }, statusId: 5 })).toMatchObject({ action: 'credit', reason: 'cancelled_after_lock' });
    expect(plan({ record: posted, statusId: 4 })).toMatchObject({ action: 'credit', reason: 'order_refunded' });
    expect(plan({ statusId: 5 })).toMatchObject({ action: 'skip', reason: 'cancelled_before_posting' });
    expect(plan({ record: { ...posted, state: 'voided' }, statusId: 5 })).toMatchObject({ action: 'skip', reason: 'already_voided' });
  });
  it('retries failed and held records', () => {
    expect(plan({ record: { state: 'failed', contentHash: null, remoteId: null, locked: false } })).toMatchObject({ action: 'create', reason: 'retry_after_failure' });
  });
  it('respects auto-sync off (manual still works) and the orders-from date', () => {
    const off = parseSettings({ orders: { autoSync: false } });
    if (!off.ok) throw new Error('settings');
    expect(plan({ settings: off.settings })).toMatchObject({ action: 'skip', reason: 'auto_sync_off' });
    expect(plan({ settings: off.settings, trigger: 'manual' })).toMatchObject({ action: 'create' });
    const from = parseSettings({ orders: { ordersFromDate: '2024-04-01' } });
    if (!from.ok) throw new Error('settings');
    expect(plan({ settings: from.settings })).toMatchObject({ action: 'skip', reason: 'before_orders_from_date' });
  });
  it('makes deterministic idempotency keys within QuickBooks\' 50 characters', () => {
    expect(idempotencyKey('abc123', 218, 'document')).toBe('abc123:218:document');
    expect(idempotencyKey('abc123', 218, 'payment', 2)).toBe('abc123:218:payment:2');
  });
});

describe('settings', () => {
  it('has zero-configuration defaults and rejects bad values with a path', () => {
    expect(settings.orders.importStatusIds).toEqual([11]);
    expect(settings.document).toMatchObject({ kind: 'invoice', numberPrefix: 'BC-' });
    const bad = parseSettings({ document: { numberPrefix: 'BC 1' }, tax: { mappings: [{ taxCode: 'X' }] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['document.numberPrefix', 'tax.mappings.0']));
  });
});
