/**
 * Step `build-document` (inside `plan`): the order and the settings, with what the books know (items by SKU, the
 * customer) and the store's tax detail when the settings map tax rates, become the provider-neutral sales document.
 */
import type { BcOrder, BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, orderProductIds, orderSkus } from '../build-sales-document';
import { revenueRulesNeedCatalog, type ProductClassification } from '../revenue-rules';
import type { AccountingProvider, RemoteCustomer } from '../provider';
import type { SalesDocument } from '../sales-document';
import { requiredOrderData } from '../settings';
import { fromStore, providerProblem } from './failures';
import type { PipelineDeps } from './ports';

/** A problem's code is the builder's (missing_sku, totals_mismatch...) or the provider's failure kind (auth_revoked). */
export type Built = { ok: true; document: SalesDocument } | { ok: false; problems: Array<{ code: string; message: string }> };

export async function buildDocument(deps: PipelineDeps, order: BcOrder): Promise<Built> {
  const { provider, settings } = deps;
  const skus = orderSkus(order);
  const items = await provider.findItemsBySku(skus);
  if (!items.ok) {
    const problem = providerProblem(items.error, 'Looking up items');
    return { ok: false, problems: [{ code: problem.reason, message: problem.message }] };
  }
  const email = order.billing_address.email?.trim() || null;
  const customers = async (query: Parameters<AccountingProvider['findCustomer']>[0]): Promise<RemoteCustomer[]> => {
    const found = await provider.findCustomer(query);
    if (found.ok) return found.value;
    providerProblem(found.error, 'Looking up the customer');
    return [];
  };
  const linked = order.customer_id > 0 ? (await customers({ bcCustomerId: order.customer_id }))[0] : undefined;
  const byEmail = email ? await customers({ email }) : [];
  let taxes: BcOrderTax[] | null = null;
  if (requiredOrderData(settings).taxes) {
    if (!deps.store.orderTaxes) throw new Error('tax mappings need the order taxes detail, which this store port cannot load');
    const loaded = await deps.store.orderTaxes(order.id);
    if (!loaded.ok) fromStore(loaded.error, `loading the taxes of order ${order.id}`);
    else taxes = loaded.value;
  }
  let products: ReadonlyMap<number, ProductClassification> | null = null;
  if (revenueRulesNeedCatalog(settings)) {
    if (!deps.store.productClassifications) throw new Error('revenue rules by category or brand need the catalog, which this store port cannot read');
    const read = await deps.store.productClassifications(orderProductIds(order));
    if (!read.ok) fromStore(read.error, `reading the categories and brands of order ${order.id}'s products`);
    else products = read.value;
  }
  return buildSalesDocument(order, settings, {
    storeHash: deps.storeHash,
    storeCurrency: deps.storeCurrency ?? null,
    providerName: provider.displayName,
    limits: provider.limits,
    items: new Map(items.value.map((i) => [i.sku, { id: i.id }])),
    customer: { linked: linked ? { remoteId: linked.remoteId } : null, byEmail },
    taxes,
    products,
  });
}
