import { describe, expect, it } from 'vitest';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import { documentContentHash } from './content-hash';
import { gateOrder, idempotencyKey, openPeriod, planSteps, type Booked, type GateInput, type StepsInput, type SyncRecordView } from './plan-sync';
import type { DocumentLine, SalesDocument } from './sales-document';
import { defaultSettings, parseSettings, type SyncSettings } from './settings';

const settings = defaultSettings();
const posted: SyncRecordView = { state: 'posted', contentHash: 'v1:sha256:a', remoteId: 'r1', locked: false };
const gate = (over: Partial<GateInput> & { statusId?: number }) =>
  gateOrder({
    order: { id: 7, statusId: over.statusId ?? 11, dateCreated: 'Tue, 05 Mar 2024 21:40:11 +0000', ...over.order },
    settings: over.settings ?? settings,
    record: over.record ?? null,
    hasRefunds: over.hasRefunds ?? false,
    trigger: over.trigger ?? 'webhook',
  });

describe('gateOrder', () => {
  it('creates a new order in an import status (Awaiting Fulfillment by default)', () => {
    expect(gate({})).toMatchObject({ action: 'create', reason: 'new_order' });
  });
  it('skips ignored and not-imported statuses', () => {
    expect(gate({ statusId: 0 })).toMatchObject({ action: 'skip', reason: 'status_ignored' });
    expect(gate({ statusId: 7 })).toMatchObject({ action: 'skip', reason: 'status_ignored' });
    expect(gate({ statusId: 2 })).toMatchObject({ action: 'skip', reason: 'status_not_imported' });
  });
  it('follows an order in the books whatever its status, and leaves a voided one alone', () => {
    expect(gate({ record: posted, statusId: 2 })).toMatchObject({ action: 'follow' });
    expect(gate({ record: posted, statusId: 5 })).toMatchObject({ action: 'follow' });
    expect(gate({ record: { ...posted, state: 'failed' } })).toMatchObject({ action: 'follow' });
    expect(gate({ record: { ...posted, state: 'voided' }, statusId: 5 })).toMatchObject({ action: 'closed', reason: 'already_voided' });
  });
  it('skips an order cancelled before it was posted, and posts one refunded before it was posted', () => {
    expect(gate({ statusId: 5 })).toMatchObject({ action: 'skip', reason: 'cancelled_before_posting' });
    expect(gate({ statusId: 14, hasRefunds: true })).toMatchObject({ action: 'create', reason: 'refunded_before_posting' });
    // A status of Refunded with no refund in BigCommerce moved no money: not an order to post.
    expect(gate({ statusId: 4, hasRefunds: false })).toMatchObject({ action: 'skip', reason: 'status_not_imported' });
  });
  it('retries failed and held records', () => {
    expect(gate({ record: { state: 'failed', contentHash: null, remoteId: null, locked: false } })).toMatchObject({ action: 'create', reason: 'retry_after_failure' });
  });
  it('posts again a document the books lost (Repair) whatever status the order moved on to, unless it is ignored now', () => {
    const gone: SyncRecordView = { state: 'failed', contentHash: null, remoteId: null, locked: false, reason: 'gone_from_books' };
    expect(gate({ record: gone, statusId: 2 })).toMatchObject({ action: 'create', reason: 'retry_after_failure' }); // shipped
    expect(gate({ record: gone, statusId: 10 })).toMatchObject({ action: 'create', reason: 'retry_after_failure' }); // completed
    expect(gate({ record: gone, statusId: 7 })).toMatchObject({ action: 'skip', reason: 'status_ignored' });
    expect(gate({ record: gone, statusId: 5 })).toMatchObject({ action: 'skip', reason: 'cancelled_before_posting' });
    // Any other failure still waits for an import status.
    expect(gate({ record: { ...gone, reason: 'provider_error' }, statusId: 2 })).toMatchObject({ action: 'skip', reason: 'status_not_imported' });
  });
  it('respects auto-sync off (manual still works) and the orders-from date', () => {
    const off = parseSettings({ orders: { autoSync: false } });
    if (!off.ok) throw new Error('settings');
    expect(gate({ settings: off.settings })).toMatchObject({ action: 'skip', reason: 'auto_sync_off' });
    expect(gate({ settings: off.settings, trigger: 'manual' })).toMatchObject({ action: 'create' });
    const from = parseSettings({ orders: { ordersFromDate: '2024-04-01' } });
    if (!from.ok) throw new Error('settings');
    expect(gate({ settings: from.settings })).toMatchObject({ action: 'skip', reason: 'before_orders_from_date' });
  });
});

