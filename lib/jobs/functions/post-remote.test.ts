import { InngestTestEngine } from '@inngest/test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LEDGER_LIMITS } from '@/lib/accounting/ledger';
import { XERO_LIMITS } from '@/lib/accounting/xero';
import { fakeProvider, fakeStoreContext, fixtureOrder, memoryRecords, scriptedStore, settingsWith, STORE } from '@/tests/integration/support/sync-job-fakes';

const context = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('@/lib/context', () => ({ storeContext: vi.fn(async () => context.current) }));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { postingFunctions, tenantFlowControl } = await import('./post-remote');
const postToXeroFunction = postingFunctions.get('xero')!;

describe('flow control from a provider’s declared limits', () => {
  it('Xero: 60 run starts a minute and 5 at once per tenant, shared across stores and functions (env scope)', () => {
    expect(tenantFlowControl(XERO_LIMITS)).toEqual({
      throttle: { limit: 60, period: '1m', key: 'event.data.tenant' },
      concurrency: { scope: 'env', key: '"tenant-" + event.data.tenant', limit: 5 },
    });
    // What the function registers with Inngest is exactly that.
    expect(postToXeroFunction.opts).toMatchObject(tenantFlowControl(XERO_LIMITS));
  });

  it('a system without a minute limit gets no throttle, only its concurrency', () => {
    const control = tenantFlowControl({ ...LEDGER_LIMITS, callsPerMinute: null, concurrency: 10 });
    expect(control).toEqual({ concurrency: { scope: 'env', key: '"tenant-" + event.data.tenant', limit: 10 } });
  });
});

describe('post-to-xero', () => {
  beforeEach(() => vi.clearAllMocks());

  it('plans with the order it was given (no second BigCommerce call) and posts the document', async () => {
    const order = fixtureOrder();
    const store = scriptedStore(order);
    const records = memoryRecords();
    const books = fakeProvider();
    context.current = fakeStoreContext({ store, records, provider: books.provider, settings: settingsWith({}) });
    const t = new InngestTestEngine({
      function: postToXeroFunction,
      events: [{ name: 'accounting/xero.post', data: { storeHash: STORE, orderId: order.id, tenant: 'xero:t-1', trigger: 'webhook', order } }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toMatchObject({ result: 'posted', number: `BC-${order.id}` });
    expect((ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => c[0])).toEqual(['plan', 'post-document']);
    expect(store.calls).toEqual([]);
    expect(books.posted).toHaveLength(1);
    expect(records.rows.get(order.id)).toMatchObject({ state: 'posted' });
  });
});
