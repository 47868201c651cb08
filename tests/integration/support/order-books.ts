/**
 * The books of one order, read from the accounting system itself (the built-in ledger's journal, or the Xero
 * sandbox's invoices, credit notes and payments), and what they must hold according to the store (BigCommerce's
 * order, its refunds and its transactions). ARCHITECTURE invariant 3b, per order:
 *   money held = paid − refunded; receivable = owed for what was sold (negative only when money is owed back);
 *   revenue + tax and tax = what was sold and not refunded or cancelled.
 * Amounts in cents (bigint).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { ledgerEntries, ledgerLines } from '@/db/schema';
import { DEFAULT_CHART, LEDGER_ROLES } from '@/lib/accounting/ledger/chart';
import { parseUnits } from '@/lib/money';
import { storeCall, type StoreApi } from './sync-helpers';

export interface OrderBooks {
  /** Held in the accounts money came into (clearing, bank, store credit, gift certificates). */
  money: bigint;
  receivable: bigint;
  /** Revenue + tax still booked. */
  sold: bigint;
  tax: bigint;
}

const cents = (v: string | number | null | undefined) => parseUnits(String(v ?? '0'), 2);

export function describeBooks(b: OrderBooks): Record<keyof OrderBooks, string> {
  const f = (v: bigint) => `${v < 0n ? '-' : ''}${(v < 0n ? -v : v) / 100n}.${String((v < 0n ? -v : v) % 100n).padStart(2, '0')}`;
  return { money: f(b.money), receivable: f(b.receivable), sold: f(b.sold), tax: f(b.tax) };
}

/**
 * What the store says the books must hold for the order. `paid` comes from its transactions (purchase, capture).
 * `wasCancelled`: a cancellation stays one in the books after a refund moves the status on (BigCommerce sets
 * Partially Refunded or Refunded after any refund, a cancelled order included); the caller that cancelled says so.
 */
export async function storeSide(store: StoreApi, reader: StoreApi, orderId: number, options: { wasCancelled?: boolean; voidStatusIds?: readonly number[] } = {}): Promise<OrderBooks & { refunds: number }> {
  const voidStatusIds = options.voidStatusIds ?? [5];
  const order = (await storeCall<{ total_inc_tax: string; total_tax: string; status_id: number }>(store, 'GET', `/v2/orders/${orderId}`)).body;
  const refunds = (await storeCall<{ data: Array<{ total_amount: number; total_tax: number }> }>(reader, 'GET', `/v3/orders/${orderId}/payment_actions/refunds`)).body.data;
  const transactions = (await storeCall<{ data: Array<{ event: string; amount: number; status: string }> }>(reader, 'GET', `/v3/orders/${orderId}/transactions`)).body?.data ?? [];
  const paid = transactions.filter((t) => (t.event === 'purchase' || t.event === 'capture') && t.status !== 'error').reduce((s, t) => s + cents(t.amount), 0n);
  const refunded = refunds.reduce((s, r) => s + cents(r.total_amount), 0n);
  const refundedTax = refunds.reduce((s, r) => s + cents(r.total_tax), 0n);
  const cancelled = options.wasCancelled === true || voidStatusIds.includes(order.status_id);
  const sold = cancelled ? 0n : cents(order.total_inc_tax) - refunded;
  const tax = cancelled ? 0n : cents(order.total_tax) - refundedTax;
  const money = paid - refunded;
  return { money, receivable: sold - money, sold, tax, refunds: refunds.length };
}

const PAYMENT_ACCOUNTS = DEFAULT_CHART.filter((a) => a.payment).map((a) => a.code);
const INCOME = DEFAULT_CHART.filter((a) => a.type === 'income').map((a) => a.code);

/** The order's books in the built-in ledger: the lines of every entry of the order (voided entries and their reversals included). */
export async function ledgerSide(db: Db, storeHash: string, orderId: number): Promise<OrderBooks> {
  const rows = await db
    .select({ account: ledgerLines.accountCode, amount: sql<string>`sum(${ledgerLines.amount})` })
    .from(ledgerLines)
    .innerJoin(ledgerEntries, eq(ledgerEntries.id, ledgerLines.entryId))
    .where(and(eq(ledgerEntries.storeHash, storeHash), eq(ledgerEntries.orderId, orderId), sql`${ledgerEntries.status} <> 'unposted'`))
    .groupBy(ledgerLines.accountCode);
  const by = new Map(rows.map((r) => [r.account, cents(r.amount)]));
  const sumOf = (codes: readonly string[]) => codes.reduce((s, c) => s + (by.get(c) ?? 0n), 0n);
  const tax = -(by.get(LEDGER_ROLES.taxPayable) ?? 0n);
  return { money: sumOf(PAYMENT_ACCOUNTS), receivable: by.get(LEDGER_ROLES.receivable) ?? 0n, sold: -sumOf(INCOME) + tax, tax };
}

interface XeroDoc {
  InvoiceID?: string;
  CreditNoteID?: string;
  Type: string;
  Status: string;
  Reference?: string;
  InvoiceNumber?: string;
  CreditNoteNumber?: string;
  Total: number;
  TotalTax: number;
  AmountDue?: number;
  RemainingCredit?: number;
}
interface XeroPayment {
  Amount: number;
  Status: string;
  Invoice?: { InvoiceID: string; Type: string };
}

