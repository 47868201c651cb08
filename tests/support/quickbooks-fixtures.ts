/**
 * Test helpers: the accounting core's order fixtures built into documents for QuickBooks (tests only, not the app).
 * Account ids are those of a new QuickBooks sandbox company (tests/sandbox/quickbooks/companies.ts SEED_ACCOUNTS:
 * 1 Sales of Product Income, 2 Shipping Income, 3 Discounts given, 4 Undeposited Funds, 5 Checking).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { orderSchema, orderTaxesSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { QUICKBOOKS_LIMITS } from '@/lib/accounting/quickbooks/config';
import { buildSalesDocument } from '@/lib/sync/build-sales-document';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { parseSettings } from '@/lib/sync/settings';

export const QBO_TEST_ACCOUNTS = { sales: '1', shipping: '2', handling: '2', wrapping: '2', fees: '1', discounts: '3', rounding: '1', giftCertificatesSold: '1' } as const;
export const QBO_TEST_PAYMENTS = { defaultAccount: '4', storeCreditAccount: '5', giftCertificateAccount: '5' } as const;

export interface QboOrderFixture {
  file: string;
  name: string;
  order: BcOrder;
  document: SalesDocument | null;
}

/**
 * Fixtures as QuickBooks documents. `tax` gives the codes for lines the fixture maps none: TAX/NON for US companies
 * (the provider sends TAX or NON anyway), a company's VAT code ids elsewhere; every mapped code is replaced by
 * `tax.defaultTaxCode` too (the fixtures' own codes are another system's). Items: `items(sku)` or none.
 */
export function loadQuickBooksFixtures(
  casesDir: string,
  options: { tax?: { defaultTaxCode: string; zeroTaxCode: string }; items?: ReadonlyMap<string, string>; kind?: 'invoice' | 'sales_receipt' | 'auto' } = {},
): QboOrderFixture[] {
  const tax = options.tax ?? { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' };
  return readdirSync(casesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const fx = JSON.parse(readFileSync(path.join(casesDir, file), 'utf8')) as {
        name: string;
        order: unknown;
        taxes: unknown;
        settings: Record<string, unknown>;
        lookups: { limits?: { documentNumberMaxLength: number } };
      };
      const order = orderSchema.parse(fx.order);
      const fixtureTax = (fx.settings.tax ?? {}) as { mappings?: Array<Record<string, unknown>> };
      const fixtureDoc = (fx.settings.document ?? {}) as Record<string, unknown>;
      const settings = {
        ...fx.settings,
        document: { ...fixtureDoc, ...(options.kind ? { kind: options.kind } : {}) },
        accounts: { ...(fx.settings.accounts as object), ...QBO_TEST_ACCOUNTS },
        payments: {
          ...(fx.settings.payments as object),
          ...QBO_TEST_PAYMENTS,
          mappings: (((fx.settings.payments as { mappings?: Array<{ method: string }> } | undefined)?.mappings) ?? []).map((m) => ({ ...m, account: '5' })),
        },
        tax: { ...fixtureTax, mappings: (fixtureTax.mappings ?? []).map((m) => ({ ...m, taxCode: tax.defaultTaxCode })), defaultTaxCode: tax.defaultTaxCode, zeroTaxCode: tax.zeroTaxCode },
      };
      const parsed = parseSettings(settings);
      if (!parsed.ok) throw new Error(`${file}: settings invalid: ${JSON.stringify(parsed.problems)}`);
      const built = buildSalesDocument(order, parsed.settings, {
        storeHash: 'abc123',
        providerName: 'QuickBooks Online',
        limits: fx.lookups.limits ?? QUICKBOOKS_LIMITS,
        items: new Map([...(options.items ?? new Map<string, string>())].map(([sku, id]) => [sku, { id }])),
        customer: { linked: null, byEmail: [], sharedGuest: null },
        taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null,
      });
      return { file, name: fx.name, order, document: built.ok ? built.document : null };
    });
}
