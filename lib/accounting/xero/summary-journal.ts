/**
 * Daily summary mode in Xero as a manual journal (`posting.summaryDocument` = `journal`): one journal per summary
 * (day, currency, payment method), instead of the invoice and credit note of ./summary.ts.
 *
 * Lines (ManualJournalLine, ../shared/specs/xero/xero_accounting.yaml: "Debits are positive, credits are negative"):
 * - each clearing account debited by what was paid into it, and credited by what was paid back out of it;
 * - each summary sales line (revenue account, tax rate, kind: sales, shipping, handling, wrapping, fees, discounts)
 *   credited by its net, the tax rate named in its description;
 * - the tax, one line per tax rate, credited to the organisation's tax account (the account whose SystemAccount is
 *   GST: "Sales Tax" in a US organisation, "GST"/"VAT" elsewhere) by the tax BigCommerce charged, to the cent;
 * - the day's refunds as the same lines reversed (revenue and tax debited), in the same journal.
 * The journal is LineAmountTypes NoTax: Xero computes a line's tax from its TaxType and amount ("The calculated tax
 * amount based on the TaxType and LineAmount", the spec's TaxAmount) and would round it its own way, so the tax is
 * posted as lines of its own instead. The cost: Xero's tax reports (a GST/VAT return) do not see a journal's tax as
 * sales tax by rate; a merchant who files from Xero's return keeps the sales documents.
 *
 * Refused with a message (held, nothing posted):
 * - a line on a control account (SystemAccount DEBTORS or CREDITORS: a gift certificate mapped to Accounts Payable);
 * - a summary with an unpaid part (or refunds not paid back): Xero's Accounts Receivable is a system account a manual
 *   journal cannot use, so the lines would not balance; the day is posted as sales documents instead, or once paid;
 * - a summary not in the organisation's base currency: manual journals carry no currency (the spec's ManualJournal has
 *   no CurrencyCode; they are in the base currency);
 * - a day already posted as sales documents (switched mode on an open day): it stays as it was posted (and the sales
 *   path refuses a day already posted as a journal: `refuseIfPostedAsJournal`).
 *
 * Exactly once: the journal's Narration names the day, currency, method and our summary number; it is looked up by
 * Narration before anything is posted, and the create carries the caller's key as `Idempotency-Key`. Refresh in
 * place: a DRAFT or POSTED manual journal takes new lines (`POST /ManualJournals/{id}`; Workato's Xero connector,
 * "Update manual journal and line items": Status "Valid values include POSTED and DRAFT"); an unchanged one is left
 * alone. A journal in a locked period cannot change: Xero's refusal is returned as it is.
 *
 * Permission: Xero's granular scopes split manual journals out (`accounting.manualjournals`; devblog.xero.com,
 * "Upcoming changes to Xero Accounting API Scopes"). The app asks for it (config.ts XERO_SCOPES); a connection made
 * before it did is refused with 401 AuthorizationUnsuccessful, returned as a message to reconnect.
 */
import Big from 'big.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ok, type BooksDocument, type Outcome, type PostedDocument, type SummaryPosting } from '@/lib/sync/provider';
import type { DailySummary } from '@/lib/sync/summary/daily-summary';
import { journalHasSales, signedSummaryJournal, summaryJournalParts } from '@/lib/sync/summary/summary-journal';
import { elementErrors, failed, failureOf, isUncertain, validationFailure, type XeroReply } from './errors';
import type { XeroApi, XeroTokenPort as TokenPort } from './http';
import type { TrackingOption } from './mapping';
import { decimal, type WireDecimal } from './wire';
import { creditNumberOf, summaryReference } from './summary';

export interface XeroJournalDeps {
  api: XeroApi;
  /** `posting.approval`: DRAFT leaves the journal for review, else it is POSTED. */
  status: 'AUTHORISED' | 'DRAFT';
  tracking: TrackingOption | null;
  baseCurrency(): Promise<Outcome<string>>;
}

export interface XeroJournalLine {
  Description: string;
  AccountCode: string;
  LineAmount: WireDecimal;
  Tracking?: Array<{ Name: string; Option: string }>;
}

const KEY_MAX = 128;
const keyOf = (key: string, suffix: string) => {
  const full = `${key}:${suffix}`;
  return full.length <= KEY_MAX ? full : `sum:${createHash('sha256').update(full).digest('hex')}`;
};

