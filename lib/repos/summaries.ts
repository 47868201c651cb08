/**
 * Daily summaries (db/schema/summaries.ts) and what they summarise: the orders kept for a day (sync records in state
 * `summarised` whose document is dated that day) and the refunds kept for a day (credit postings in state
 * `summarised` dated that day), and the late edits kept for a day (postings `summary_edit` dated the day of the change:
 * the order as it was, and as it is). An order with late edits is in its own day's summary as the first edit found it.
 * Every read and write is scoped by store hash and provider.
 */
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { summaries, syncPostings, syncRecords } from '@/db/schema';

import type { PlannedCredit, PlannedPayout } from '@/lib/sync/plan-sync';
import type { SalesDocument } from '@/lib/sync/sales-document';
import type { SummaryPort, StoredSummary } from '@/lib/sync/summary/post-summaries';
import type { DailySummary, SummaryEdit, SummaryKey } from '@/lib/sync/summary/daily-summary';

export function createSummaryRepo({ db }: { db: Db }): SummaryPort {
  const row = (r: typeof summaries.$inferSelect): StoredSummary => ({
    key: { date: r.day, currency: r.currency, method: r.method },
    number: r.number, state: r.state as StoredSummary['state'], version: r.version, postingKey: r.postingKey, remoteId: r.remoteId,
    remoteNumber: r.remoteNumber, contentHash: r.contentHash, closed: r.closedAt !== null, message: r.message,
  });
  const whereKey = (storeHash: string, provider: string, key: SummaryKey) =>
    and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider), eq(summaries.day, key.date), eq(summaries.currency, key.currency), eq(summaries.method, key.method));

  return {
    async dayInputs(storeHash, provider, day) {
      const orders = await db
        .select({ orderId: syncRecords.orderId, document: syncRecords.document })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), eq(syncRecords.state, 'summarised'), sql`${syncRecords.document}->>'date' = ${day}`))
        .orderBy(asc(syncRecords.orderId));
      const refunds = await db
        .select({ orderId: syncPostings.orderId, refundId: syncPostings.refundId, detail: syncPostings.detail, sale: syncRecords.document })
        .from(syncPostings)
        .innerJoin(syncRecords, and(eq(syncRecords.storeHash, syncPostings.storeHash), eq(syncRecords.provider, syncPostings.provider), eq(syncRecords.orderId, syncPostings.orderId)))
        .where(and(
          eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'credit'), eq(syncPostings.state, 'summarised'),
          sql`${syncPostings.detail}->>'date' = ${day}`,
        ))
        .orderBy(asc(syncPostings.refundId));
      // Orders with late edits: their own day holds them as the first edit found them (none: first seen after it closed).
      const firstEdits = new Map<number, SalesDocument | null>();
      if (orders.length > 0) {
        // The day's orders as a subquery, not a list of ids (a day may hold more orders than a statement takes parameters).
        const dayOrders = db
          .select({ orderId: syncRecords.orderId })
          .from(syncRecords)
          .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), eq(syncRecords.state, 'summarised'), sql`${syncRecords.document}->>'date' = ${day}`));
        const editRows = await db
          .select({ orderId: syncPostings.orderId, detail: syncPostings.detail })
          .from(syncPostings)
          .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'summary_edit'), inArray(syncPostings.orderId, dayOrders)))
          .orderBy(asc(syncPostings.id));
        for (const e of editRows) if (!firstEdits.has(e.orderId)) firstEdits.set(e.orderId, (e.detail.before ?? null) as SalesDocument | null);
      }
      const edits = await db
        .select({ orderId: syncPostings.orderId, key: syncPostings.key, detail: syncPostings.detail })
        .from(syncPostings)
        .where(and(
          eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'summary_edit'), eq(syncPostings.state, 'summarised'),
          sql`${syncPostings.detail}->>'date' = ${day}`,
        ))
        .orderBy(asc(syncPostings.id));
      return {
        sales: orders.flatMap((o) => {
          if (!o.document) return [];
          if (!firstEdits.has(o.orderId)) return [o.document as unknown as SalesDocument];
          const before = firstEdits.get(o.orderId) ?? null;
          return before && before.date === day ? [before] : [];
        }),
        refunds: refunds.flatMap((r) => {
          if (!r.sale || r.refundId === null) return [];
          const detail = r.detail as { credit: PlannedCredit | null; payouts: PlannedPayout[] };
          return [{ orderId: r.orderId, refundId: r.refundId, date: day, sale: r.sale as unknown as SalesDocument, credit: detail.credit, payouts: detail.payouts }];
        }),
        edits: edits.map((e): SummaryEdit => {
          const detail = e.detail as { before: SalesDocument | null; after: SalesDocument };
          return { orderId: e.orderId, key: e.key, date: day, before: detail.before ?? null, after: detail.after };
        }),
      };
    },

    async openDays(storeHash, provider) {
      const kept = await db
        .selectDistinct({ day: sql<string>`${syncRecords.document}->>'date'` })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), eq(syncRecords.state, 'summarised'), isNull(syncRecords.postedAt)));
      const refunds = await db
        .selectDistinct({ day: sql<string>`${syncPostings.detail}->>'date'` })
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'credit'), eq(syncPostings.state, 'summarised'), isNull(syncPostings.number)));
      const edits = await db
        .selectDistinct({ day: sql<string>`${syncPostings.detail}->>'date'` })
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'summary_edit'), eq(syncPostings.state, 'summarised'), isNull(syncPostings.number)));
      const open = await db
        .selectDistinct({ day: summaries.day })
        .from(summaries)
        .where(and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider), or(isNull(summaries.closedAt), inArray(summaries.state, ['posting', 'failed']))));
      return [...new Set([...kept, ...refunds, ...edits, ...open].map((d) => d.day).filter((d): d is string => typeof d === 'string'))].sort();
    },

    async list(storeHash, provider, day) {
      const rows = await db.select().from(summaries).where(and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider), eq(summaries.day, day))).orderBy(asc(summaries.id));
      return rows.map(row);
    },

    async begin(storeHash, provider, input) {
      const ordinal = input.ordinal;
      await db
        .insert(summaries)
        .values({
          storeHash, provider, day: input.key.date, currency: input.key.currency, method: input.key.method, number: input.number,
          state: 'posting', version: input.version, postingKey: input.postingKey, summary: input.summary as unknown as Record<string, unknown>,
          message: `Posting version ${input.version} (${ordinal}).`,
        })
        .onConflictDoUpdate({
          target: [summaries.storeHash, summaries.provider, summaries.day, summaries.currency, summaries.method],
          set: { state: 'posting', version: input.version, postingKey: input.postingKey, summary: input.summary as unknown as Record<string, unknown>, updatedAt: new Date() },
        });
    },

    async finish(storeHash, provider, key, outcome) {
      if (outcome.ok) {
        await db
          .update(summaries)
          .set({ state: 'posted', remoteId: outcome.remoteId, remoteNumber: outcome.number, contentHash: outcome.contentHash, message: outcome.message, postedAt: new Date(), updatedAt: new Date() })
          .where(whereKey(storeHash, provider, key));
        // The orders and refunds it holds say so (the order page names the summary; `status` counts them posted).
        if (outcome.orderIds.length > 0) {
          await db
            .update(syncRecords)
            .set({ remoteNumber: outcome.number, postedAt: new Date(), message: `In the daily summary ${outcome.number} of ${key.date} (${key.method}).`, updatedAt: new Date() })
            .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), eq(syncRecords.state, 'summarised'), inArray(syncRecords.orderId, [...outcome.orderIds])));
        }
        if (outcome.refundIds.length > 0) {
          await db
            .update(syncPostings)
            .set({ number: outcome.number, remoteId: outcome.remoteId, message: `In the daily summary ${outcome.number} of ${key.date}.`, updatedAt: new Date() })
            .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'credit'), eq(syncPostings.state, 'summarised'), inArray(syncPostings.refundId, [...outcome.refundIds])));
        }
        if (outcome.editKeys.length > 0) {
          await db
            .update(syncPostings)
            .set({ number: outcome.number, remoteId: outcome.remoteId, message: `Change booked in the daily summary ${outcome.number} of ${key.date}.`, updatedAt: new Date() })
            .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'summary_edit'), inArray(syncPostings.key, [...outcome.editKeys])));
          // An order first seen after its own day closed is in the books through this summary only.
          const late = await db
            .select({ orderId: syncPostings.orderId })
            .from(syncPostings)
            .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), inArray(syncPostings.key, [...outcome.editKeys]), sql`${syncPostings.detail}->'before' = 'null'::jsonb`));
          if (late.length > 0) {
            await db
              .update(syncRecords)
              .set({ remoteNumber: outcome.number, postedAt: new Date(), message: `In the daily summary ${outcome.number} of ${key.date} (${key.method}), its own day being closed.`, updatedAt: new Date() })
              .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), eq(syncRecords.state, 'summarised'), isNull(syncRecords.postedAt), inArray(syncRecords.orderId, late.map((l) => l.orderId))));
          }
        }
        return;
      }
      await db.update(summaries).set({ state: 'failed', message: outcome.message, updatedAt: new Date() }).where(whereKey(storeHash, provider, key));
    },

    async close(storeHash, provider, day) {
      await db
        .update(summaries)
        .set({ closedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider), eq(summaries.day, day), eq(summaries.state, 'posted'), isNull(summaries.closedAt)));
    },
  };
}

