/**
 * Posting a day's summaries (daily summary mode): the orders and refunds kept for the day (the pipeline's `summarise`
 * plan) become one summary per currency and payment method (daily-summary.ts), each posted through the provider port
 * under one key per (store, day, currency, method, version).
 *
 * Exactly once: the summary's row is written with its version and key before the provider is called. A crash in
 * between, a retry or a second run at once meets the row and calls again with the same key, and the provider returns
 * what the first call created. An open day whose content changed is posted again as the next version, replacing the
 * last (`replaces`); an unchanged one is left alone; a closed day is never changed (late refunds are dated, and kept
 * for, the day they happen).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../content-hash';
import { dayBounds } from '../days';
import type { AccountingProvider, SummaryDocumentKind, SummaryPosting } from '../provider';
import type { DocumentCustomer, SalesDocument } from '../sales-document';
import { buildDailySummaries, summaryKeyId, summaryPostingKey, type DailySummary, type SummaryEdit, type SummaryKey, type SummaryRefund } from './daily-summary';

export interface StoredSummary {
  key: SummaryKey;
  number: string;
  state: 'posting' | 'posted' | 'failed';
  version: number;
  postingKey: string;
  /** The last version in the books; null until one is. */
  remoteId: string | null;
  remoteNumber: string | null;
  contentHash: string | null;
  closed: boolean;
  message: string | null;
}

export interface SummaryPort {
  /**
   * The orders (their documents as kept for their own day, before any late edit), refunds and late edits kept for
   * `day`.
   */
  dayInputs(storeHash: string, provider: string, day: string): Promise<{ sales: SalesDocument[]; refunds: SummaryRefund[]; edits: SummaryEdit[] }>;
  /** Days with something kept and not yet in a posted summary, or a summary not closed or not posted. */
  openDays(storeHash: string, provider: string): Promise<string[]>;
  list(storeHash: string, provider: string, day: string): Promise<StoredSummary[]>;
  begin(storeHash: string, provider: string, input: { key: SummaryKey; number: string; ordinal: number; version: number; postingKey: string; summary: DailySummary }): Promise<void>;
  finish(
    storeHash: string,
    provider: string,
    key: SummaryKey,
    outcome:
      | { ok: true; remoteId: string; number: string; contentHash: string; message: string; orderIds: readonly number[]; refundIds: readonly number[]; editKeys: readonly string[] }
      | { ok: false; message: string },
  ): Promise<void>;
  close(storeHash: string, provider: string, day: string): Promise<void>;
}

export interface SummaryDeps {
  storeHash: string;
  providerId: string;
  provider: Pick<AccountingProvider, 'postSummary' | 'displayName'>;
  summaries: SummaryPort;
  /** `posting.summaryCloseHours` and `document.timeZone`. */
  closeHours: number;
  /** `posting.summaryCustomer`: the customer every summary is on; null for "Online sales — <method>". */
  customerName?: string | null;
  timeZone: string;
  /** `posting.summaryDocument` (default sales). */
  document?: SummaryDocumentKind;
  now: () => Date;
}

export interface SummaryOutcome {
  key: SummaryKey;
  number: string;
  result: 'posted' | 'refreshed' | 'unchanged' | 'closed' | 'failed';
  orders: number;
  refunds: number;
  /** Late changes to orders of closed days booked in this summary. */
  edits: number;
  total: string;
  message: string;
}

/**
 * Whether a day's summaries are closed (never changed again): one of them was closed, or they are in the books and
 * `closeHours` have passed since the day ended (store time zone). A day never posted is open: its orders, however
 * late, still go into its first summary.
 */
export function summaryDayClosed(state: { posted: boolean; closed: boolean }, day: string, at: { now: Date; timeZone: string; closeHours: number }): boolean {
  if (state.closed) return true;
  return state.posted && at.now.getTime() >= dayBounds(at.timeZone, day).to.getTime() + at.closeHours * 3_600_000;
}

/**
 * The summary customer: the one the merchant chose (`posting.summaryCustomer`, a customer name found or created by
 * name), else one named customer per payment method ("Online sales — Credit Card").
 */
export function summaryCustomer(method: string, chosen: string | null = null): DocumentCustomer {
  return {
    match: 'single', remoteId: null, bcCustomerId: null, displayName: (chosen?.trim() || `Online sales — ${method}`).slice(0, 100), email: null, company: '', phone: '',
    billingAddress: { firstName: '', lastName: '', company: '', street1: '', street2: '', city: '', state: '', zip: '', country: '', countryIso2: '', phone: '', email: '' },
  };
}

/**
 * What a summary holds, hashed: an unchanged day is not posted again. The orders' and refunds' payment shares are left
 * out (the summary's payments and payouts carry the money), so summaries posted before the shares had them are not
 * posted again for that alone.
 */
export const summaryContentHash = (summary: DailySummary): string => {
  const { orders, refunds, ...rest } = summary;
  const hashed = { ...rest, orders: orders.map(({ paid: _paid, ...o }) => o), refunds: refunds.map(({ paidOut: _paidOut, ...r }) => r) };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
};

