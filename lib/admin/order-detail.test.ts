import { describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import type { Posting } from '@/lib/sync/pipeline';
import { describeEvent, EVENT_LABELS, loadOrderDetail, type OrderDetailDeps } from './order-detail';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, minute));

const record = {
  storeHash: 'store', orderId: 310, provider: 'ledger', state: 'posted' as const, reason: null, message: 'Posted to the built-in ledger as BC-310.',
  idempotencyKey: 'k', contentHash: 'h', remoteId: 'entry-1', remoteNumber: 'BC-310', locked: true, documentVersion: 0, attempts: 1,
  orderStatusId: 14, orderDateModified: at(30), writtenStatusId: null, statusWrittenAt: null, document: null, updatedAt: at(30),
  customerName: 'Grace Hopper', orderTotal: '32.4900', currency: 'USD', orderDateCreated: at(0), postedAt: at(1),
};

const posting = (p: Partial<Posting> & Pick<Posting, 'kind' | 'key'>): Posting => ({
  refundId: null, state: 'posted', remoteId: null, number: null, amount: null, tax: null, detail: {}, message: null, createdAt: at(20), ...p,
});

// Two refunds of one order, as the pipeline books them: 10.83 (tax 0.83) through PayPal, then 0.10 and 0.20 in two
// payouts of a split refund, whose sum a float would get wrong (0.1 + 0.2).
const POSTINGS: Posting[] = [
  posting({ key: 'pay', kind: 'payment', amount: '32.49', number: 'BC-310', detail: { payment: { method: 'PayPal', account: '1020', amount: '32.49' } }, createdAt: at(1) }),
  posting({ key: 'r1', kind: 'credit', refundId: 41, amount: '10.83', tax: '0.83', number: 'BC-310-R41', remoteId: 'entry-2' }),
  posting({ key: 'r1-out', kind: 'payout', refundId: 41, amount: '10.83', detail: { payment: { method: 'PayPal', account: '1020', amount: '10.83' } } }),
  posting({ key: 'r2', kind: 'credit', refundId: 42, amount: '0.30', tax: '0', number: 'BC-310-R42' }),
  posting({ key: 'r2-out-a', kind: 'payout', refundId: 42, amount: '0.10' }),
  posting({ key: 'r2-out-b', kind: 'payout', refundId: 42, amount: '0.20' }),
  // A payout the system would not take is listed, with why, and not counted as money paid back.
  posting({ key: 'r2-out-c', kind: 'payout', refundId: 42, amount: '5.00', state: 'skipped', message: 'Approve the credit note in Xero and record the refund there.' }),
];

function deps(overrides: Partial<OrderDetailDeps> = {}): OrderDetailDeps {
  return {
    storeHash: 'store' as StoreHash,
    provider: 'ledger',
    record: async () => record,
    timeline: async () => [
      { kind: 'posted', message: 'Posted as document BC-310.', detail: { total: '32.49', version: 0 }, at: at(1) },
      { kind: 'refund_credited', message: 'Credit note BC-310-R41 for BigCommerce refund 41: 10.83 (tax 0.83).', detail: { refundId: 41, total: '10.83', tax: '0.83', number: 'BC-310-R41', lines: [{ description: 'Mug', quantity: '1', gross: '10.83' }] }, at: at(20) },
      { kind: 'money_out', message: '10.83 paid back to the shopper (PayPal) from account 1020 for refund 41.', detail: { refundId: 41, amount: '10.83', account: '1020', method: 'PayPal' }, at: at(20) },
    ],
    postings: async () => POSTINGS,
    ...overrides,
  };
}

describe('the order page', () => {
  it('shows each refund on the timeline with its credit note and the money paid back, in amounts', async () => {
    const detail = await loadOrderDetail(deps(), 310);
    expect(detail?.timeline.map((t) => [t.label, t.amount, t.tax, t.refundId])).toEqual([
      ['Posted', '32.49', null, null],
      ['Refund credited', '10.83', '0.83', 41],
      ['Money paid back', '10.83', null, 41],
    ]);
  });

  it('lists every posting with its kind, number, amount, tax, state and message', async () => {
    const detail = await loadOrderDetail(deps(), 310);
    expect(detail?.postings.map((p) => [p.label, p.refundId, p.number, p.amount, p.tax, p.stateLabel])).toEqual([
      ['Payment received', null, 'BC-310', '32.49', null, 'Booked'],
      ['Refund credit note', 41, 'BC-310-R41', '10.83', '0.83', 'Booked'],
      ['Money paid back', 41, null, '10.83', null, 'Booked'],
      ['Refund credit note', 42, 'BC-310-R42', '0.30', '0', 'Booked'],
      ['Money paid back', 42, null, '0.10', null, 'Booked'],
      ['Money paid back', 42, null, '0.20', null, 'Booked'],
      ['Money paid back', 42, null, '5.00', null, 'Not booked'],
    ]);
    expect(detail?.postings[2]).toMatchObject({ method: 'PayPal', account: '1020' });
    expect(detail?.postings[6]?.message).toMatch(/Approve the credit note/);
  });

  it('sums the refunds exactly, counting only what is booked', async () => {
    const detail = await loadOrderDetail(deps(), 310);
    expect(detail?.refunds).toEqual({ refunds: 2, credited: '11.13', paidBack: '11.13' });
    const none = await loadOrderDetail(deps({ postings: async () => POSTINGS.slice(0, 1) }), 310);
    expect(none?.refunds).toBeNull();
  });

  it('has words for every kind of event the pipeline writes, and amounts where the event moves money', () => {
    const kinds = [
      'webhook_received', 'planned', 'requested', 'posted', 'payment_recorded', 'payment_not_recorded', 'refund_credited', 'money_out',
      'updated', 'locked', 'adjusted', 'credited', 'voided', 'note', 'refunds_unreadable', 'status_written', 'held', 'failed', 'skipped',
    ];
    for (const kind of kinds) expect(EVENT_LABELS[kind], kind).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    expect(describeEvent('payment_recorded', { amount: '32.49', method: 'PayPal', account: '1020' })).toMatchObject({ label: 'Payment recorded', amount: '32.49' });
    expect(describeEvent('updated', { version: 1, from: '32.49', to: '21.66' })).toMatchObject({ label: 'Document updated', amount: '21.66' });
    expect(describeEvent('adjusted', { total: '-10.83', tax: '-0.83', lines: 1 })).toMatchObject({ label: 'Adjustment booked', amount: '-10.83', tax: '-0.83' });
    expect(describeEvent('credited', { total: '32.49', tax: '2.49', number: 'BC-310-CR' })).toMatchObject({ label: 'Cancellation credited', amount: '32.49', tax: '2.49' });
    expect(describeEvent('note', { refundId: 41 })).toEqual({ label: 'Note', amount: null, tax: null, refundId: 41 });
    expect(describeEvent('adjusted', {})).toMatchObject({ amount: null, tax: null });
    // A kind added later still reads as words, never as a code.
    expect(describeEvent('stock_pushed', {}).label).toBe('Stock pushed');
  });

  it('is null for an order the store has no trace of', async () => {
    expect(await loadOrderDetail(deps({ record: async () => null, timeline: async () => [], postings: async () => [] }), 999)).toBeNull();
  });
});