export interface SummaryRow {
  number: string;
  remoteNumber: string | null;
  day: string;
  currency: string;
  method: string;
  state: StoredSummary['state'];
  version: number;
  closed: boolean;
  message: string | null;
  postedAt: Date | null;
  summary: DailySummary | null;
}

/**
 * The summaries as the admin pages read them (the summary's page, the list): scoped by store hash and provider; a
 * summary is found by its number or the number the books gave it.
 */
export function createSummaryReads({ db }: { db: Db }) {
  const view = (r: typeof summaries.$inferSelect): SummaryRow => ({
    number: r.number, remoteNumber: r.remoteNumber, day: r.day, currency: r.currency, method: r.method, state: r.state as StoredSummary['state'],
    version: r.version, closed: r.closedAt !== null, message: r.message, postedAt: r.postedAt, summary: (r.summary as unknown as DailySummary | null) ?? null,
  });
  return {
    async recent(storeHash: string, provider: string, limit: number): Promise<SummaryRow[]> {
      const rows = await db
        .select()
        .from(summaries)
        .where(and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider)))
        .orderBy(desc(summaries.day), asc(summaries.currency), asc(summaries.method))
        .limit(limit);
      return rows.map(view);
    },
    async byNumber(storeHash: string, provider: string, number: string): Promise<SummaryRow | null> {
      const [row] = await db
        .select()
        .from(summaries)
        .where(and(eq(summaries.storeHash, storeHash), eq(summaries.provider, provider), or(eq(summaries.number, number), eq(summaries.remoteNumber, number))))
        .orderBy(asc(summaries.id))
        .limit(1);
      return row ? view(row) : null;
    },
  };
}