/** The order's books in the Xero sandbox: its invoices (Reference "BigCommerce order #id"), credit notes and payments. */
export async function xeroSide(adminUrl: string, tenantId: string, orderId: number, number = `BC-${orderId}`): Promise<OrderBooks & { invoices: number; creditNotes: number }> {
  const get = async <T>(path: string) => (await (await fetch(`${adminUrl}/tenants/${tenantId}/${path}`)).json()) as T;
  const active = (d: { Status: string }) => d.Status !== 'VOIDED' && d.Status !== 'DELETED' && d.Status !== 'DRAFT';
  const invoices = (await get<XeroDoc[]>('invoices')).filter((i) => i.Type === 'ACCREC' && i.Reference === `BigCommerce order #${orderId}` && active(i));
  const credits = (await get<XeroDoc[]>('credit-notes')).filter((c) => c.Type === 'ACCRECCREDIT' && (c.Reference ?? '').startsWith(`Credit for ${number}:`) && active(c));
  const ids = new Set([...invoices.map((i) => i.InvoiceID), ...credits.map((c) => c.CreditNoteID)]);
  const payments = (await get<XeroPayment[]>('payments')).filter((p) => p.Status === 'AUTHORISED' && p.Invoice && ids.has(p.Invoice.InvoiceID));
  const money = payments.reduce((s, p) => s + (p.Invoice!.Type === 'ACCRECCREDIT' ? -cents(p.Amount) : cents(p.Amount)), 0n);
  const sold = invoices.reduce((s, i) => s + cents(i.Total), 0n) - credits.reduce((s, c) => s + cents(c.Total), 0n);
  const tax = invoices.reduce((s, i) => s + cents(i.TotalTax), 0n) - credits.reduce((s, c) => s + cents(c.TotalTax), 0n);
  const receivable = invoices.reduce((s, i) => s + cents(i.AmountDue), 0n) - credits.reduce((s, c) => s + cents(c.RemainingCredit), 0n);
  return { money, receivable, sold, tax, invoices: invoices.length, creditNotes: credits.length };
}

interface QboForm {
  Id: string;
  DocNumber?: string;
  PrivateNote?: string;
  TotalAmt: number;
  TxnTaxDetail?: { TotalTax?: number };
  Balance?: number;
  RemainingCredit?: number;
  Line?: Array<{ LinkedTxn?: Array<{ TxnId: string; TxnType: string }> }>;
}

/**
 * The order's books in the QuickBooks sandbox, read through its admin entities route: the order's sales receipts and
 * invoices (PrivateNote "BigCommerce order #id", voided ones zeroed), the credit memos and refund receipts numbered
 * from the order's document number, and the payments applied to any of them. Money = receipts + payments − refund
 * receipts; sold and tax = forms − credit memos − refund receipts; receivable = invoice balances − remaining credit.
 */
export async function quickbooksSide(adminUrl: string, realmId: string, orderId: number, number = `BC-${orderId}`): Promise<OrderBooks & { documents: number; creditMemos: number; refundReceipts: number }> {
  const get = async (entity: string) => ((await (await fetch(`${adminUrl}/companies/${realmId}/entities/${entity}`)).json()) as { items: QboForm[] }).items;
  const ours = (f: QboForm) => (f.PrivateNote ?? '').includes(`BigCommerce order #${orderId}`) && (f.PrivateNote ?? '').replace(/^Voided\s*/, '').startsWith('BigCommerce');
  const numbered = (f: QboForm) => f.DocNumber === number || (f.DocNumber ?? '').startsWith(`${number}-`);
  const receipts = (await get('SalesReceipt')).filter(ours);
  const invoices = (await get('Invoice')).filter(ours);
  const memos = (await get('CreditMemo')).filter(numbered);
  const refunds = (await get('RefundReceipt')).filter(numbered);
  const ids = new Set([...invoices, ...memos].map((f) => f.Id));
  const payments = (await get('Payment')).filter((p) => (p.Line ?? []).some((l) => (l.LinkedTxn ?? []).some((t) => ids.has(t.TxnId))));
  const total = (fs: QboForm[]) => fs.reduce((s, f) => s + cents(f.TotalAmt), 0n);
  const taxOf = (fs: QboForm[]) => fs.reduce((s, f) => s + cents(f.TxnTaxDetail?.TotalTax), 0n);
  const money = total(receipts) + total(payments) - total(refunds);
  const sold = total(receipts) + total(invoices) - total(memos) - total(refunds);
  const tax = taxOf(receipts) + taxOf(invoices) - taxOf(memos) - taxOf(refunds);
  const receivable = invoices.reduce((s, i) => s + cents(i.Balance), 0n) - memos.reduce((s, m) => s + cents(m.RemainingCredit), 0n);
  const live = (f: QboForm) => f.TotalAmt !== 0 || !(f.PrivateNote ?? '').startsWith('Voided');
  return { money, receivable, sold, tax, documents: [...receipts, ...invoices].filter(live).length, creditMemos: memos.length, refundReceipts: refunds.length };
}
