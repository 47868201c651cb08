/**
 * What a Xero invoice says for `statuses.fromBooks`. Xero's invoice statuses
 * (https://developer.xero.com/documentation/api/accounting/types#invoices): AUTHORISED becomes PAID when AmountDue
 * reaches zero, whether by payments or by allocated credit notes; VOIDED is final. AmountPaid and AmountCredited say
 * which: a document settled by credit notes alone is credited, not paid.
 */
import type { BooksStatus } from '@/lib/sync/provider';
import type { XeroInvoice } from './wire';

const positive = (amount: string | undefined) => amount !== undefined && !/^-?0*(\.0*)?$/.test(amount) && !amount.startsWith('-');

export function xeroBooksStatus(invoice: Pick<XeroInvoice, 'Status' | 'AmountPaid' | 'AmountCredited'>): BooksStatus {
  const paid = positive(invoice.AmountPaid);
  const credited = positive(invoice.AmountCredited);
  switch (invoice.Status) {
    case 'VOIDED':
    case 'DELETED':
      return 'voided';
    case 'PAID':
      return paid || !credited ? 'paid' : 'credited';
    case 'AUTHORISED':
      if (paid) return 'partlyPaid';
      return credited ? 'credited' : 'open';
    default:
      return 'open';
  }
}
