import type { RemoteDefinition } from '../definition';
import { quickbooksChartHints } from './chart-hints';
import { QUICKBOOKS_LIMITS } from './config';
import { quickbooksConnector } from './connector';

/** QuickBooks Online: sales receipts, invoices, payments, credit memos and refunds in one company per store. */
export const quickbooksDefinition = {
  id: 'quickbooks',
  display: {
    name: 'QuickBooks Online',
    shortName: 'QuickBooks',
    description: 'Post sales receipts, invoices, payments and refunds to your QuickBooks Online company.',
    tenantNoun: 'company',
    drafts: false,
    trackingNoun: 'class or department',
  },
  limits: QUICKBOOKS_LIMITS,
  mappingLists: ['accounts', 'taxCodes', 'paymentAccounts', 'items', 'tracking'],
  chartHints: quickbooksChartHints,
  // QuickBooks Online keeps one quantity per item (provider.ts stockLevels answers it as location 1).
  stockLocations: [{ id: 1, name: 'QuickBooks stock' }],
  connector: quickbooksConnector,
} as const satisfies RemoteDefinition;