/** "SUM-20261101-USD-2": the day, the currency and the summary's ordinal among that day's (21 characters at most). */
export const summaryNumber = (key: SummaryKey, ordinal: number): string => `SUM-${key.date.replace(/-/g, '')}-${key.currency}-${ordinal}`;

/**
 * Posts (or refreshes) the summaries of `day`. `force`: post a day that has not ended yet (an operator's
 * `summary post`); the scheduler posts a day once it has ended. Closes the day once `closeHours` have passed since.
 */
export async function postDaySummaries(deps: SummaryDeps, day: string, options: { force?: boolean } = {}): Promise<SummaryOutcome[]> {
  if (!deps.provider.postSummary) throw new Error(`${deps.provider.displayName} cannot post daily summaries`);
  const ended = dayBounds(deps.timeZone, day).to;
  const now = deps.now();
  if (now < ended && !options.force) return [];
  const inputs = await deps.summaries.dayInputs(deps.storeHash, deps.providerId, day);
  const built = buildDailySummaries(inputs).filter((s) => s.key.date === day);
  const stored = await deps.summaries.list(deps.storeHash, deps.providerId, day);
  const byKey = new Map(stored.map((s) => [summaryKeyId(s.key), s]));
  const outcomes: SummaryOutcome[] = [];
  for (const summary of built) {
    const existing = byKey.get(summaryKeyId(summary.key)) ?? null;
    const ordinal = existing ? Number(/-(\d+)$/.exec(existing.number)?.[1] ?? 1) : stored.length + outcomes.filter((o) => o.result !== 'unchanged').length + 1;
    const number = existing?.number ?? summaryNumber(summary.key, ordinal);
    const hash = summaryContentHash(summary);
    const edits = summary.edits ?? [];
    const counts = { orders: summary.orders.length, refunds: summary.refunds.length, edits: edits.length, total: summary.totals.sales.gross };
    if (existing?.state === 'posted' && existing.contentHash === hash) {
      outcomes.push({ key: summary.key, number, result: 'unchanged', ...counts, message: `${number} is up to date.` });
      continue;
    }
    if (existing?.closed) {
      // Late changes are kept for the day they happen (lib/sync/pipeline/plan.ts), so a closed day's content does not
      // change; should it (an order recorded in the instant the day closed), it is said, never silently rewritten.
      outcomes.push({ key: summary.key, number, result: 'closed', ...counts, message: `The day ${day} is closed: ${number} stays as posted, and a change of its orders recorded as it closed is not in the books.` });
      continue;
    }
    // A version under way (or failed) is retried under its own key; a posted one that changed is the next version.
    const version = existing ? (existing.state === 'posted' ? existing.version + 1 : existing.version) : 1;
    const postingKey = summaryPostingKey(deps.storeHash, summary.key, version);
    await deps.summaries.begin(deps.storeHash, deps.providerId, { key: summary.key, number, ordinal, version, postingKey, summary });
    const posting: SummaryPosting = {
      summary, number, customer: summaryCustomer(summary.key.method, deps.customerName ?? null), idempotencyKey: postingKey,
      description: `Daily summary ${day}, ${summary.key.currency}, ${summary.key.method} (${counts.orders} order${counts.orders === 1 ? '' : 's'}, ${counts.refunds} refund${counts.refunds === 1 ? '' : 's'}${counts.edits ? `, ${counts.edits} change${counts.edits === 1 ? '' : 's'} to earlier orders` : ''})`,
      replaces: existing?.remoteId ? { remoteId: existing.remoteId, number: existing.remoteNumber ?? number } : null,
      document: deps.document ?? 'sales',
    };
    const posted = await deps.provider.postSummary(posting);
    if (!posted.ok) {
      const message = `${deps.provider.displayName} refused summary ${number}: ${posted.error.message}`;
      await deps.summaries.finish(deps.storeHash, deps.providerId, summary.key, { ok: false, message });
      outcomes.push({ key: summary.key, number, result: 'failed', ...counts, message });
      continue;
    }
    const message = `${posting.description} posted as ${posted.value.number}${existing?.remoteId ? `, replacing version ${existing.version}` : ''}.`;
    await deps.summaries.finish(deps.storeHash, deps.providerId, summary.key, {
      ok: true, remoteId: posted.value.remoteId, number: posted.value.number, contentHash: hash, message,
      orderIds: summary.orders.map((o) => o.orderId), refundIds: summary.refunds.map((r) => r.refundId), editKeys: edits.map((e) => e.key),
    });
    outcomes.push({ key: summary.key, number: posted.value.number, result: existing?.remoteId ? 'refreshed' : 'posted', ...counts, message });
  }
  const closeAt = new Date(ended.getTime() + deps.closeHours * 3_600_000);
  if (now >= closeAt && outcomes.every((o) => o.result !== 'failed')) await deps.summaries.close(deps.storeHash, deps.providerId, day);
  return outcomes;
}