/**
 * Why this connection cannot post manual journals, from the scopes its access token was granted (Xero's access tokens
 * are JWTs whose `scope` claim lists them; the sandbox issues the same), or null when it can or when that cannot be
 * told (an opaque token, a connection problem: the first post then says so). Apps on the broad scopes have manual
 * journals under `accounting.transactions`.
 */
export async function journalPermissionProblem(tokens: TokenPort): Promise<string | null> {
  const token = await tokens.accessToken();
  if (!token.ok) return null;
  const payload = token.value.split('.')[1];
  if (!payload) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const scope = z.looseObject({ scope: z.union([z.array(z.string()), z.string()]) }).safeParse(claims);
  if (!scope.success) return null;
  const granted = Array.isArray(scope.data.scope) ? scope.data.scope : scope.data.scope.split(' ');
  if (granted.includes('accounting.manualjournals') || granted.includes('accounting.transactions')) return null;
  return 'This Xero connection was made without the manual journals permission (accounting.manualjournals). Reconnect Xero and approve it to post summaries as journals, or keep sales documents.';
}

/** The journal's Narration: the summary's Reference (day, currency, method) and its number, our key in Xero. */
export const journalNarration = (posting: Pick<SummaryPosting, 'summary' | 'number'>) => `${summaryReference(posting)} (${posting.number})`;


/**
 * The journal's lines for a summary, or why it cannot be one. Pure: `taxAccount` is the organisation's tax account
 * (null when it has none: then a summary with tax is refused). Amounts are the summary's decimals, never recomputed.
 */
export function summaryJournalLines(
  summary: DailySummary,
  number: string,
  options: { taxAccount: string | null; tracking: TrackingOption | null; controlAccounts?: ReadonlyMap<string, string> },
): Outcome<XeroJournalLine[]> {
  const signed = signedSummaryJournal(summary, options.taxAccount);
  if (!signed.ok) return failed({ kind: 'validation', message: `Summary ${number} has tax to post, and the Xero organisation has no tax account (SystemAccount GST) for it.` });
  const out = signed.lines.map((l) => ({
    Description: l.description, AccountCode: l.account, amount: l.amount, tracking: l.line ? (l.line.tracking ?? options.tracking) : null,
  }));
  const lines = out.filter((l) => !l.amount.eq(0));
  const control = lines.find((l) => options.controlAccounts?.has(l.AccountCode));
  if (control) {
    return failed({
      kind: 'validation',
      message: `Summary ${number} cannot be a manual journal: its line "${control.Description}" is on account ${control.AccountCode} (${options.controlAccounts!.get(control.AccountCode)}), a Xero control account manual journals cannot use. Map it to another account, or post summaries as sales documents (Order rules › Posting mode).`,
    });
  }
  const rest = lines.reduce((sum, l) => sum.plus(l.amount), new Big(0));
  if (!rest.eq(0)) {
    // Debits short: sales not paid (AR); credits short: refunds not paid back (a credit owed to the shopper).
    const what = rest.lt(0) ? `${rest.abs().toFixed(summary.scale)} of its sales is unpaid` : `${rest.toFixed(summary.scale)} of its refunds was not paid back`;
    return failed({
      kind: 'validation',
      message: `Summary ${number} cannot be a manual journal: ${what}, and Xero's manual journals cannot use Accounts Receivable. Post summaries as sales documents (Order rules › Posting mode) for days with an unpaid part.`,
    });
  }
  if (lines.length === 0) return failed({ kind: 'validation', message: `Summary ${number} has no sales and no refunds to post.` });
  return ok(lines.map((l) => ({
    Description: l.Description.slice(0, 4000), AccountCode: l.AccountCode, LineAmount: decimal(l.amount.toFixed(summary.scale)),
    ...(l.tracking ? { Tracking: [{ Name: l.tracking.category, Option: l.tracking.option }] } : {}),
  })));
}

/** The parts of Xero's ManualJournal read back (the spec's ManualJournal; lines as Xero returns them). */
const journalSchema = z.looseObject({
  ManualJournalID: z.string().optional(),
  Narration: z.string().optional(),
  Status: z.string().optional(),
  JournalLines: z.array(z.record(z.string(), z.unknown())).optional(),
  ValidationErrors: z.array(z.object({ Message: z.string() })).optional(),
});
type Journal = z.infer<typeof journalSchema>;
const journalsOf = (json: unknown): Journal[] => z.looseObject({ ManualJournals: z.array(journalSchema).default([]) }).parse(json).ManualJournals;
const accountsSchema = z.looseObject({ Accounts: z.array(z.looseObject({ Code: z.string().optional(), Name: z.string().optional(), Status: z.string().optional(), SystemAccount: z.string().optional() })).default([]) });

