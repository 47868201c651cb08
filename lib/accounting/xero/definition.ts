import type { RemoteDefinition } from '../definition';
import { xeroChartHints } from './chart-hints';
import { XERO_LIMITS } from './config';
import { xeroConnector } from './connector';

/** Xero: invoices, payments and credit notes in one organisation per store. */
export const xeroDefinition = {
  id: 'xero',
  display: {
    name: 'Xero',
    shortName: 'Xero',
    description: 'Post invoices, payments and credit notes to your Xero organisation.',
    tenantNoun: 'organisation',
    drafts: true,
    trackingNoun: 'tracking category',
  },
  limits: XERO_LIMITS,
  mappingLists: ['accounts', 'taxCodes', 'paymentAccounts', 'items', 'tracking'],
  chartHints: xeroChartHints,
  // Xero keeps one quantity per tracked item (provider.ts stockLevels answers it as location 1).
  stockLocations: [{ id: 1, name: 'Xero stock' }],
  connector: xeroConnector,
} as const satisfies RemoteDefinition;
