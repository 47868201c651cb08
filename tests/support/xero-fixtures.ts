/**
 * Test helpers: a Xero sandbox organisation ready for the order fixtures (tests and the benchmark).
 * Not used by the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { orderSchema, orderTaxesSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument } from '@/lib/sync/build-sales-document';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { parseSettings } from '@/lib/sync/settings';
import { XERO_LIMITS } from '@/lib/accounting/xero/config';

/** Xero account and tax codes of a sandbox organisation (US edition), in place of the ledger's defaults. */
export const XERO_TEST_SETTINGS = {
  accounts: { sales: '200', shipping: '210', handling: '210', wrapping: '210', fees: '260', discounts: '270', rounding: '260', giftCertificatesSold: '800' },
  payments: { defaultAccount: '092', storeCreditAccount: '091', giftCertificateAccount: '091' },
  tax: { defaultTaxCode: 'TAX001', zeroTaxCode: 'NONE' },
} as const;

export interface OrderFixture {
  file: string;
  name: string;
  order: BcOrder;
  document: SalesDocument | null;
}


/**
 * The accounting core's order fixtures built into documents for Xero: the fixture's own settings with Xero's
 * account codes, its tax codes (a default/zero code where the fixture maps none), every customer new (Xero
 * creates the contacts), items looked up by SKU.
 */
export function loadOrderFixtures(casesDir: string): OrderFixture[] {
  return readdirSync(casesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const fx = JSON.parse(readFileSync(path.join(casesDir, file), 'utf8')) as {
        name: string;
        order: unknown;
        taxes: unknown;
        settings: Record<string, unknown>;
        lookups: { items?: Record<string, string>; limits?: { documentNumberMaxLength: number } };
      };
      const order = orderSchema.parse(fx.order);
      const fixtureTax = (fx.settings.tax ?? {}) as Record<string, unknown>;
      const settings = {
        ...fx.settings,
        accounts: { ...(fx.settings.accounts as object), ...XERO_TEST_SETTINGS.accounts },
        payments: {
          ...(fx.settings.payments as object),
          ...XERO_TEST_SETTINGS.payments,
          mappings: (((fx.settings.payments as { mappings?: Array<{ method: string }> } | undefined)?.mappings) ?? []).map((m) => ({ ...m, account: '090' })),
        },
        tax: { ...fixtureTax, defaultTaxCode: fixtureTax.defaultTaxCode ?? XERO_TEST_SETTINGS.tax.defaultTaxCode, zeroTaxCode: fixtureTax.zeroTaxCode ?? XERO_TEST_SETTINGS.tax.zeroTaxCode },
      };
      const parsed = parseSettings(settings);
      if (!parsed.ok) throw new Error(`${file}: settings invalid: ${JSON.stringify(parsed.problems)}`);
      const built = buildSalesDocument(order, parsed.settings, {
        storeHash: 'abc123',
        providerName: 'Xero',
        limits: fx.lookups.limits ?? XERO_LIMITS,
        items: new Map(Object.entries(fx.lookups.items ?? {}).map(([sku, id]) => [sku, { id }])),
        customer: { linked: null, byEmail: [], sharedGuest: null },
        taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null,
      });
      return { file, name: fx.name, order, document: built.ok ? built.document : null };
    });
}

/** Tax types, currencies and item codes the documents need, for seeding a sandbox organisation. */
export function needsOf(documents: readonly SalesDocument[]): { taxTypes: string[]; currencies: string[]; itemCodes: string[] } {
  const taxTypes = new Set<string>();
  const currencies = new Set<string>();
  const itemCodes = new Set<string>();
  for (const d of documents) {
    currencies.add(d.currency.code);
    for (const l of d.lines) {
      if (l.taxCode) taxTypes.add(l.taxCode);
      if (l.itemId && l.sku) itemCodes.add(l.sku);
    }
  }
  return { taxTypes: [...taxTypes], currencies: [...currencies], itemCodes: [...itemCodes] };
}
