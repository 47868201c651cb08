/**
 * Reconciliation's read of the built-in ledger: the sales documents and credit notes dated in a range, with their
 * gross total and tax summed from the journal lines as they are now (an accountant may have edited a line), in one
 * query. Deleted entries are simply absent; a voided one says so. A sales receipt's payment lines are what it
 * received; payments against invoices are entries of their own (`listLedgerPayments`).
 */
import { and, between, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { ledgerEntries, ledgerLines } from '@/db/schema/ledger';
import { ok, type BooksDocument, type BooksPayment, type Outcome } from '@/lib/sync/provider';
import { LEDGER_ROLES } from './chart';

const DOCUMENT_KINDS = ['invoice', 'sales_receipt', 'sales_order', 'credit_note'];

export async function listLedgerDocuments(db: Db, storeHash: string, range: { from: string; to: string }): Promise<Outcome<BooksDocument[]>> {
  const rows = await db
    .select({
      id: ledgerEntries.id,
      kind: ledgerEntries.kind,
      status: ledgerEntries.status,
      orderId: ledgerEntries.orderId,
      number: ledgerEntries.number,
      date: ledgerEntries.date,
      currency: ledgerEntries.currency,
      reversesEntryId: ledgerEntries.reversesEntryId,
      reference: sql<string | null>`${ledgerEntries.document}->>'reference'`,
      // Debits other than cost of goods sold: receivables (or payments) of a document, revenue and tax of a credit.
      gross: sql<string>`coalesce(sum(${ledgerLines.amount}) filter (where ${ledgerLines.amount} > 0 and ${ledgerLines.accountCode} <> ${LEDGER_ROLES.costOfGoodsSold}), 0)::text`,
      tax: sql<string>`abs(coalesce(sum(${ledgerLines.amount}) filter (where ${ledgerLines.accountCode} = ${LEDGER_ROLES.taxPayable}), 0))::text`,
      // The debits of a sales receipt's payment lines (journal.ts: sourceId `payment:<kind>`), by account.
      received: sql<Array<{ account: string; amount: string }> | null>`jsonb_agg(jsonb_build_object('account', ${ledgerLines.accountCode}, 'amount', ${ledgerLines.amount}::text) order by ${ledgerLines.id}) filter (where ${ledgerLines.sourceId} like 'payment:%' and ${ledgerLines.amount} > 0)`,
    })
    .from(ledgerEntries)
    .leftJoin(ledgerLines, eq(ledgerLines.entryId, ledgerEntries.id))
    .where(and(eq(ledgerEntries.storeHash, storeHash), inArray(ledgerEntries.kind, DOCUMENT_KINDS), between(ledgerEntries.date, range.from, range.to)))
    .groupBy(ledgerEntries.id)
    .orderBy(ledgerEntries.id);
  return ok(
    rows.map((r) => ({
      remoteId: String(r.id),
      kind: r.kind === 'credit_note' ? 'credit_note' : 'invoice',
      number: r.number,
      reference: r.reference ?? '',
      orderId: r.orderId === null ? null : Number(r.orderId),
      date: r.date,
      currency: r.currency,
      total: trimScale(r.gross),
      tax: trimScale(r.tax),
      status: r.status === 'voided' ? 'voided' : 'open',
      ...(r.kind === 'credit_note' && r.reversesEntryId !== null ? { appliesTo: [String(r.reversesEntryId)] } : {}),
      ...(r.kind === 'sales_receipt' ? { received: (r.received ?? []).map((p) => ({ account: p.account, amount: trimScale(p.amount) })) } : {}),
    })),
  );
}

/**
 * The payments against invoices dated in a range (entries of kind `payment`: Dr the clearing account / Cr Accounts
 * Receivable, journal.ts), each debit line as the ledger holds it now (an accountant may have moved it to another
 * account). The entry carries its order; its number is the document's with `-PAY`.
 */
export async function listLedgerPayments(db: Db, storeHash: string, range: { from: string; to: string }): Promise<Outcome<BooksPayment[]>> {
  const rows = await db
    .select({
      entryId: ledgerEntries.id,
      lineId: ledgerLines.id,
      status: ledgerEntries.status,
      orderId: ledgerEntries.orderId,
      number: ledgerEntries.number,
      date: ledgerEntries.date,
      currency: ledgerEntries.currency,
      account: ledgerLines.accountCode,
      amount: sql<string>`${ledgerLines.amount}::text`,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerLines, eq(ledgerLines.entryId, ledgerEntries.id))
    .where(and(
      eq(ledgerEntries.storeHash, storeHash), eq(ledgerEntries.kind, 'payment'), between(ledgerEntries.date, range.from, range.to),
      sql`${ledgerLines.amount} > 0`, sql`${ledgerLines.accountCode} <> ${LEDGER_ROLES.receivable}`,
    ))
    .orderBy(ledgerEntries.id, ledgerLines.id);
  return ok(
    rows.filter((r) => r.status !== 'voided').map((r) => ({
      remoteId: `${r.entryId}:${r.lineId}`,
      documentId: null,
      documentNumber: r.number.replace(/-PAY$/, ''),
      orderId: r.orderId === null ? null : Number(r.orderId),
      date: r.date,
      currency: r.currency,
      amount: trimScale(r.amount),
      account: r.account,
    })),
  );
}

/** numeric(19,4) "110.0000" → "110.00" (the classifier rounds to the currency anyway; this keeps the wire short). */
const trimScale = (value: string) => value.replace(/(\.\d\d\d*?)0+$/, '$1');