function scopeFailure(reply: XeroReply, what: string) {
  const failure = failureOf(reply, what);
  if (reply.kind === 'response' && reply.status === 401 && /AuthorizationUnsuccessful/i.test(reply.text)) {
    return { kind: 'auth_revoked' as const, message: `${what}: this Xero connection was made without the manual journals permission (accounting.manualjournals). Reconnect Xero and approve it, or post summaries as sales documents (Order rules › Posting mode).` };
  }
  return failure;
}

/** The live journal with this Narration (DRAFT or POSTED), or null. Xero's `where` filters on Narration. */
export async function findSummaryJournal(api: XeroApi, narration: string): Promise<Outcome<Journal | null>> {
  const sent = await api.send({ method: 'GET', path: '/ManualJournals', query: { where: `Narration=="${narration.replace(/"/g, '\\"')}"` } });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind !== 'response' || reply.status !== 200) return failed(scopeFailure(reply, 'Looking up the summary journal'));
  return ok(journalsOf(reply.json).find((j) => j.Narration === narration && (j.Status === 'DRAFT' || j.Status === 'POSTED')) ?? null);
}

/**
 * The sales path's guard on a refresh (`replaces` set) after a switch back from journals: a live journal of this summary
 * means the day was posted as a journal and stays so (never both ways). A connection without the manual journals
 * permission has posted none through the app: no journal.
 */
export async function refuseIfPostedAsJournal(api: XeroApi, input: SummaryPosting): Promise<Outcome<void>> {
  if (!input.replaces) return ok(undefined);
  const found = await findSummaryJournal(api, journalNarration(input));
  if (!found.ok) return found.error.kind === 'auth_revoked' && /accounting\.manualjournals/.test(found.error.message) ? ok(undefined) : found;
  if (!found.value) return ok(undefined);
  return failed({ kind: 'validation', message: `Summary ${input.number} was posted to Xero as a manual journal before the switch to sales documents; that day stays as it was posted. Void the journal in Xero to post it as sales documents.` });
}

