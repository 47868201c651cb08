/**
 * The mappings page's read model: the payment methods and tax rates the store's orders actually use, what each
 * is mapped to, and a warning on every mapping an eligible order needs but lacks. Sources: one page of the
 * store's recent orders (payment methods, line items embedded), the taxes detail of the orders held for an
 * unmapped rate plus a few recent eligible ones, and the accounting system's chart.
 */
import type { ChartDescription } from '@/lib/sync/provider';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcOrder, BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import type { Result } from '@/lib/errors';
import { compareDecimal } from '@/lib/money';
import type { SyncSettings } from '@/lib/sync/settings';
import { bcFailureText } from './connections';
import { validateSettingsInput } from './settings-form';

export interface PaymentMethodSeen {
  method: string;
  orders: number;
  eligibleOrders: number;
  /** Account the mapping names, or null when the default clearing account takes it. */
  mappedTo: string | null;
  /** Eligible orders use it and it has no mapping of its own. */
  warning: string | null;
}

export interface TaxRateSeen {
  name: string;
  /** Percent, e.g. "7.25". */
  rate: string;
  orders: number;
  mappedTo: string | null;
  warning: string | null;
}

export interface MappingsView {
  chart: Pick<ChartDescription, 'accounts' | 'paymentAccounts' | 'taxCodes'> & { usesTaxCodes: boolean };
  paymentMethods: PaymentMethodSeen[];
  taxRates: TaxRateSeen[];
  /** Fields of the current settings that no longer validate against the chart. */
  fieldWarnings: Record<string, string>;
  /** Orders held because of a missing mapping, to retry once it is added. */
  heldOrders: number[];
  storeError: string | null;
}

export interface MappingsDeps {
  settings: SyncSettings;
  chart: ChartDescription;
  recentOrders(): Promise<Result<BcOrder[], BcFailure>>;
  orderTaxes(orderId: number): Promise<Result<BcOrderTax[], BcFailure>>;
  /** Orders whose sync record is held for an unmapped tax rate. */
  heldForTax(): Promise<number[]>;
  /** How many recent eligible orders to sample for tax rates (each costs one BigCommerce call). */
  taxSample?: number;
}

function trimZeros(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

export function taxMappingFor(settings: SyncSettings, name: string, rate: string) {
  return settings.tax.mappings.find(
    (m) => (m.name === undefined || m.name.toLowerCase() === name.trim().toLowerCase()) && (m.rate === undefined || compareDecimal(m.rate, rate) === 0),
  );
}

export type ChartView = Pick<MappingsView, 'chart' | 'fieldWarnings'>;
export type SeenView = Pick<MappingsView, 'paymentMethods' | 'taxRates' | 'heldOrders' | 'storeError'>;

/** The fast half of the page (no BigCommerce call): the chart to map to, and what no longer validates against it. */
export function chartView(settings: SyncSettings, chart: ChartDescription): ChartView {
  const current = validateSettingsInput(settings, chart);
  return {
    chart: { accounts: chart.accounts, paymentAccounts: chart.paymentAccounts, taxCodes: chart.taxCodes, usesTaxCodes: chart.taxCodes.length > 0 },
    fieldWarnings: current.ok ? {} : current.fields,
  };
}

export async function loadMappings(deps: MappingsDeps): Promise<MappingsView> {
  return { ...chartView(deps.settings, deps.chart), ...(await loadSeen(deps)) };
}

/** The slow half: what the store's orders use (BigCommerce calls), loaded after the form is on screen. */
export async function loadSeen(deps: MappingsDeps): Promise<SeenView> {
  const { settings } = deps;
  const usesTaxCodes = deps.chart.taxCodes.length > 0;
  const isEligible = (o: BcOrder) => settings.orders.importStatusIds.includes(o.status_id);
  let storeError: string | null = null;

  const orders = await deps.recentOrders();
  if (!orders.ok) storeError = bcFailureText(orders.error);
  const recent = orders.ok ? orders.value : [];

  const methods = new Map<string, { method: string; orders: number; eligible: number }>();
  for (const order of recent) {
    const method = (order.payment_method ?? '').trim();
    if (!method) continue;
    const key = method.toLowerCase();
    const seen = methods.get(key) ?? { method, orders: 0, eligible: 0 };
    seen.orders += 1;
    if (isEligible(order)) seen.eligible += 1;
    methods.set(key, seen);
  }
  for (const m of settings.payments.mappings) {
    if (!methods.has(m.method.toLowerCase())) methods.set(m.method.toLowerCase(), { method: m.method, orders: 0, eligible: 0 });
  }
  const paymentMethods: PaymentMethodSeen[] = [...methods.values()]
    .map((m) => {
      const mapping = settings.payments.mappings.find((p) => p.method.trim().toLowerCase() === m.method.toLowerCase());
      return {
        method: m.method,
        orders: m.orders,
        eligibleOrders: m.eligible,
        mappedTo: mapping?.account ?? null,
        warning:
          !mapping && m.eligible > 0
            ? `${m.eligible} eligible order${m.eligible === 1 ? '' : 's'} paid by ${m.method}; without a mapping they go to the default account ${settings.payments.defaultAccount}.`
            : null,
      };
    })
    .sort((a, b) => b.orders - a.orders || a.method.localeCompare(b.method));

  const held = await deps.heldForTax();
  const sample = recent.filter(isEligible).slice(-(deps.taxSample ?? 5)).map((o) => o.id);
  const rates = new Map<string, { name: string; rate: string; orders: Set<number>; eligibleHeld: boolean }>();
  for (const orderId of [...new Set([...held, ...sample])]) {
    const taxes = await deps.orderTaxes(orderId);
    if (!taxes.ok) {
      storeError ??= bcFailureText(taxes.error);
      continue;
    }
    for (const t of taxes.value) {
      if (compareDecimal(t.rate, '0') === 0 && compareDecimal(t.line_amount, '0') === 0) continue;
      const rate = trimZeros(t.rate);
      const key = `${t.name.trim().toLowerCase()}|${rate}`;
      const seen = rates.get(key) ?? { name: t.name.trim(), rate, orders: new Set<number>(), eligibleHeld: false };
      seen.orders.add(orderId);
      if (held.includes(orderId)) seen.eligibleHeld = true;
      rates.set(key, seen);
    }
  }
  const taxRates: TaxRateSeen[] = [...rates.values()]
    .map((r) => {
      const mapping = taxMappingFor(settings, r.name, r.rate);
      const needed = settings.tax.requireMapping || usesTaxCodes;
      return {
        name: r.name,
        rate: r.rate,
        orders: r.orders.size,
        mappedTo: mapping?.taxCode ?? null,
        warning:
          !mapping && (r.eligibleHeld || needed)
            ? r.eligibleHeld
              ? `Orders are held until "${r.name}" (${r.rate}%) is mapped to a tax code.`
              : `"${r.name}" (${r.rate}%) has no tax code; eligible orders that use it will be held.`
            : null,
      };
    })
    .sort((a, b) => b.orders - a.orders || a.name.localeCompare(b.name));

  return { paymentMethods, taxRates, heldOrders: held, storeError };
}
