import type { LocalDefinition } from '../definition';
import { createLedgerProvider, LEDGER_LIMITS } from './ledger-provider';
import { DEFAULT_LOCATION } from './posting-writer';

/** The built-in ledger: kept in the app's own database, nothing to connect, no limits to share. */
export const ledgerDefinition = {
  id: 'ledger',
  display: {
    name: 'Built-in ledger',
    shortName: 'Ledger',
    description: 'A double-entry ledger kept by Ledgerbridge, exportable to hledger, beancount and CSV. Nothing to connect.',
    tenantNoun: 'ledger',
    drafts: false,
    trackingNoun: null,
  },
  limits: LEDGER_LIMITS,
  mappingLists: ['accounts', 'taxCodes', 'paymentAccounts', 'items'],
  // Sales move stock at BigCommerce's default location; a stock count sets it there too.
  stockLocations: [{ id: DEFAULT_LOCATION, name: 'Main location' }],
  connector: null,
  open: ({ db, storeHash }) => ({ provider: createLedgerProvider({ db, storeHash }), tenant: null }),
} as const satisfies LocalDefinition;
