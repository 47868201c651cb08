import type { LedgerAccountType } from '@/db/schema/ledger';

export interface ChartAccount {
  code: string;
  name: string;
  type: LedgerAccountType;
  /** Receives payments (bank and clearing accounts). */
  payment: boolean;
}

/**
 * The default e-commerce chart of accounts every store's ledger starts with. The codes are the defaults in
 * lib/sync/settings.ts, so a new store posts with zero configuration.
 */
export const DEFAULT_CHART: readonly ChartAccount[] = [
  { code: '1000', name: 'Bank', type: 'asset', payment: true },
  { code: '1010', name: 'Card Clearing', type: 'asset', payment: true },
  { code: '1020', name: 'PayPal Clearing', type: 'asset', payment: true },
  { code: '1100', name: 'Undeposited Funds', type: 'asset', payment: true },
  { code: '1200', name: 'Accounts Receivable', type: 'asset', payment: false },
  { code: '1300', name: 'Inventory', type: 'asset', payment: false },
  { code: '2200', name: 'Sales Tax Payable', type: 'liability', payment: false },
  { code: '2300', name: 'Gift Certificates Outstanding', type: 'liability', payment: true },
  { code: '2310', name: 'Store Credit Outstanding', type: 'liability', payment: true },
  { code: '3000', name: 'Owner Equity', type: 'equity', payment: false },
  { code: '4000', name: 'Sales', type: 'income', payment: false },
  { code: '4100', name: 'Shipping Income', type: 'income', payment: false },
  { code: '4200', name: 'Fee Income', type: 'income', payment: false },
  { code: '4900', name: 'Discounts', type: 'income', payment: false },
  { code: '4950', name: 'Rounding', type: 'income', payment: false },
  { code: '5000', name: 'Cost of Goods Sold', type: 'expense', payment: false },
];

/** Fixed roles the ledger itself uses when it turns documents into journal lines. */
export const LEDGER_ROLES = {
  receivable: '1200',
  inventory: '1300',
  taxPayable: '2200',
  costOfGoodsSold: '5000',
} as const;
