import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART } from '@/lib/accounting/ledger';
import type { BcOrder, BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import { defaultSettings, type SyncSettings } from '@/lib/sync/settings';
import { loadMappings } from './mappings';

const accounts = DEFAULT_CHART.map((a) => ({ code: a.code, name: a.name, type: a.type, isPaymentAccount: a.payment }));
const chart = { accounts, paymentAccounts: accounts.filter((a) => a.isPaymentAccount), taxCodes: [], items: [] };
const order = (id: number, status: number, method: string) => ({ id, status_id: status, payment_method: method }) as unknown as BcOrder;
const tax = (name: string, rate: string, amount = '1.0000') => ({ id: 1, name, rate, line_amount: amount }) as unknown as BcOrderTax;

function deps(settings: SyncSettings, held: number[] = []) {
  const asked: number[] = [];
  return {
    asked,
    deps: {
      settings,
      chart,
      recentOrders: async () => ({ ok: true as const, value: [order(1, 11, 'PayPal'), order(2, 11, 'paypal'), order(3, 1, 'Cash'), order(4, 11, 'Credit Card')] }),
      orderTaxes: async (id: number) => {
        asked.push(id);
        return { ok: true as const, value: id === 9 ? [tax('CA State Tax', '7.2500')] : [tax('Zero', '0.0000', '0.0000')] };
      },
      heldForTax: async () => held,
    },
  };
}

describe('the mappings page', () => {
  it('lists payment methods seen in the store’s orders and warns on those eligible orders use without a mapping', async () => {
    const s = defaultSettings();
    const view = await loadMappings(deps({ ...s, payments: { ...s.payments, mappings: [{ method: 'Credit Card', account: '1010' }] } }).deps);
    expect(view.paymentMethods.map((m) => [m.method, m.orders, m.eligibleOrders, m.mappedTo, m.warning !== null])).toEqual([
      ['PayPal', 2, 2, null, true],
      ['Cash', 1, 0, null, false],
      ['Credit Card', 1, 1, '1010', false],
    ]);
  });

  it('shows the tax rate of an order held for it, with a warning, until it is mapped', async () => {
    const s = defaultSettings();
    const required = { ...s, tax: { ...s.tax, requireMapping: true } };
    const before = await loadMappings(deps(required, [9]).deps);
    expect(before.taxRates).toEqual([{ name: 'CA State Tax', rate: '7.25', orders: 1, mappedTo: null, warning: expect.stringContaining('held') }]);
    expect(before.heldOrders).toEqual([9]);
    const mapped = { ...required, tax: { ...required.tax, mappings: [{ name: 'ca state tax', rate: '7.25', taxCode: 'CA' }] } };
    const after = await loadMappings(deps(mapped, [9]).deps);
    expect(after.taxRates[0]).toMatchObject({ mappedTo: 'CA', warning: null });
  });

  it('samples only a few recent eligible orders for tax rates (each is one BigCommerce call)', async () => {
    const { deps: d, asked } = deps(defaultSettings());
    await loadMappings({ ...d, taxSample: 2 });
    expect(asked).toEqual([2, 4]);
  });

  it('reports the store being unreachable instead of failing the page', async () => {
    const d = deps(defaultSettings()).deps;
    const view = await loadMappings({ ...d, recentOrders: async () => ({ ok: false as const, error: { kind: 'Unauthorized' as const, message: 'no' } }) });
    expect(view.storeError).toMatch(/Reinstall/);
    expect(view.paymentMethods).toEqual([]);
  });
});
