/**
 * Reconciliation's read of Xero: the sales invoices (ACCREC) and their credit notes (ACCRECCREDIT) dated in a range,
 * as Xero holds them now (a person may have edited, voided, deleted or added one), through the client's pacer.
 *
 * Xero's Invoices and CreditNotes endpoints (specs/xero/xero_accounting.yaml: GET /Invoices and GET /CreditNotes take
 * `where`, `order`, `page` and `pageSize`; /Invoices also `summaryOnly`, "a smaller version of the response object",
 * without the line items): `where` filters dates as `Date>=DateTime(2026,03,10)` (developer.xero.com, the
 * Accounting API's "Filtering" guide); a page holds at most 1,000 (the largest pageSize Xero accepts, as the CData
 * Xero driver documents: "Allowed values are 1 to 1000"); developer.xero.com/faq/limits/retrieving-data advises paging
 * and filtering to stay inside the rate limits. DELETED documents are not listed unless asked for by status, so a
 * deleted invoice is absent here, as it is from the books. One call per 1,000 documents of each kind. Payments are
 * `listXeroPayments`' (below).
 */
import { z } from 'zod';
import { ok, type BooksDocument, type BooksPayment, type Outcome } from '@/lib/sync/provider';
import { failed, failureOf } from './errors';
import type { XeroApi } from './http';
import { listSummaryJournals } from './summary-journal';
import { envelopes, type XeroCreditNote, type XeroInvoice } from './wire';

const PAGE_SIZE = 1000;

const datedFields = z.object({ DateString: z.string().optional(), Date: z.string().optional() }).loose();

/** Xero's `DateString` ("2026-03-10T00:00:00") or, without it, the `/Date(1773100800000+0000)/` form. */
export function xeroDay(row: unknown): string | null {
  const r = datedFields.safeParse(row);
  if (!r.success) return null;
  if (r.data.DateString && /^\d{4}-\d{2}-\d{2}/.test(r.data.DateString)) return r.data.DateString.slice(0, 10);
  const ms = /\/Date\((-?\d+)/.exec(r.data.Date ?? '');
  return ms ? new Date(Number(ms[1])).toISOString().slice(0, 10) : null;
}

const dateTime = (date: string) => {
  const [y, m, d] = date.split('-');
  return `DateTime(${y},${m},${d})`;
};

const statusOf = (status: string | undefined): BooksDocument['status'] => (status === 'VOIDED' ? 'voided' : status === 'PAID' ? 'paid' : 'open');

export async function listXeroDocuments(api: XeroApi, range: { from: string; to: string }, baseCurrency?: () => Promise<Outcome<string>>): Promise<Outcome<BooksDocument[]>> {
  const out: BooksDocument[] = [];
  const dates = `Date>=${dateTime(range.from)} && Date<=${dateTime(range.to)}`;
  if (baseCurrency) {
    // Daily summaries posted as manual journals (summary-journal.ts), read back as the documents they stand for.
    const journals = await listSummaryJournals(api, baseCurrency, xeroDay, dates);
    if (!journals.ok) return journals;
    out.push(...journals.value);
  }
  for (const kind of ['invoice', 'credit_note'] as const) {
    const path = kind === 'invoice' ? '/Invoices' : '/CreditNotes';
    const where = `Type=="${kind === 'invoice' ? 'ACCREC' : 'ACCRECCREDIT'}" && ${dates}`;
    for (let page = 1; ; page += 1) {
      const query: Record<string, string> = { where, page: String(page), pageSize: String(PAGE_SIZE), order: 'Date ASC' };
      if (kind === 'invoice') query.summaryOnly = 'true';
      const sent = await api.send({ method: 'GET', path, query });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, kind === 'invoice' ? 'Reading the Xero invoices' : 'Reading the Xero credit notes'));
      const json = reply.json as Record<string, unknown[] | undefined>;
      const rows: Array<{ id?: string; number?: string; doc: XeroInvoice | XeroCreditNote; raw: unknown }> =
        kind === 'invoice'
          ? envelopes.invoices.parse(json).Invoices.map((d, i) => ({ id: d.InvoiceID, number: d.InvoiceNumber, doc: d, raw: json.Invoices?.[i] }))
          : envelopes.creditNotes.parse(json).CreditNotes.map((d, i) => ({ id: d.CreditNoteID, number: d.CreditNoteNumber, doc: d, raw: json.CreditNotes?.[i] }));
      for (const { id, number, doc, raw } of rows) {
        const date = xeroDay(raw);
        if (!date || !id) continue;
        const allocations = 'Allocations' in doc && Array.isArray(doc.Allocations) ? (doc as XeroCreditNote).Allocations ?? [] : [];
        out.push({
          remoteId: id,
          kind,
          number: number ?? '',
          reference: doc.Reference ?? '',
          orderId: null,
          date,
          currency: doc.CurrencyCode ?? '',
          total: String(doc.Total ?? '0'),
          tax: String(doc.TotalTax ?? '0'),
          status: statusOf(doc.Status),
          ...(kind === 'credit_note' ? { appliesTo: allocations.flatMap((a) => (a.Invoice ? [a.Invoice.InvoiceID] : [])) } : {}),
        });
      }
      const pageCount = envelopes.invoices.shape.pagination.parse((reply.json as { pagination?: unknown }).pagination)?.pageCount;
      if (rows.length < PAGE_SIZE || (pageCount !== undefined && page >= pageCount)) break;
    }
  }
  return ok(out);
}