/** Whether the journal holds exactly these lines (account, description, amount; tracking as sent). */
function sameLines(current: readonly Record<string, unknown>[] | undefined, wanted: readonly XeroJournalLine[]): boolean {
  const left = [...(current ?? [])];
  if (left.length !== wanted.length) return false;
  for (const w of wanted) {
    const i = left.findIndex((l) => String(l.AccountCode ?? '') === w.AccountCode && String(l.Description ?? '') === w.Description && new Big(String(l.LineAmount ?? '0')).eq(w.LineAmount.__decimal));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

export async function postXeroSummaryJournal(deps: XeroJournalDeps, input: SummaryPosting): Promise<Outcome<PostedDocument>> {
  const { api } = deps;
  const { summary, number } = input;
  const base = await deps.baseCurrency();
  if (!base.ok) return base;
  if (summary.key.currency !== base.value) {
    return failed({ kind: 'validation', message: `Summary ${number} is in ${summary.key.currency}; Xero's manual journals are in the organisation's base currency (${base.value}) only. Post summaries as sales documents (Order rules › Posting mode) for other currencies.` });
  }
  // The chart, once: the tax account, and the control accounts a manual journal cannot use.
  const chart = await api.send({ method: 'GET', path: '/Accounts' });
  if (!chart.ok) return chart;
  if (chart.value.kind !== 'response' || chart.value.status !== 200) return failed(failureOf(chart.value, 'Reading the chart of accounts'));
  const accounts = accountsSchema.parse(chart.value.json).Accounts;
  const taxAccount = accounts.find((a) => a.SystemAccount === 'GST' && a.Status === 'ACTIVE' && a.Code)?.Code ?? null;
  const controlAccounts = new Map(accounts.filter((a) => a.Code && (a.SystemAccount === 'DEBTORS' || a.SystemAccount === 'CREDITORS')).map((a) => [a.Code!, a.Name ?? a.Code!]));
  const lines = summaryJournalLines(summary, number, { taxAccount, tracking: deps.tracking, controlAccounts });
  if (!lines.ok) return lines;
  const narration = journalNarration(input);
  const status = deps.status === 'DRAFT' ? 'DRAFT' : 'POSTED';
  const body = { Narration: narration, Date: summary.key.date, LineAmountTypes: 'NoTax', Status: status, JournalLines: lines.value };

  const found = await findSummaryJournal(api, narration);
  if (!found.ok) return found;
  if (!found.value && input.replaces) {
    // Posted before as sales documents (the mode switched while the day was open): never both ways.
    for (const [path, param, key, num] of [['/Invoices', 'InvoiceNumbers', 'Invoices', number], ['/CreditNotes', 'CreditNoteNumbers', 'CreditNotes', creditNumberOf(number)]] as const) {
      const sent = await api.send({ method: 'GET', path, query: { [param]: num } });
      if (!sent.ok) return sent;
      if (sent.value.kind !== 'response' || sent.value.status !== 200) return failed(failureOf(sent.value, 'Looking up the summary documents'));
      const docs = z.record(z.string(), z.unknown()).transform((o) => z.array(z.looseObject({ Reference: z.string().optional(), Status: z.string().optional() })).parse(o[key] ?? [])).parse(sent.value.json);
      if (docs.some((d) => d.Reference === summaryReference(input) && d.Status !== 'VOIDED' && d.Status !== 'DELETED')) {
        return failed({ kind: 'validation', message: `Summary ${number} was posted to Xero as sales documents before the switch to journals; that day stays as it was posted. Void them in Xero to post it as a journal.` });
      }
    }
  }
  if (found.value?.ManualJournalID) {
    const id = found.value.ManualJournalID;
    const read = await api.send({ method: 'GET', path: `/ManualJournals/${encodeURIComponent(id)}` });
    if (!read.ok) return read;
    if (read.value.kind !== 'response' || read.value.status !== 200) return failed(scopeFailure(read.value, 'Reading the summary journal'));
    const current = journalsOf(read.value.json)[0];
    // A journal someone posted in Xero stays posted (a posted journal cannot become a draft again) while approval is draft.
    const keep = current?.Status === 'POSTED' ? 'POSTED' : status;
    if (current && sameLines(current.JournalLines, lines.value) && current.Status === keep) return ok({ remoteId: id, number, created: false });
    const sent = await api.send({
      method: 'POST', path: `/ManualJournals/${encodeURIComponent(id)}`, query: { summarizeErrors: 'false' },
      body: { ManualJournals: [{ ManualJournalID: id, ...body, Status: keep }] }, idempotencyKey: keyOf(input.idempotencyKey, 'journal:edit'),
    });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind !== 'response' || reply.status !== 200) return failed(scopeFailure(reply, `Updating the summary journal ${number}`));
    const errors = elementErrors(journalsOf(reply.json)[0] ?? { ValidationErrors: [{ Message: 'no journal returned' }] });
    return errors.length ? failed(validationFailure(errors, `Xero refused to update the summary journal ${number}`)) : ok({ remoteId: id, number, created: false });
  }
  const sent = await api.send({ method: 'PUT', path: '/ManualJournals', query: { summarizeErrors: 'false' }, body: { ManualJournals: [body] }, idempotencyKey: keyOf(input.idempotencyKey, 'journal') });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (isUncertain(reply) || (reply.kind === 'response' && reply.status === 400 && /Idempotency/i.test(reply.text))) {
    // The answer was lost, or another run of this summary is under way: it is ours if the Narration says so.
    const again = await findSummaryJournal(api, narration);
    if (!again.ok) return again;
    if (again.value) return postXeroSummaryJournal(deps, input);
    return failed(failureOf(reply, `Posting the summary journal ${number}`));
  }
  if (reply.kind !== 'response' || reply.status !== 200) return failed(scopeFailure(reply, `Posting the summary journal ${number}`));
  const element = journalsOf(reply.json)[0];
  const errors = element ? elementErrors(element) : ['no journal returned'];
  if (errors.length || !element?.ManualJournalID) return failed(validationFailure(errors, `Xero refused the summary journal ${number}`));
  return ok({ remoteId: element.ManualJournalID, number, created: true });
}

/**
 * Reconciliation reads a summary journal back as the sales document and refund document it stands for, from its lines
 * as Xero holds them now (debits positive): the sales part is every line that is neither money nor refunded (credits:
 * revenue and tax, less discounts and reductions), the refund part the lines our journal marks "Refunded: ", and the
 * money received the debits on accounts payments can go into (BANK, or EnablePaymentsToAccount). Only our journals
 * (Narration "Daily summary … (<number>)"), POSTED or DRAFT; in the organisation's base currency (manual journals carry
 * none). Pure.
 */
export function summaryJournalAsDocuments(
  journal: { ManualJournalID?: string; Narration?: string; Status?: string; JournalLines?: ReadonlyArray<Record<string, unknown>> },
  date: string,
  options: { moneyAccounts: ReadonlySet<string>; taxAccounts: ReadonlySet<string>; baseCurrency: string },
): BooksDocument[] {
  const named = /^(Daily summary .+) \(([^()]+)\)$/.exec(journal.Narration ?? '');
  if (!named || !journal.ManualJournalID || (journal.Status !== 'POSTED' && journal.Status !== 'DRAFT')) return [];
  const [, reference, number] = named as unknown as [string, string, string];
  const parts = summaryJournalParts((journal.JournalLines ?? []).map((l) => {
    const account = String(l.AccountCode ?? '');
    const kind = options.moneyAccounts.has(account) ? 'money' : options.taxAccounts.has(account) ? 'tax' : 'other';
    return { account, signed: new Big(String(l.LineAmount ?? '0')), description: String(l.Description ?? ''), kind };
  }));
  const base = { reference, orderId: null, date, currency: options.baseCurrency };
  const out: BooksDocument[] = [];
  if (journalHasSales(parts)) {
    out.push({
      ...base, remoteId: journal.ManualJournalID, kind: 'invoice', number, total: parts.salesTotal.toString(), tax: parts.salesTax.toString(), status: 'paid',
      received: [...parts.received].map(([account, amount]) => ({ account, amount: amount.toString() })),
    });
  }
  if (parts.refunds) out.push({ ...base, remoteId: `${journal.ManualJournalID}:refunds`, kind: 'credit_note', number: creditNumberOf(number), total: parts.refundTotal.toString(), tax: parts.refundTax.toString(), status: 'paid' });
  return out;
}

/** The summary journals dated in a range, read back as documents (none when the connection cannot read journals). */
export async function listSummaryJournals(api: XeroApi, baseCurrency: () => Promise<Outcome<string>>, dayOf: (row: unknown) => string | null, where: string): Promise<Outcome<BooksDocument[]>> {
  const found: Array<{ journal: Journal; date: string }> = [];
  for (let page = 1; ; page += 1) {
    const sent = await api.send({ method: 'GET', path: '/ManualJournals', query: { where, page: String(page), order: 'Date ASC' } });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 401 && /AuthorizationUnsuccessful/i.test(reply.text)) return ok([]);
    if (reply.kind !== 'response' || reply.status !== 200) return failed(scopeFailure(reply, 'Reading the Xero manual journals'));
    const rows = z.looseObject({ ManualJournals: z.array(z.unknown()).default([]) }).parse(reply.json).ManualJournals;
    for (const raw of rows) {
      const journal = journalSchema.parse(raw);
      const date = dayOf(raw);
      if (date && /^Daily summary /.test(journal.Narration ?? '')) found.push({ journal, date });
    }
    // "Up to 100 manual journals will be returned in a single API call" with `page` (the spec's getManualJournals).
    if (rows.length < 100) break;
  }
  if (found.length === 0) return ok([]);
  const base = await baseCurrency();
  if (!base.ok) return base;
  const chart = await api.send({ method: 'GET', path: '/Accounts' });
  if (!chart.ok) return chart;
  if (chart.value.kind !== 'response' || chart.value.status !== 200) return failed(failureOf(chart.value, 'Reading the chart of accounts'));
  const accounts = z.looseObject({ Accounts: z.array(z.looseObject({ Code: z.string().optional(), Type: z.string().optional(), SystemAccount: z.string().optional(), EnablePaymentsToAccount: z.boolean().optional() })).default([]) }).parse(chart.value.json).Accounts;
  const moneyAccounts = new Set(accounts.filter((a) => a.Code && (a.Type === 'BANK' || a.EnablePaymentsToAccount === true)).map((a) => a.Code!));
  const taxAccounts = new Set(accounts.filter((a) => a.Code && a.SystemAccount === 'GST').map((a) => a.Code!));
  const out: BooksDocument[] = [];
  for (const { journal, date } of found) {
    let lines = journal.JournalLines;
    if (!lines || lines.length === 0) {
      // A list may leave the lines out (the spec's list example shows none): the journal read on its own has them.
      const read = await api.send({ method: 'GET', path: `/ManualJournals/${encodeURIComponent(journal.ManualJournalID ?? '')}` });
      if (!read.ok) return read;
      if (read.value.kind !== 'response' || read.value.status !== 200) return failed(scopeFailure(read.value, 'Reading the summary journal'));
      lines = journalsOf(read.value.json)[0]?.JournalLines ?? [];
    }
    out.push(...summaryJournalAsDocuments({ ...journal, JournalLines: lines }, date, { moneyAccounts, taxAccounts, baseCurrency: base.value }));
  }
  return ok(out);
}
