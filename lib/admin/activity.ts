/**
 * The activity table: the store's orders and their sync state, from the sync records, paginated and filtered in
 * one indexed query per page (plus one count). Every query is scoped by the session's store hash.
 *
 * Index use (db/schema/sync.ts): no state filter → sync_records_store_updated_idx (store_hash, updated_at) walked
 * backwards; a state filter → sync_records_store_state_updated_idx; an order id → the unique (store, order,
 * provider) index. Customer, amount and date filters are applied to the rows of the store the index yields.
 * "Refunded" is an EXISTS on sync_postings through sync_postings_store_order_idx (store_hash, order_id), per row
 * (or a semi-join, as Postgres chooses); the rows of a page are marked by one more query on that index.
 */
import { and, desc, eq, getTableName, ilike, inArray, not, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db';
import { syncPostings, syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';

export const SYNC_STATES = ['pending', 'posted', 'failed', 'held', 'skipped', 'voided', 'credited'] as const;
export type ActivityState = (typeof SYNC_STATES)[number];
/** Filter values: a state, or "problems" (failed + held). */
export const STATE_FILTERS = [...SYNC_STATES, 'problems'] as const;

const decimal = z.string().trim().regex(/^\d{1,12}(\.\d{1,4})?$/, 'Enter an amount such as 25 or 25.50');

export const activityQuerySchema = z
  .object({
    page: z.coerce.number().int('Page must be a whole number').min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().refine((n) => [10, 25, 50, 100].includes(n), 'Page size is 10, 25, 50 or 100').default(25),
    state: z.enum(STATE_FILTERS, 'Unknown state').optional(),
    /** Order date, inclusive, YYYY-MM-DD. */
    from: z.iso.date('Enter a date as YYYY-MM-DD').optional(),
    to: z.iso.date('Enter a date as YYYY-MM-DD').optional(),
    orderId: z.coerce.number().int('Order ids are whole numbers').positive('Order ids are positive').optional(),
    customer: z.string().trim().min(1).max(100).optional(),
    minAmount: decimal.optional(),
    maxAmount: decimal.optional(),
    /** `true`: orders with a refund booked or under way (a refund's credit note or money paid back); `false`: without. */
    refunded: z.enum(['true', 'false'], 'Refunded is true or false').transform((v) => v === 'true').optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The end date is before the start date' });

export type ActivityQuery = z.infer<typeof activityQuerySchema>;

/** Counting stops here (see listActivity). */
export const COUNT_CAP = 10_000;

export interface ActivityRow {
  orderId: number;
  state: ActivityState;
  reason: string | null;
  message: string | null;
  /** Decimal string as BigCommerce sent it (never a float). */
  total: string | null;
  currency: string | null;
  customer: string | null;
  orderStatusId: number | null;
  orderDate: string | null;
  documentNumber: string | null;
  attempts: number;
  updatedAt: string;
  /** A refund of the order is booked or under way (see `refunded` in the query). */
  refunded: boolean;
}

export interface ActivityPage {
  rows: ActivityRow[];
  /** Exact up to COUNT_CAP; beyond it the count stops (totalIsExact false) so a large store's first page stays fast. */
  total: number;
  totalIsExact: boolean;
  page: number;
  pageSize: number;
  pages: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `"sync_records"."<column>"`, qualified, so the subquery below never takes the outer row's columns for its own. */
const outer = (column: { name: string }) => sql`${sql.identifier(getTableName(syncRecords))}.${sql.identifier(column.name)}`;

/** A posting that books a refund: a refund's credit note, or money paid back. */
const refundPosting = sql`((${syncPostings.kind} = 'credit' and ${syncPostings.refundId} is not null) or ${syncPostings.kind} = 'payout')`;

/**
 * The order has a refund in the books (or on its way there), under the record's own store, order and provider.
 * Correlated on the outer row: Postgres walks the page's index and probes sync_postings_store_order_idx per row
 * (a nested-loop semi-join), or hashes the store's refund postings when it counts many.
 */
const hasRefund = sql<boolean>`exists (select 1 from ${syncPostings} where ${syncPostings.storeHash} = ${outer(syncRecords.storeHash)} and ${syncPostings.orderId} = ${outer(syncRecords.orderId)} and ${syncPostings.provider} = ${outer(syncRecords.provider)} and ${refundPosting})`;

/**
 * Which of a page's orders have a refund: one indexed query on (store_hash, order_id) for the page's ids. (The same
 * EXISTS in the page's select list made Postgres hash every refund posting of the database for each page.)
 */
async function refundedOf(db: Db, storeHash: StoreHash, rows: ReadonlyArray<{ orderId: number; provider: string }>): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const found = await db
    .selectDistinct({ orderId: syncPostings.orderId, provider: syncPostings.provider })
    .from(syncPostings)
    .where(and(eq(syncPostings.storeHash, storeHash), inArray(syncPostings.orderId, [...new Set(rows.map((r) => r.orderId))]), refundPosting));
  return new Set(found.map((f) => `${f.orderId}:${f.provider}`));
}

function conditions(storeHash: StoreHash, q: ActivityQuery, provider?: string): SQL[] {
  const where: SQL[] = [eq(syncRecords.storeHash, storeHash)];
  if (provider) where.push(eq(syncRecords.provider, provider));
  if (q.state === 'problems') where.push(inArray(syncRecords.state, ['failed', 'held']));
  else if (q.state) where.push(eq(syncRecords.state, q.state));
  if (q.orderId !== undefined) where.push(eq(syncRecords.orderId, q.orderId));
  if (q.customer) where.push(ilike(syncRecords.customerName, `%${escapeLike(q.customer)}%`));
  // Order date in UTC; records written without the order (a job that gave up) fall back to when we first saw it.
  const orderDate = sql`coalesce(${syncRecords.orderDateCreated}, ${syncRecords.createdAt})`;
  // Bound as text with a cast: a Date inside raw sql is not serialised by every driver (postgres.js refuses it).
  if (q.from) where.push(sql`${orderDate} >= ${`${q.from}T00:00:00Z`}::timestamptz`);
  if (q.to) where.push(sql`${orderDate} < (${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day')`);
  // order_total holds BigCommerce's decimal string; the comparison is done by Postgres in numeric, not in JS.
  if (q.minAmount) where.push(sql`${syncRecords.orderTotal}::numeric >= ${q.minAmount}::numeric`);
  if (q.maxAmount) where.push(sql`${syncRecords.orderTotal}::numeric <= ${q.maxAmount}::numeric`);
  if (q.refunded === true) where.push(hasRefund);
  else if (q.refunded === false) where.push(not(hasRefund));
  return where;
}

/** One page of the table. `provider` limits it to the store's current accounting system (a store that switched keeps both). */
export async function listActivity(
  db: Db,
  storeHash: StoreHash,
  q: ActivityQuery,
  provider?: string,
  options: { countCap?: number } = {},
): Promise<ActivityPage> {
  const cap = options.countCap ?? COUNT_CAP;
  const where = and(...conditions(storeHash, q, provider));
  const [rows, counted] = await Promise.all([
    db
      .select({
        orderId: syncRecords.orderId,
        state: syncRecords.state,
        reason: syncRecords.reason,
        message: syncRecords.message,
        total: syncRecords.orderTotal,
        currency: syncRecords.currency,
        customer: syncRecords.customerName,
        orderStatusId: syncRecords.orderStatusId,
        orderDate: syncRecords.orderDateCreated,
        documentNumber: syncRecords.remoteNumber,
        attempts: syncRecords.attempts,
        updatedAt: syncRecords.updatedAt,
        provider: syncRecords.provider,
      })
      .from(syncRecords)
      .where(where)
      .orderBy(desc(syncRecords.updatedAt), desc(syncRecords.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    // Count at most COUNT_CAP + 1 rows: exact for any filtered view a merchant pages through, bounded for the rest.
    db.execute<{ n: string | number }>(sql`select count(*) as n from (select 1 from ${syncRecords} where ${where} limit ${cap + 1}) as capped`),
  ]);
  const refunded = q.refunded === true ? null : await refundedOf(db, storeHash, rows);
  const countRows = Array.isArray(counted) ? counted : ((counted as { rows?: Array<{ n: string | number }> }).rows ?? []);
  const capped = Number(countRows[0]?.n ?? 0);
  const totalIsExact = capped <= cap;
  // Past the cap, the total is at least what the requested page proves exists.
  const total = totalIsExact ? capped : Math.max(cap, (q.page - 1) * q.pageSize + rows.length);
  return {
    totalIsExact,
    rows: rows.map(({ provider: recordProvider, ...r }) => ({
      ...r,
      state: r.state as ActivityState,
      // Every row of the "refunded" filter has one; otherwise the page's own lookup says.
      refunded: refunded === null || refunded.has(`${r.orderId}:${recordProvider}`),
      orderDate: r.orderDate ? r.orderDate.toISOString() : null,
      updatedAt: r.updatedAt.toISOString(),
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
    pages: Math.max(1, Math.ceil(total / q.pageSize) + (totalIsExact ? 0 : 1)),
  };
}

/** Which of these orders have a record in the given states (for "retry failed" on a selection). */
export async function ordersInStates(
  db: Db,
  storeHash: StoreHash,
  states: readonly ActivityState[],
  options: { orderIds?: readonly number[]; provider?: string; limit?: number } = {},
): Promise<number[]> {
  const { orderIds, provider, limit = 500 } = options;
  const where: SQL[] = [eq(syncRecords.storeHash, storeHash), inArray(syncRecords.state, [...states])];
  if (provider) where.push(eq(syncRecords.provider, provider));
  if (orderIds) {
    if (orderIds.length === 0) return [];
    where.push(inArray(syncRecords.orderId, [...orderIds]));
  }
  const rows = await db
    .select({ orderId: syncRecords.orderId })
    .from(syncRecords)
    .where(and(...where))
    .orderBy(desc(syncRecords.updatedAt))
    .limit(limit);
  return [...new Set(rows.map((r) => r.orderId))];
}
