import { and, asc, count, desc, eq, gte, inArray, like, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db';
import { preparedOnce } from '@/db/prepared';
import { summaries, syncEvents, syncPostings, syncRecords, webhookDeliveries } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { notificationOfFailure } from '@/lib/notify/kinds';
import { recordNotification } from './notifications';
import type { OrderSnapshot, Posting, PostingKind, PostingState } from '@/lib/sync/pipeline/ports';
import type { RecordFact } from '@/lib/sync/reconcile/types';

export type SyncState = 'pending' | 'posted' | 'failed' | 'held' | 'skipped' | 'voided' | 'credited' | 'summarised';

/** What we know of the order when we touch its record (kept on the record for the activity page). */
export type { OrderSnapshot };

export interface SyncRecordRow {
  storeHash: string;
  orderId: number;
  provider: string;
  state: SyncState;
  reason: string | null;
  message: string | null;
  idempotencyKey: string | null;
  contentHash: string | null;
  remoteId: string | null;
  remoteNumber: string | null;
  locked: boolean;
  documentVersion: number;
  attempts: number;
  orderStatusId: number | null;
  orderDateModified: Date | null;
  writtenStatusId: number | null;
  statusWrittenAt: Date | null;
  orderFingerprint?: string | null;
  document: Record<string, unknown> | null;
  updatedAt: Date;
}

export interface RecordKey {
  storeHash: StoreHash;
  orderId: number;
  provider: string;
}

type Patch = Partial<{
  state: SyncState;
  reason: string | null;
  message: string | null;
  idempotencyKey: string | null;
  contentHash: string | null;
  remoteId: string | null;
  remoteNumber: string | null;
  locked: boolean;
  documentVersion: number;
  document: Record<string, unknown> | null;
  postedAt: Date | null;
  writtenStatusId: number | null;
  statusWrittenAt: Date | null;
}>;

const snapshotColumns = (s: OrderSnapshot | undefined) =>
  s
    ? {
        orderStatusId: s.statusId,
        orderDateCreated: s.dateCreated,
        orderDateModified: s.dateModified,
        orderTotal: s.total,
        currency: s.currency,
        customerName: s.customerName,
      }
    : {};

const whereKey = (key: RecordKey) =>
  and(eq(syncRecords.storeHash, key.storeHash), eq(syncRecords.orderId, key.orderId), eq(syncRecords.provider, key.provider));

/** Sync records, the postings of each order, and their timeline. Every read and write is scoped by store hash. */
export function createSyncRecordRepo({ db }: { db: Db }) {
  async function upsert(key: RecordKey, patch: Patch & { state: SyncState }, snapshot?: OrderSnapshot, bumpAttempts = false) {
    const now = new Date();
    // A decision recorded: the order is no longer known to be as posted from (order-fingerprint.ts).
    const values = { ...key, ...patch, ...snapshotColumns(snapshot), orderFingerprint: null, updatedAt: now, attempts: bumpAttempts ? 1 : 0 };
    await db
      .insert(syncRecords)
      .values(values)
      .onConflictDoUpdate({
        target: [syncRecords.storeHash, syncRecords.orderId, syncRecords.provider],
        set: {
          ...patch,
          ...snapshotColumns(snapshot),
          orderFingerprint: null,
          updatedAt: now,
          ...(bumpAttempts ? { attempts: sql`${syncRecords.attempts} + 1` } : {}),
        },
      });
  }

  async function forgetPostings(key: RecordKey, postingKeys: readonly string[], message: string, tx: Pick<Db, 'update'> = db) {
    if (postingKeys.length === 0) return;
    await tx
      .update(syncPostings)
      .set({ state: 'gone', message, updatedAt: new Date() })
      .where(and(eq(syncPostings.storeHash, key.storeHash), eq(syncPostings.provider, key.provider), eq(syncPostings.orderId, key.orderId), inArray(syncPostings.key, [...postingKeys])));
  }

  return {
    async get(key: RecordKey): Promise<SyncRecordRow | null> {
      const query = preparedOnce(db, 'sync_records_get', (d, name) =>
        d
          .select()
          .from(syncRecords)
          .where(and(eq(syncRecords.storeHash, sql.placeholder('storeHash')), eq(syncRecords.orderId, sql.placeholder('orderId')), eq(syncRecords.provider, sql.placeholder('provider'))))
          .prepare(name),
      );
      const rows = await query.execute({ storeHash: key.storeHash, orderId: key.orderId, provider: key.provider });
      return (rows[0] as SyncRecordRow | undefined) ?? null;
    },

    /** Before the external call: the key the call will use is on record, so a retry finds what it created. */
    async markPending(key: RecordKey, input: { idempotencyKey: string; reason: string; message: string }, snapshot: OrderSnapshot) {
      await upsert(key, { state: 'pending', ...input }, snapshot, true);
    },

    async markPosted(
      key: RecordKey,
      input: {
        remoteId: string;
        remoteNumber: string;
        contentHash: string;
        document: Record<string, unknown>;
        message: string;
        documentVersion: number;
      },
    ) {
      await upsert(key, { state: 'posted', reason: null, postedAt: new Date(), ...input });
    },

    /** A problem the merchant can fix (missing mapping, validation) or a failure after the last retry. */
    async markFailed(key: RecordKey, input: { state: 'failed' | 'held'; reason: string; message: string }, snapshot?: OrderSnapshot) {
      await upsert(key, input, snapshot);
      // Someone has to act (or the connection is lost): the store's people are told (lib/notify).
      await recordNotification(db, key.storeHash, notificationOfFailure({ orderId: key.orderId, ...input }));
    },

    async markSkipped(key: RecordKey, input: { reason: string; message: string }, snapshot?: OrderSnapshot) {
      const existing = await this.get(key);
      // A skip never hides a document in the books; it only explains orders that are not in the books.
      if (existing?.remoteId && (existing.state === 'failed' || existing.state === 'held')) {
        await this.markSettled(key);
        if (snapshot) await upsert(key, { state: (await this.get(key))?.state ?? existing.state }, snapshot);
        return;
      }
      if (existing && existing.state !== 'skipped' && existing.state !== 'failed' && existing.state !== 'held') {
        if (snapshot) await upsert(key, { state: existing.state }, snapshot);
        return;
      }
      await upsert(key, { state: 'skipped', ...input }, snapshot);
    },

    async markSummarised(key: RecordKey, input: { document: Record<string, unknown>; contentHash: string; message: string }, snapshot: OrderSnapshot) {
      await upsert(key, { state: 'summarised', reason: 'in_daily_summary', ...input }, snapshot);
    },

    async markLocked(key: RecordKey) {
      await db.update(syncRecords).set({ locked: true, updatedAt: new Date() }).where(whereKey(key));
    },

    /** Back to `posted` (or `credited` after a cancellation's credit) once a later write succeeded. */
    async markSettled(key: RecordKey) {
      const cancelled = await db
        .select({ id: syncPostings.id })
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, key.storeHash), eq(syncPostings.provider, key.provider), eq(syncPostings.orderId, key.orderId), eq(syncPostings.kind, 'cancel_credit'), eq(syncPostings.state, 'posted')))
        .limit(1);
      await db
        .update(syncRecords)
        .set({ state: cancelled.length ? 'credited' : 'posted', reason: null, message: 'In the books; every change of the order is booked.', orderFingerprint: null, updatedAt: new Date() })
        .where(and(whereKey(key), inArray(syncRecords.state, ['failed', 'held', 'pending']), sql`${syncRecords.remoteId} is not null`));
    },

    async summaryDay(scope: { storeHash: StoreHash; provider: string }, day: string, created: { from: Date; to: Date }): Promise<{ kept: boolean; posted: boolean; closed: boolean }> {
      const rows = await db
        .select({ state: summaries.state, remoteId: summaries.remoteId, closedAt: summaries.closedAt })
        .from(summaries)
        .where(and(eq(summaries.storeHash, scope.storeHash), eq(summaries.provider, scope.provider), eq(summaries.day, day)));
      const [kept] = await db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        // Through the (store, order created) index: the orders created that day, one of them kept for a summary.
        .where(and(
          eq(syncRecords.storeHash, scope.storeHash), gte(syncRecords.orderDateCreated, created.from), lt(syncRecords.orderDateCreated, created.to),
          eq(syncRecords.provider, scope.provider), eq(syncRecords.state, 'summarised'), sql`${syncRecords.document}->>'date' = ${day}`,
        ))
        .limit(1);
      return { kept: kept !== undefined, posted: rows.some((r) => r.remoteId !== null), closed: rows.some((r) => r.closedAt !== null) };
    },

    async postings(key: RecordKey): Promise<Posting[]> {
      const rows = await db
        .select()
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, key.storeHash), eq(syncPostings.provider, key.provider), eq(syncPostings.orderId, key.orderId)))
        .orderBy(asc(syncPostings.id));
      return rows.map((r) => ({
        key: r.key, kind: r.kind as PostingKind, refundId: r.refundId, state: r.state as PostingState, remoteId: r.remoteId, number: r.number,
        amount: r.amount, tax: r.tax, detail: r.detail, message: r.message, createdAt: r.createdAt,
      }));
    },

    async beginPosting(
      key: RecordKey,
      posting: { key: string; kind: PostingKind; refundId?: number | null; amount?: string | null; tax?: string | null; detail?: Record<string, unknown> },
    ) {
      await db
        .insert(syncPostings)
        .values({
          storeHash: key.storeHash, orderId: key.orderId, provider: key.provider, key: posting.key, kind: posting.kind, refundId: posting.refundId ?? null,
          state: 'pending', amount: posting.amount ?? null, tax: posting.tax ?? null, detail: posting.detail ?? {},
        })
        .onConflictDoNothing();
    },

    async finishPosting(
      key: RecordKey,
      postingKey: string,
      outcome: { state: Exclude<PostingState, 'pending'>; remoteId?: string | null; number?: string | null; message?: string | null },
    ) {
      await db
        .update(syncPostings)
        .set({
          state: outcome.state,
          ...(outcome.remoteId !== undefined ? { remoteId: outcome.remoteId } : {}),
          ...(outcome.number !== undefined ? { number: outcome.number } : {}),
          message: outcome.message ?? null,
          updatedAt: new Date(),
        })
        .where(and(eq(syncPostings.storeHash, key.storeHash), eq(syncPostings.provider, key.provider), eq(syncPostings.key, postingKey)));
    },

    async markClosed(key: RecordKey, input: { state: 'voided' | 'credited'; message: string }) {
      await upsert(key, { state: input.state, message: input.message, reason: null });
    },

    async recordStatusWritten(key: RecordKey, statusId: number, orderFingerprint: string | null = null) {
      const now = new Date();
      await db
        .update(syncRecords)
        // The order's status as we know it is the one we wrote (its echo, recognised, updates nothing).
        .set({ writtenStatusId: statusId, statusWrittenAt: now, orderStatusId: statusId, orderFingerprint, updatedAt: now })
        .where(
          and(eq(syncRecords.storeHash, key.storeHash), eq(syncRecords.orderId, key.orderId), eq(syncRecords.provider, key.provider)),
        );
    },

    /** `once`: written only if the order's timeline has no event with that key yet (false when it had). */
    async addEvent(
      storeHash: StoreHash,
      orderId: number,
      kind: string,
      message: string,
      detail: Record<string, unknown> = {},
      options: { once?: string } = {},
    ): Promise<boolean> {
      const query = preparedOnce(db, 'sync_events_add', (d, name) =>
        d
          .insert(syncEvents)
          .values({
            storeHash: sql.placeholder('storeHash'), orderId: sql.placeholder('orderId'), kind: sql.placeholder('kind'), message: sql.placeholder('message'),
            detail: sql.placeholder('detail'), onceKey: sql.placeholder('onceKey'),
          })
          .onConflictDoNothing()
          .returning({ id: syncEvents.id })
          .prepare(name),
      );
      const inserted = await query.execute({ storeHash, orderId, kind, message, detail, onceKey: options.once ?? null });
      return inserted.length > 0;
    },

    /** The order's history: what the sync did, and every webhook BigCommerce sent about it, in time order. */
    async timeline(storeHash: StoreHash, orderId: number) {
      const events = await db
        .select({ kind: syncEvents.kind, message: syncEvents.message, detail: syncEvents.detail, at: syncEvents.at })
        .from(syncEvents)
        .where(and(eq(syncEvents.storeHash, storeHash), eq(syncEvents.orderId, orderId)))
        .orderBy(asc(syncEvents.at), asc(syncEvents.id));
      const deliveries = await db
        .select({ scope: webhookDeliveries.scope, at: webhookDeliveries.receivedAt })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.storeHash, storeHash),
            eq(webhookDeliveries.resourceId, orderId),
            like(webhookDeliveries.scope, 'store/order/%'),
          ),
        );
      const received = deliveries.map((d) => ({
        kind: 'webhook_received',
        message: `BigCommerce sent ${d.scope}.`,
        detail: { scope: d.scope } as Record<string, unknown>,
        at: d.at,
      }));
      return [...received, ...events].sort((a, b) => a.at.getTime() - b.at.getTime());
    },

    /** States of the given orders, for the sweep's comparison. */
    async statesOf(storeHash: StoreHash, provider: string, orderIds: readonly number[]): Promise<Map<number, { state: SyncState; orderDateModified: Date | null }>> {
      if (orderIds.length === 0) return new Map();
      const rows = await db
        .select({ orderId: syncRecords.orderId, state: syncRecords.state, orderDateModified: syncRecords.orderDateModified })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), inArray(syncRecords.orderId, [...orderIds])));
      return new Map(rows.map((r) => [r.orderId, { state: r.state as SyncState, orderDateModified: r.orderDateModified }]));
    },

    async countsByState(storeHash: StoreHash, since?: Date): Promise<Record<SyncState, number>> {
      const where: SQL[] = [eq(syncRecords.storeHash, storeHash)];
      if (since) where.push(gte(syncRecords.updatedAt, since));
      const rows = await db
        .select({ state: syncRecords.state, n: count() })
        .from(syncRecords)
        .where(and(...where))
        .groupBy(syncRecords.state);
      const counts = { pending: 0, posted: 0, failed: 0, held: 0, skipped: 0, voided: 0, credited: 0 } as Record<SyncState, number>;
      for (const row of rows) counts[row.state as SyncState] = Number(row.n);
      return counts;
    },

    /**
     * Repair of a document voided or deleted in the books (reconciliation read them): the record lets go of it and the
     * next posting takes the next document version, hence a new idempotency key. Its postings stay as history.
     */
    async forgetDocument(key: RecordKey, message: string, gonePostings: readonly string[] = []) {
      // One transaction: a run in between never sees the postings let go of while the record still names the lost document.
      await db.transaction(async (tx) => {
        await forgetPostings(key, gonePostings, message, tx);
        await tx
          .update(syncRecords)
          .set({
            state: 'failed', reason: 'gone_from_books', message, remoteId: null, remoteNumber: null, contentHash: null, document: null,
            locked: false, documentVersion: sql`${syncRecords.documentVersion} + 1`, orderFingerprint: null, updatedAt: new Date(),
          })
          .where(whereKey(key));
        await tx.insert(syncEvents).values({ storeHash: key.storeHash, orderId: key.orderId, kind: 'repair', message });
      });
    },

    /**
     * Repair: the books no longer hold what these postings wrote (a payment of a deleted invoice, a credit note voided
     * with it, its payout): they stay as history, `gone`, and no longer count as booked, so the write is made again under
     * a new key (lib/sync/plan-sync.ts).
     */
    forgetPostings: (key: RecordKey, postingKeys: readonly string[], message: string) => forgetPostings(key, postingKeys, message),

    /** Reconciliation: what our records say of these orders (read 1,000 at a time), only to say why one is not in the books. */
    async facts(storeHash: StoreHash, provider: string, orderIds: readonly number[]): Promise<RecordFact[]> {
      const out: RecordFact[] = [];
      for (let i = 0; i < orderIds.length; i += 1000) {
        const rows = await db
          .select({
            orderId: syncRecords.orderId, state: syncRecords.state, message: syncRecords.message,
            remoteId: syncRecords.remoteId, remoteNumber: syncRecords.remoteNumber, currency: syncRecords.currency,
          })
          .from(syncRecords)
          .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), inArray(syncRecords.orderId, orderIds.slice(i, i + 1000))));
        const credits = rows.length === 0 ? [] : await db
          .select({ orderId: syncPostings.orderId, refundId: syncPostings.refundId, remoteId: syncPostings.remoteId, number: syncPostings.number })
          .from(syncPostings)
          .where(and(
            eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'credit'), eq(syncPostings.state, 'posted'),
            inArray(syncPostings.orderId, orderIds.slice(i, i + 1000)),
          ));
        for (const r of rows) {
          const orderId = Number(r.orderId);
          out.push({
            ...r, orderId, state: r.state as SyncState,
            credits: credits.filter((c) => Number(c.orderId) === orderId && c.refundId !== null).map((c) => ({ refundId: Number(c.refundId), remoteId: c.remoteId, number: c.number })),
          });
        }
      }
      return out;
    },

    async recentProblems(storeHash: StoreHash, limit = 10) {
      return db
        .select({ orderId: syncRecords.orderId, state: syncRecords.state, message: syncRecords.message, updatedAt: syncRecords.updatedAt })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), inArray(syncRecords.state, ['failed', 'held'])))
        .orderBy(desc(syncRecords.updatedAt))
        .limit(limit);
    },

    /** The orders whose document in the books has this id (a webhook from the books names the document, not the order). */
    async ordersByRemoteId(storeHash: StoreHash, provider: string, remoteId: string): Promise<number[]> {
      const rows = await db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), sql`lower(${syncRecords.remoteId}) = ${remoteId.toLowerCase()}`));
      return rows.map((r) => r.orderId);
    },

    /**
     * A few posted orders (since `since`) whose document the books may have moved on (statuses.fromBooks), for the
     * sweep to read: not already given one of the final statuses, picked at random so that every sweep reads others.
     */
    async postedForBooksCheck(storeHash: StoreHash, provider: string, input: { since: Date; finalStatusIds: number[]; limit: number }): Promise<number[]> {
      const final = input.finalStatusIds.length > 0 ? sql`and (${syncRecords.writtenStatusId} is null or ${syncRecords.writtenStatusId} not in (${sql.join(input.finalStatusIds.map((id) => sql`${id}`), sql`, `)}))` : sql``;
      const rows = await db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(sql`${syncRecords.storeHash} = ${storeHash} and ${syncRecords.provider} = ${provider} and ${syncRecords.state} = 'posted' and ${syncRecords.remoteId} is not null and ${syncRecords.postedAt} >= ${input.since.toISOString()} ${final}`)
        .orderBy(sql`random()`)
        .limit(input.limit);
      return rows.map((r) => r.orderId);
    },

    /** Orders not in the books because of a problem (held or failed), for a retry after the cause is fixed. */
    async unpostedOrderIds(storeHash: StoreHash, limit = 10_000): Promise<number[]> {
      const rows = await db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), inArray(syncRecords.state, ['failed', 'held'])))
        .limit(limit);
      return rows.map((r) => r.orderId);
    },

    /** Of these refund ids, the ones whose credit is booked (or found covered by a cancellation). */
    async bookedRefundIds(storeHash: StoreHash, provider: string, refundIds: readonly number[]): Promise<Set<number>> {
      if (refundIds.length === 0) return new Set();
      const rows = await db
        .select({ refundId: syncPostings.refundId })
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.provider, provider), eq(syncPostings.kind, 'credit'), inArray(syncPostings.state, ['posted', 'skipped', 'summarised']), inArray(syncPostings.refundId, [...refundIds])));
      return new Set(rows.map((r) => r.refundId!).filter((id) => id !== null));
    },

    /** Records stuck in `pending` (a crash mid-post) older than `before`: the sweep retries them. */
    async stalePending(storeHash: StoreHash, before: Date, limit = 500): Promise<number[]> {
      const rows = await db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.state, 'pending'), lt(syncRecords.updatedAt, before)))
        .limit(limit);
      // A write after the document (a refund's credit or payout, a payment, an update) left pending by a crash.
      const postings = await db
        .selectDistinct({ orderId: syncPostings.orderId })
        .from(syncPostings)
        .where(and(eq(syncPostings.storeHash, storeHash), eq(syncPostings.state, 'pending'), lt(syncPostings.updatedAt, before)))
        .limit(limit);
      return [...new Set([...rows, ...postings].map((r) => r.orderId))];
    },
  };
}

export type SyncRecordRepo = ReturnType<typeof createSyncRecordRepo>;
