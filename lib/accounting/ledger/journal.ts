/**
 * Pure translation of sales documents into balanced journal lines. Amounts are integer minor units of the
 * document currency: debit positive, credit negative.
 */
import { formatUnits, parseUnits, sum } from '@/lib/money';
import type { DocumentLine, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import type { DailySummary } from '@/lib/sync/summary/daily-summary';
import { LEDGER_ROLES } from './chart';

export interface JournalLine {
  accountCode: string;
  amount: bigint;
  description: string;
  itemId: number | null;
  quantity: string | null;
  taxCode: string | null;
  sourceId: string | null;
}

export class UnbalancedEntryError extends Error {
  override name = 'UnbalancedEntryError';
}

/** The application half of the balance rule (the database trigger is the other half). */
export function assertBalanced(lines: readonly JournalLine[], label: string): void {
  const total = sum(lines.map((l) => l.amount));
  if (total !== 0n) throw new UnbalancedEntryError(`journal entry ${label} does not balance: lines sum to ${total} minor units`);
}

const itemIdOf = (line: DocumentLine) => (line.itemId !== null && /^\d+$/.test(line.itemId) ? Number(line.itemId) : null);

/**
 * Invoice: Dr Accounts Receivable (total) / Cr each line's account (net) / Cr Sales Tax Payable (tax, per tax code).
 * Sales receipt: the debit goes to the payment accounts instead of receivables.
 * Item lines with a unit cost also move cost: Dr Cost of Goods Sold / Cr Inventory.
 */
export function documentJournal(doc: SalesDocument): JournalLine[] {
  const scale = doc.currency.scale;
  const u = (v: string) => parseUnits(v, scale);
  const lines: JournalLine[] = [];
  const total = u(doc.totals.total);

  if (doc.kind === 'sales_receipt') {
    for (const p of doc.payments) lines.push(paymentDebit(p, scale, doc.number));
  } else {
    lines.push({ accountCode: LEDGER_ROLES.receivable, amount: total, description: `${doc.number} ${doc.customer.displayName}`, itemId: null, quantity: null, taxCode: null, sourceId: null });
  }
  for (const line of doc.lines) {
    const net = u(line.net);
    if (net === 0n && line.kind !== 'product') continue;
    lines.push({
      accountCode: line.account, amount: -net, description: line.description, itemId: itemIdOf(line),
      quantity: line.kind === 'product' ? line.quantity : null, taxCode: line.taxCode, sourceId: line.sourceId,
    });
  }
  const taxByCode = new Map<string, bigint>();
  for (const line of doc.lines) {
    const tax = u(line.tax);
    if (tax !== 0n) taxByCode.set(line.taxCode ?? '', (taxByCode.get(line.taxCode ?? '') ?? 0n) + tax);
  }
  for (const [code, tax] of taxByCode) {
    lines.push({ accountCode: LEDGER_ROLES.taxPayable, amount: -tax, description: code ? `Tax ${code}` : 'Sales tax', itemId: null, quantity: null, taxCode: code || null, sourceId: 'tax' });
  }
  for (const line of doc.lines) {
    const itemId = itemIdOf(line);
    if (itemId === null || line.unitCost === null) continue;
    const cost = parseUnits(line.unitCost, 4) * BigInt(line.quantity);
    const costUnits = parseUnits(formatUnits(cost, 4), scale);
    if (costUnits === 0n) continue;
    lines.push({ accountCode: LEDGER_ROLES.costOfGoodsSold, amount: costUnits, description: `Cost of ${line.description}`, itemId, quantity: null, taxCode: null, sourceId: line.sourceId });
    lines.push({ accountCode: LEDGER_ROLES.inventory, amount: -costUnits, description: `Cost of ${line.description}`, itemId, quantity: null, taxCode: null, sourceId: line.sourceId });
  }
  return lines;
}

function paymentDebit(p: DocumentPayment, scale: number, number: string): JournalLine {
  return { accountCode: p.account, amount: parseUnits(p.amount, scale), description: `${p.method} ${number}${p.reference ? ` ${p.reference}` : ''}`, itemId: null, quantity: null, taxCode: null, sourceId: `payment:${p.kind}` };
}

/** Payment against an invoice: Dr clearing account / Cr Accounts Receivable. */
export function paymentJournal(p: DocumentPayment, scale: number, number: string): JournalLine[] {
  const debit = paymentDebit(p, scale, number);
  return [debit, { ...debit, accountCode: LEDGER_ROLES.receivable, amount: -debit.amount }];
}

/** Credit note: the invoice in reverse for the credited lines. */
export function creditNoteJournal(lines: readonly DocumentLine[], scale: number, number: string): JournalLine[] {
  const u = (v: string) => parseUnits(v, scale);
  const out: JournalLine[] = [];
  for (const line of lines) {
    const net = u(line.net);
    if (net !== 0n) out.push({ accountCode: line.account, amount: net, description: `Credit: ${line.description}`, itemId: itemIdOf(line), quantity: null, taxCode: line.taxCode, sourceId: line.sourceId });
    const tax = u(line.tax);
    if (tax !== 0n) out.push({ accountCode: LEDGER_ROLES.taxPayable, amount: tax, description: `Credit tax: ${line.description}`, itemId: null, quantity: null, taxCode: line.taxCode, sourceId: 'tax' });
  }
  const gross = sum(lines.map((l) => u(l.gross)));
  out.push({ accountCode: LEDGER_ROLES.receivable, amount: -gross, description: `Credit note ${number}`, itemId: null, quantity: null, taxCode: null, sourceId: null });
  return out;
}

/** Money paid back to the shopper against a credit note: Dr Accounts Receivable / Cr the account it leaves from. */
export function payoutJournal(p: DocumentPayment, scale: number, number: string): JournalLine[] {
  const amount = parseUnits(p.amount, scale);
  const description = `Refund paid: ${p.method} ${number}${p.reference ? ` ${p.reference}` : ''}`;
  return [
    { accountCode: LEDGER_ROLES.receivable, amount, description, itemId: null, quantity: null, taxCode: null, sourceId: `payout:${p.kind}` },
    { accountCode: p.account, amount: -amount, description, itemId: null, quantity: null, taxCode: null, sourceId: `payout:${p.kind}` },
  ];
}

/**
 * A daily summary (lib/sync/summary) as one journal entry: its sales as an invoice books them (Dr Accounts Receivable /
 * Cr each line's account, Cr Sales Tax Payable per tax code), its refunds as a credit note does (Dr the accounts and
 * the tax / Cr Accounts Receivable), its payments (Dr the clearing accounts / Cr Accounts Receivable) and the money
 * paid back (Dr Accounts Receivable / Cr the accounts it left from). What stays on Accounts Receivable is what the
 * day's customers still owe (`totals.due`). Items sold move their cost: Dr Cost of Goods Sold / Cr Inventory.
 */
export function summaryJournal(summary: DailySummary, number: string): JournalLine[] {
  const scale = summary.scale;
  const u = (v: string) => parseUnits(v, scale);
  const lines: JournalLine[] = [];
  const line = (accountCode: string, amount: bigint, description: string, sourceId: string, taxCode: string | null = null): void => {
    if (amount !== 0n) lines.push({ accountCode, amount, description, itemId: null, quantity: null, taxCode, sourceId });
  };
  line(LEDGER_ROLES.receivable, u(summary.totals.sales.gross), `${number} sales`, 'summary:sales');
  const taxByCode = new Map<string, bigint>();
  for (const l of summary.sales) {
    line(l.account, -u(l.net), l.description, `summary:${l.kind}`, l.taxCode);
    if (u(l.tax) !== 0n) taxByCode.set(l.taxCode ?? '', (taxByCode.get(l.taxCode ?? '') ?? 0n) + u(l.tax));
  }
  for (const [code, tax] of taxByCode) line(LEDGER_ROLES.taxPayable, -tax, code ? `Tax ${code}` : 'Sales tax', 'tax', code || null);
  const creditTax = new Map<string, bigint>();
  for (const l of summary.credits) {
    line(l.account, u(l.net), `Credit: ${l.description}`, `summary:credit:${l.kind}`, l.taxCode);
    if (u(l.tax) !== 0n) creditTax.set(l.taxCode ?? '', (creditTax.get(l.taxCode ?? '') ?? 0n) + u(l.tax));
  }
  for (const [code, tax] of creditTax) line(LEDGER_ROLES.taxPayable, tax, code ? `Credit tax ${code}` : 'Credit tax', 'tax', code || null);
  line(LEDGER_ROLES.receivable, -u(summary.totals.credits.gross), `${number} refunds`, 'summary:credits');
  for (const p of summary.payments) {
    line(p.account, u(p.amount), `${p.method} ${number}`, `payment:${p.kind}`);
    line(LEDGER_ROLES.receivable, -u(p.amount), `${p.method} ${number}`, `payment:${p.kind}`);
  }
  for (const p of summary.payouts) {
    line(LEDGER_ROLES.receivable, u(p.amount), `Refund paid: ${p.method} ${number}`, `payout:${p.kind}`);
    line(p.account, -u(p.amount), `Refund paid: ${p.method} ${number}`, `payout:${p.kind}`);
  }
  for (const item of summary.items) {
    if (item.cost === null || !/^\d+$/.test(item.itemId)) continue;
    const cost = parseUnits(item.cost, scale);
    if (cost === 0n) continue;
    const itemId = Number(item.itemId);
    lines.push({ accountCode: LEDGER_ROLES.costOfGoodsSold, amount: cost, description: `Cost of item ${item.itemId} × ${item.quantity}`, itemId, quantity: null, taxCode: null, sourceId: 'summary:cost' });
    lines.push({ accountCode: LEDGER_ROLES.inventory, amount: -cost, description: `Cost of item ${item.itemId} × ${item.quantity}`, itemId, quantity: null, taxCode: null, sourceId: 'summary:cost' });
  }
  return lines;
}