// ---- planSteps ----

const line = (over: Partial<DocumentLine> & Pick<DocumentLine, 'sourceId' | 'net' | 'tax'>): DocumentLine => ({
  kind: 'product', description: over.sourceId, sku: null, itemId: null, options: [], quantity: '1', unitPrice: over.net, discount: '0.00',
  gross: (Number(over.net) + Number(over.tax)).toFixed(2), account: '4000', taxCode: null, taxLabel: null, unitCost: null, ...over,
});

/** Three mugs at 10.00 + 10% tax, shipping 5.00 + 0.50: 38.50, paid by card. */
function sale(over: Partial<SalesDocument> = {}): SalesDocument {
  return {
    schemaVersion: 1, kind: 'invoice', number: 'BC-7', reference: 'BigCommerce order #7',
    source: { platform: 'bigcommerce', orderId: 7, orderUrl: null, statusId: 11, channelId: 1, createdAt: '2024-03-05T21:40:11.000Z' },
    date: '2024-03-05', dueDate: '2024-03-05', currency: { code: 'USD', scale: 2, storeCurrency: 'USD', exchangeRate: '1' }, amountsAre: 'exclusive',
    customer: { match: 'new', remoteId: null, bcCustomerId: null, displayName: 'Ada', email: 'ada@example.com', company: '', phone: '', billingAddress: { firstName: 'Ada', lastName: '', company: '', street1: '', street2: '', city: '', state: '', zip: '', country: '', countryIso2: '', phone: '', email: '' } },
    shippingContacts: [],
    lines: [
      line({ sourceId: 'product:1', quantity: '3', unitPrice: '10.0000', net: '30.00', tax: '3.00' }),
      line({ kind: 'shipping', sourceId: 'shipping', net: '5.00', tax: '0.50', account: '4100' }),
    ],
    totals: { net: '35.00', tax: '3.50', total: '38.50', discount: '0.00', due: '0.00' },
    payments: [{ kind: 'gateway', method: 'Credit Card', account: '1100', amount: '38.50', date: '2024-03-05', reference: null }],
    notes: [], memo: '',
    ...over,
  };
}

const nothingBooked = (): Booked => ({ paymentKinds: new Set(), payments: [], creditedRefunds: new Set(), payoutKeys: new Set(), creditLines: [], cancelCredited: false });
const paidBooked = (): Booked => ({ ...nothingBooked(), paymentKinds: new Set(['gateway']), payments: sale().payments });

function refund(id: number, over: Partial<BcRefund> = {}): BcRefund {
  return { id, orderId: 7, createdAt: '2024-03-10T12:00:00Z', reason: '', totalAmount: '11.00', totalTax: '1.00', items: [{ itemType: 'PRODUCT', itemId: 1, quantity: 1, requestedAmount: null, reason: '' }], payments: [{ id: id * 10, providerId: 'braintree', amount: '11.00', offline: false, declined: false }], ...over };
}

function steps(over: Partial<StepsInput> & { statusId?: number; settings?: SyncSettings } = {}) {
  const built = over.built?.document ?? sale();
  const following = over.gate?.action === 'follow' || (over.gate === undefined && over.record !== null);
  const record = over.record === undefined ? { ...posted, documentVersion: 0, document: sale() } : over.record;
  return planSteps({
    storeHash: 'store1',
    order: { id: 7, statusId: over.statusId ?? 11, dateCreated: '2024-03-05T21:40:11Z', ...over.order },
    settings: over.settings ?? settings,
    gate: over.gate ?? (following ? { action: 'follow', message: '' } : { action: 'create', reason: 'new_order', message: '' }),
    record,
    booked: over.booked ?? paidBooked(),
    refunds: over.refunds ?? [],
    built: { document: built, contentHash: documentContentHash(built) },
    bookedHash: record?.document ? documentContentHash(record.document) : null,
    today: over.today ?? '2024-03-12',
  });
}

