/**
 * Xero's default chart, as the mapping proposal made on connect reads it (lib/sync/mapping-proposal.ts): the names a
 * new organisation (and the demo company) starts with, tried before the generic words. Sources: Xero's chart of
 * accounts help (https://help.xero.com/int/Settings_ChartofAccounts: "Xero assigns your organisation a default chart
 * of accounts"), whose default codes include 200 Sales, 260 Other Revenue, 610 Accounts Receivable, 800 Accounts
 * Payable, 820 GST / VAT / Sales Tax, 860 Rounding and 960 Retained Earnings (integrators map rounding to 860, e.g.
 * https://www.easybizcloud.com/help/xero-integration/configuring-account-codes: "code 200 means Sales Revenue, code
 * 820 means GST, and code 860 means Rounding"). Xero has no undeposited-funds account by default: payments go to a
 * bank account, or to a clearing account the merchant adds with "Enable payments to this account".
 * Zero-rated sales rates per edition (Xero's TaxRates: TaxType and Name): UK "Zero Rated Income", AU "GST Free Income",
 * NZ "Zero Rated", US and global "Tax Exempt"; "No VAT" / "No GST" keep a line off the return and come last.
 */
import type { ChartHints } from '@/lib/sync/mapping-proposal';

export const xeroChartHints = {
  accounts: {
    sales: ['Sales'],
    otherIncome: ['Other Revenue'],
    bank: ['Business Bank Account'],
  },
  // System accounts: Xero keeps them itself, and a document line is never coded to them.
  avoidAccounts: ['Accounts Receivable', 'Accounts Payable', 'GST', 'VAT', 'Sales Tax', 'Historical Adjustment', 'Tracking Transfers', 'Retained Earnings', 'Unpaid Expense Claims', 'Suspense'],
  zeroTaxCodes: ['Zero Rated Income', 'GST Free Income', 'Zero Rated', 'Tax Exempt', 'No VAT', 'No GST', 'No Tax'],
} as const satisfies ChartHints;
