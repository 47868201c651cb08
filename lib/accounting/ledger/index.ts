export { createLedgerProvider, LEDGER_LIMITS, type LedgerDeps, type LedgerProvider } from './ledger-provider';
export { DEFAULT_CHART, LEDGER_ROLES, type ChartAccount } from './chart';
export { assertBalanced, documentJournal, paymentJournal, creditNoteJournal, UnbalancedEntryError, type JournalLine } from './journal';
export {
  loadLedger,
  trialBalance,
  exportHledger,
  exportBeancount,
  exportCsv,
  ledgerAccountName,
  type DateRange,
  type LedgerSnapshot,
  type TrialBalanceRow,
} from './exports';
export { ledgerDefinition } from './definition';