const sumOf = (lines: readonly DocumentLine[], field: 'net' | 'tax' | 'gross') => lines.reduce((s, l) => s + Math.round(Number(l[field]) * 100), 0);

describe('planSteps', () => {
  it('posts a new order, then credits and pays out a refund made before it was posted', () => {
    const plan = steps({ record: null, booked: nothingBooked(), refunds: [refund(5)] });
    expect(plan.action).toBe('create');
    if (!('steps' in plan)) throw new Error('no steps');
    expect(plan.steps.map((s) => s.kind)).toEqual(['create', 'refund']);
    const r = plan.steps[1]!;
    if (r.kind !== 'refund' || !r.credit) throw new Error('no credit');
    expect(r.credit).toMatchObject({ number: 'BC-7-CR1', total: '11.00', tax: '1.00', date: '2024-03-10' });
    expect(r.credit.lines.map((l) => [l.sourceId, l.quantity, l.net, l.tax, l.gross])).toEqual([['product:1', '1', '10.00', '1.00', '11.00']]);
    expect(r.payouts).toEqual([expect.objectContaining({ amount: '11.00', account: '1100', kind: 'gateway', key: 'store1:7:payout:5-50' })]);
    expect(r.key).toBe(idempotencyKey('store1', 7, 'refund', 5));
  });

  it('a refund whose credit the books lost (Repair let go of it) is booked again under keys no earlier write used', () => {
    const plan = steps({ gate: { action: 'create', reason: 'retry_after_failure', message: '' }, record: { ...posted, state: 'failed', remoteId: null, documentVersion: 1, document: null }, booked: { ...nothingBooked(), goneCredits: new Map([[5, 1]]) }, refunds: [refund(5)] });
    if (!('steps' in plan)) throw new Error('no steps');
    const r = plan.steps[1]!;
    if (r.kind !== 'refund' || !r.credit) throw new Error('no credit');
    expect(r.key).toBe(idempotencyKey('store1', 7, 'refund', '5-g2'));
    expect(r.generation).toBe(2);
    expect(r.payouts.map((p) => p.key)).toEqual(['store1:7:payout:5-50-g2']);
    expect(r.credit).toMatchObject({ number: 'BC-7-CR1', total: '11.00' });
  });

  it('skips an order in the books whose sale, payments and refunds are all booked', () => {
    expect(steps({})).toMatchObject({ action: 'skip', reason: 'already_posted_unchanged' });
    expect(steps({ refunds: [refund(5)], booked: { ...paidBooked(), creditedRefunds: new Set([5]), payoutKeys: new Set(['store1:7:payout:5-50']) } })).toMatchObject({ action: 'skip' });
  });

  it('an edit updates an unlocked (unpaid) document in place, and is booked as an adjustment once paid', () => {
    const unpaid = sale({ payments: [], totals: { ...sale().totals, due: '38.50' } });
    const edited = sale({
      payments: [],
      lines: [line({ sourceId: 'product:1', quantity: '4', net: '40.00', tax: '4.00' }), sale().lines[1]!],
      totals: { net: '45.00', tax: '4.50', total: '49.50', discount: '0.00', due: '49.50' },
    });
    const open = steps({ record: { ...posted, documentVersion: 0, document: unpaid }, booked: nothingBooked(), built: { document: edited, contentHash: '' } });
    expect(open).toMatchObject({ action: 'update', reason: 'content_changed' });
    if (!('steps' in open)) throw new Error('no steps');
    expect(open.steps[0]).toMatchObject({ kind: 'update', locked: false, version: 1 });

    // Paid: the payment is never recorded again; the added mug is an adjustment invoice dated today.
    const locked = steps({ built: { document: { ...edited, payments: sale().payments }, contentHash: '' } });
    expect(locked).toMatchObject({ action: 'update', reason: 'changed_after_lock' });
    if (!('steps' in locked)) throw new Error('no steps');
    expect(locked.steps.map((s) => s.kind)).toEqual(['update']);
    const update = locked.steps[0]!;
    if (update.kind !== 'update') throw new Error('not an update');
    expect(update).toMatchObject({ locked: true, date: '2024-03-12', removed: [] });
    expect(update.added.map((l) => [l.sourceId, l.quantity, l.net, l.tax])).toEqual([['product:1', '1', '10.00', '1.00']]);
  });

  it('a document dated on or before the lock date is locked, and what is booked for it is dated after', () => {
    const closed = parseSettings({ document: { lockDate: '2024-03-31' } });
    if (!closed.ok) throw new Error('settings');
    const unpaid = sale({ payments: [] });
    const edited = sale({ payments: [], lines: [sale().lines[0]!], totals: { net: '30.00', tax: '3.00', total: '33.00', discount: '0.00', due: '33.00' } });
    const plan = steps({ settings: closed.settings, record: { ...posted, documentVersion: 0, document: unpaid }, booked: nothingBooked(), built: { document: edited, contentHash: '' } });
    if (!('steps' in plan)) throw new Error('no steps');
    expect(plan.steps[0]).toMatchObject({ kind: 'update', locked: true, date: '2024-04-01' });
    expect(openPeriod('2024-03-31', closed.settings)).toBe('2024-04-01');
    expect(openPeriod('2024-04-02', closed.settings)).toBe('2024-04-02');
  });

  it('a capture after posting applies the payment to the document: never a void and a re-post', () => {
    const authorized = sale({ payments: [], totals: { ...sale().totals, due: '38.50' } });
    const plan = steps({ record: { ...posted, documentVersion: 0, document: authorized }, booked: nothingBooked() });
    expect(plan.action).toBe('pay');
    if (!('steps' in plan)) throw new Error('no steps');
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ kind: 'pay', payments: [expect.objectContaining({ amount: '38.50', key: 'store1:7:payment:capture-gateway' })] });
  });

  it('two refunds of one line credit exactly the line when every unit is refunded', () => {
    const thirds = sale({ lines: [line({ sourceId: 'product:1', quantity: '3', net: '10.00', tax: '1.00' })], totals: { net: '10.00', tax: '1.00', total: '11.00', discount: '0.00', due: '0.00' } });
    const first = refund(5, { totalAmount: '3.67', totalTax: '0.33' });
    const second = refund(6, { totalAmount: '7.33', totalTax: '0.67', items: [{ itemType: 'PRODUCT', itemId: 1, quantity: 2, requestedAmount: null, reason: '' }] });
    const plan = steps({ record: { ...posted, documentVersion: 0, document: thirds }, built: { document: thirds, contentHash: '' }, refunds: [first, second] });
    if (!('steps' in plan)) throw new Error('no steps');
    const credits = plan.steps.flatMap((s) => (s.kind === 'refund' && s.credit ? [s.credit] : []));
    expect(credits.map((c) => c.number)).toEqual(['BC-7-CR1', 'BC-7-CR2']);
    const all = credits.flatMap((c) => c.lines);
    expect(sumOf(all.filter((l) => l.sourceId === 'product:1'), 'net')).toBe(1000);
    expect(sumOf(all, 'gross')).toBe(1100);
    expect(sumOf(all, 'tax')).toBe(100);
  });

  it('a shipping-only refund credits the shipping line with the tax BigCommerce computed', () => {
    const plan = steps({ refunds: [refund(5, { totalAmount: '5.50', totalTax: '0.50', items: [{ itemType: 'SHIPPING', itemId: 1, quantity: null, requestedAmount: '5.00', reason: '' }], payments: [{ id: 1, providerId: 'braintree', amount: '5.50', offline: false, declined: false }] })] });
    if (!('steps' in plan)) throw new Error('no steps');
    const r = plan.steps[0]!;
    if (r.kind !== 'refund' || !r.credit) throw new Error('no credit');
    expect(r.credit.lines.map((l) => [l.sourceId, l.net, l.tax, l.gross])).toEqual([['shipping', '5.00', '0.50', '5.50']]);
  });

  it('a difference between what was refunded and what the lines explain is a visible rounding line', () => {
    const plan = steps({ refunds: [refund(5, { totalAmount: '11.05', totalTax: '1.00' })] });
    if (!('steps' in plan)) throw new Error('no steps');
    const r = plan.steps[0]!;
    if (r.kind !== 'refund' || !r.credit) throw new Error('no credit');
    expect(r.credit.total).toBe('11.05');
    expect(r.credit.lines.find((l) => l.kind === 'rounding')).toMatchObject({ gross: '0.05', tax: '0.00' });
    expect(r.credit.notes.join(' ')).toMatch(/rounding line of 0\.05/);
  });

  it('cancellation: unpaid is voided; paid is credited for what refunds left, the money stays owed', () => {
    const unpaid = sale({ payments: [] });
    const voided = steps({ statusId: 5, record: { ...posted, documentVersion: 0, document: unpaid }, booked: nothingBooked(), built: { document: unpaid, contentHash: '' } });
    expect(voided).toMatchObject({ action: 'void', reason: 'order_cancelled' });

    const credited = steps({ statusId: 5, refunds: [refund(5)] });
    if (!('steps' in credited)) throw new Error('no steps');
    expect(credited.steps.map((s) => s.kind)).toEqual(['refund', 'cancel_credit']);
    const cancel = credited.steps[1]!;
    if (cancel.kind !== 'cancel_credit') throw new Error('not a cancellation');
    expect(cancel.credit).toMatchObject({ number: 'BC-7-CX', total: '27.50', tax: '2.50' });

    // A refund after the cancellation's credit only pays the money out.
    const after = steps({ statusId: 5, refunds: [refund(5)], booked: { ...paidBooked(), cancelCredited: true, creditLines: [sale().lines] } });
    if (!('steps' in after)) throw new Error('no steps');
    expect(after.steps).toEqual([expect.objectContaining({ kind: 'refund', credit: null, payouts: [expect.objectContaining({ amount: '11.00' })] })]);
  });

  it('"leave alone" leaves a cancelled order\'s document as it is', () => {
    const leave = parseSettings({ orders: { onCancel: 'leave' } });
    if (!leave.ok) throw new Error('settings');
    expect(steps({ statusId: 5, settings: leave.settings })).toMatchObject({ action: 'skip', reason: 'cancellation_left' });
  });

  it('a document built by another version of the builder is not re-posted because of a deploy', () => {
    const changed = sale({ memo: 'changed' });
    expect(steps({ record: { ...posted, contentHash: 'v0:sha256:x', documentVersion: 0, document: sale() }, built: { document: changed, contentHash: '' } })).toMatchObject({
      action: 'skip',
      reason: 'already_posted_unchanged',
    });
  });

  it('makes deterministic idempotency keys within QuickBooks\' 50 characters', () => {
    expect(idempotencyKey('abc123', 218, 'document')).toBe('abc123:218:document');
    expect(idempotencyKey('abc123', 218, 'payment', 2)).toBe('abc123:218:payment:2');
    expect(idempotencyKey('abc123', 218, 'refund', 77)).toBe('abc123:218:refund:77');
  });
});

describe('settings', () => {
  it('has zero-configuration defaults and rejects bad values with a path', () => {
    expect(settings.orders.importStatusIds).toEqual([11]);
    expect(settings.orders.refundStatusIds).toEqual([4, 14]);
    expect(settings.orders.onCancel).toBe('void');
    expect(settings.document).toMatchObject({ kind: 'invoice', numberPrefix: 'BC-', lockDate: null });
    const bad = parseSettings({ document: { numberPrefix: 'BC 1' }, tax: { mappings: [{ taxCode: 'X' }] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['document.numberPrefix', 'tax.mappings.0']));
  });
});
