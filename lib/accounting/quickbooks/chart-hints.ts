/**
 * QuickBooks Online's default chart, as the mapping proposal made on connect reads it (lib/sync/mapping-proposal.ts):
 * the names a new company starts with, tried before the generic words. Source: Intuit's "Manage default and special
 * accounts in your QuickBooks Online chart of accounts"
 * (https://quickbooks.intuit.com/learn-support/en-us/accounting-method-preference/manage-default-and-special-accounts-in-your-chart-of-accounts/00/186401):
 * Undeposited Funds ("also called Payments to Deposit": payments wait there until deposited), Sales of Product Income
 * ("used to track sales for inventory items"), Services, Opening Balance Equity, Retained Earnings, Reconciliation
 * Discrepancies and Unapplied Cash Payment Income (special accounts no sale belongs in). Shipping Income and Discounts
 * given are the names QuickBooks gives the accounts its shipping and discount preferences use. Tax codes: US lines are
 * TAX / NON (Intuit's "Manage sales tax for US locales"); a UK company's zero rate is "0.0% Z".
 */
import type { ChartHints } from '@/lib/sync/mapping-proposal';

export const quickbooksChartHints = {
  accounts: {
    sales: ['Sales of Product Income', 'Sales'],
    shipping: ['Shipping Income', 'Shipping, Delivery Income'],
    discounts: ['Discounts given', 'Discounts/Refunds Given'],
    otherIncome: ['Other Income', 'Other Primary Income'],
    clearing: ['Undeposited Funds', 'Payments to deposit'],
    bank: ['Checking'],
  },
  avoidAccounts: [
    'Accounts Receivable (A/R)',
    'Accounts Payable (A/P)',
    'Opening Balance Equity',
    'Retained Earnings',
    'Reconciliation Discrepancies',
    'Unapplied Cash Payment Income',
    'Unapplied Cash Bill Payment Expense',
  ],
  zeroTaxCodes: ['0.0% Z', 'Zero-rated', 'NON', 'Exempt'],
} as const satisfies ChartHints;
