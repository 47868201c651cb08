/**
 * What a QuickBooks Online invoice says for `statuses.fromBooks`. Intuit's Invoice reference
 * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice): `Balance` is what is
 * still owed of `TotalAmt`; `LinkedTxn` lists the payments (`TxnType` Payment) and credit memos (CreditMemo) applied.
 * A voided invoice keeps its number with zero amounts and "Voided" at the start of its PrivateNote (as this provider
 * voids, ./provider.ts).
 */
import Big from 'big.js';
import type { BooksStatus } from '@/lib/sync/provider';
import type { QboTxn } from './wire';

export function quickbooksBooksStatus(txn: Pick<QboTxn, 'PrivateNote' | 'Balance' | 'TotalAmt' | 'LinkedTxn'>): BooksStatus {
  if ((txn.PrivateNote ?? '').startsWith('Voided')) return 'voided';
  if (txn.Balance === undefined || txn.TotalAmt === undefined) return 'open';
  const balance = new Big(txn.Balance);
  const total = new Big(txn.TotalAmt);
  if (total.lte(0) || balance.gte(total)) return 'open';
  const kinds = new Set((txn.LinkedTxn ?? []).map((l) => l.TxnType));
  const paid = kinds.has('Payment');
  if (!paid && kinds.has('CreditMemo')) return 'credited';
  return balance.eq(0) ? 'paid' : 'partlyPaid';
}