const listedPayment = z
  .object({
    PaymentID: z.string(),
    Amount: z.union([z.number(), z.string()]).optional(),
    Status: z.string().optional(),
    Account: z.object({ AccountID: z.string().optional(), Code: z.string().optional() }).loose().optional(),
    Invoice: z.object({ InvoiceID: z.string().optional(), InvoiceNumber: z.string().optional(), CurrencyCode: z.string().optional() }).loose().optional(),
  })
  .loose();

/**
 * The payments received against sales invoices dated in a range (GET /Payments, specs/xero/xero_accounting.yaml: `where`,
 * `order`, `page`, `pageSize`; `Status` AUTHORISED or DELETED, `PaymentType` ACCRECPAYMENT for money from customers).
 * Xero lists deleted payments too (as DELETED), so `where` asks for AUTHORISED ones only: a payment deleted by hand is
 * absent, as it is from the books. A payment is never edited in Xero, only deleted and entered again (perhaps to
 * another account): its `Account.Code` is what the payment mappings name. The list form names the invoice (Type,
 * InvoiceID, InvoiceNumber, CurrencyCode: the spec's getPayments example); pageSize as for invoices, at most 1,000.
 * One call per 1,000 payments, through the client's pacer.
 */
export async function listXeroPayments(api: XeroApi, range: { from: string; to: string }): Promise<Outcome<BooksPayment[]>> {
  const out: BooksPayment[] = [];
  const where = `Status=="AUTHORISED" && PaymentType=="ACCRECPAYMENT" && Date>=${dateTime(range.from)} && Date<=${dateTime(range.to)}`;
  for (let page = 1; ; page += 1) {
    const sent = await api.send({ method: 'GET', path: '/Payments', query: { where, page: String(page), pageSize: String(PAGE_SIZE), order: 'Date ASC' } });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Reading the Xero payments'));
    const rows = z.object({ Payments: z.array(z.unknown()).default([]) }).loose().parse(reply.json).Payments;
    for (const raw of rows) {
      const p = listedPayment.safeParse(raw);
      const date = xeroDay(raw);
      if (!p.success || !date || p.data.Status === 'DELETED') continue;
      out.push({
        remoteId: p.data.PaymentID,
        documentId: p.data.Invoice?.InvoiceID ?? null,
        documentNumber: p.data.Invoice?.InvoiceNumber ?? '',
        orderId: null,
        date,
        currency: p.data.Invoice?.CurrencyCode ?? '',
        amount: String(p.data.Amount ?? '0'),
        account: p.data.Account?.Code ?? '',
      });
    }
    const pageCount = envelopes.invoices.shape.pagination.parse((reply.json as { pagination?: unknown }).pagination)?.pageCount;
    if (rows.length < PAGE_SIZE || (pageCount !== undefined && page >= pageCount)) break;
  }
  return ok(out);
}
