import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { mailSlots, mailSuppressions, notificationPreferences, notifications, storeUsers, stores, syncRecords, users } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { NOTIFICATION_KINDS, type NewNotification, type NotificationKind } from '@/lib/notify/kinds';

export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  orderId: number | null;
  title: string;
  message: string;
  detail: Record<string, unknown>;
  createdAt: Date;
  lastAt: Date;
  readAt: Date | null;
}

export interface Recipient {
  userId: number;
  email: string;
  username: string | null;
  isOwner: boolean;
  alertKinds: NotificationKind[];
  digest: boolean;
  /** Whether the user chose (a preferences row) or the default applies (owner: everything; others: nothing). */
  chosen: boolean;
  /** The address bounced (refused when sent, or a later DSN's permanent failure): nothing is sent to it. */
  bounced: { reason: string; at: Date } | null;
  /** A mail came back once with a notice that did not say whether for good (lib/notify/bounces.ts): mail is still sent. */
  undeterminedBounce: { reason: string; at: Date } | null;
}

/**
 * An undetermined bounce is kept in mail_suppressions under a reason with this mark, and stops nothing: a row without
 * it is a suppression. (A `state` column would say it better; it needs a migration of its own.)
 */
export const UNDETERMINED_BOUNCE_MARK = 'Undetermined bounce: ';
const isUndetermined = (reason: string) => reason.startsWith(UNDETERMINED_BOUNCE_MARK);

const columns = {
  id: notifications.id,
  kind: notifications.kind,
  orderId: notifications.orderId,
  title: notifications.title,
  message: notifications.message,
  detail: notifications.detail,
  createdAt: notifications.createdAt,
  lastAt: notifications.lastAt,
  readAt: notifications.readAt,
};

/**
 * Records a notification for a store, where the thing happens (the sync records' failures, a backfill's end, a
 * refused stock level): one row per dedupe key, reopened (unread, to be emailed again) when it happens again after
 * it was read; while unread, a repeat changes nothing but its time and message.
 */
export async function recordNotification(db: Db, storeHash: StoreHash | string, n: NewNotification): Promise<void> {
  const now = new Date();
  await db
    .insert(notifications)
    .values({ storeHash, kind: n.kind, dedupeKey: n.dedupeKey, orderId: n.orderId ?? null, title: n.title, message: n.message, detail: n.detail ?? {}, createdAt: now, lastAt: now })
    .onConflictDoUpdate({
      target: [notifications.storeHash, notifications.dedupeKey],
      set: {
        title: sql`excluded.title`,
        message: sql`excluded.message`,
        detail: sql`excluded.detail`,
        lastAt: now,
        readAt: null,
        emailedAt: sql`case when ${notifications.readAt} is null then ${notifications.emailedAt} else null end`,
      },
    });
}

const DEFAULT_OWNER_KINDS = [...NOTIFICATION_KINDS];

/** Notifications, their email recipients and choices, bounced addresses and the mail throttle. Store-scoped. */
export function createNotificationRepo({ db }: { db: Db }) {
  return {
    record: (storeHash: StoreHash, n: NewNotification) => recordNotification(db, storeHash, n),

    /** The store's notifications, newest first. */
    async list(storeHash: StoreHash, options: { limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationRow[]> {
      const rows = await db
        .select(columns)
        .from(notifications)
        .where(and(eq(notifications.storeHash, storeHash), options.unreadOnly ? isNull(notifications.readAt) : undefined))
        .orderBy(desc(notifications.lastAt), desc(notifications.id))
        .limit(Math.min(options.limit ?? 50, 200));
      return rows as NotificationRow[];
    },

    async storeName(storeHash: StoreHash): Promise<string | null> {
      const [row] = await db.select({ name: stores.storeName }).from(stores).where(eq(stores.storeHash, storeHash));
      return row?.name ?? null;
    },

    async unreadCount(storeHash: StoreHash): Promise<number> {
      const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.storeHash, storeHash), isNull(notifications.readAt)));
      return Number(row?.n ?? 0);
    },

    /** Marks the given notifications (or all) read; ids of another store's notifications change nothing. */
    async markRead(storeHash: StoreHash, ids: readonly number[] | 'all'): Promise<number> {
      if (ids !== 'all' && ids.length === 0) return 0;
      const rows = await db
        .update(notifications)
        .set({ readAt: new Date() })
        .where(and(eq(notifications.storeHash, storeHash), isNull(notifications.readAt), ids === 'all' ? undefined : inArray(notifications.id, ids as number[])))
        .returning({ id: notifications.id });
      return rows.length;
    },

    /** Notifications of a kind no alert email has listed yet, oldest first. */
    async unemailed(storeHash: StoreHash, kind: NotificationKind, limit = 200): Promise<NotificationRow[]> {
      const rows = await db
        .select(columns)
        .from(notifications)
        .where(and(eq(notifications.storeHash, storeHash), eq(notifications.kind, kind), isNull(notifications.emailedAt)))
        .orderBy(asc(notifications.lastAt), asc(notifications.id))
        .limit(limit);
      return rows as NotificationRow[];
    },

    /** Every (installed store, kind) with notifications waiting for an alert email. */
    async pendingAlerts(): Promise<Array<{ storeHash: StoreHash; kind: NotificationKind }>> {
      const rows = await db
        .selectDistinct({ storeHash: notifications.storeHash, kind: notifications.kind })
        .from(notifications)
        .innerJoin(stores, eq(stores.storeHash, notifications.storeHash))
        .where(and(isNull(notifications.emailedAt), isNull(stores.uninstalledAt)));
      return rows as Array<{ storeHash: StoreHash; kind: NotificationKind }>;
    },

    async markEmailed(storeHash: StoreHash, ids: readonly number[]): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(notifications)
        .set({ emailedAt: new Date() })
        .where(and(eq(notifications.storeHash, storeHash), inArray(notifications.id, ids as number[])));
    },

    /** Claims a mail slot (`alert:<kind>:<hour>`, `digest:<date>`): true for the one caller that may send in it. */
    async claimSlot(storeHash: StoreHash, slot: string): Promise<boolean> {
      const rows = await db.insert(mailSlots).values({ storeHash, slot }).onConflictDoNothing().returning({ slot: mailSlots.slot });
      return rows.length === 1;
    },

    /** Gives a slot back (the send failed before any mail left), so a later run may send. */
    async releaseSlot(storeHash: StoreHash, slot: string): Promise<void> {
      await db.delete(mailSlots).where(and(eq(mailSlots.storeHash, storeHash), eq(mailSlots.slot, slot)));
    },

    /** The store's users with their email choices (the owner gets everything unless they chose otherwise). */
    async recipients(storeHash: StoreHash): Promise<Recipient[]> {
      const rows = await db
        .select({
          userId: storeUsers.userId,
          isOwner: storeUsers.isOwner,
          email: users.email,
          username: users.username,
          alertKinds: notificationPreferences.alertKinds,
          digest: notificationPreferences.digest,
          bouncedReason: mailSuppressions.reason,
          bouncedAt: mailSuppressions.at,
        })
        .from(storeUsers)
        .innerJoin(users, eq(users.id, storeUsers.userId))
        .leftJoin(notificationPreferences, and(eq(notificationPreferences.storeHash, storeUsers.storeHash), eq(notificationPreferences.userId, storeUsers.userId)))
        .leftJoin(mailSuppressions, eq(mailSuppressions.email, sql`lower(${users.email})`))
        .where(eq(storeUsers.storeHash, storeHash))
        .orderBy(desc(storeUsers.isOwner), asc(storeUsers.userId));
      return rows.map((r) => {
        const chosen = r.alertKinds !== null;
        return {
          userId: r.userId,
          email: r.email,
          username: r.username,
          isOwner: r.isOwner,
          chosen,
          alertKinds: (chosen ? r.alertKinds! : r.isOwner ? DEFAULT_OWNER_KINDS : []).filter((k): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k)),
          digest: chosen ? Boolean(r.digest) : r.isOwner,
          bounced: r.bouncedReason && !isUndetermined(r.bouncedReason) ? { reason: r.bouncedReason, at: r.bouncedAt! } : null,
          undeterminedBounce: r.bouncedReason && isUndetermined(r.bouncedReason) ? { reason: r.bouncedReason.slice(UNDETERMINED_BOUNCE_MARK.length), at: r.bouncedAt! } : null,
        };
      });
    },

    /** Saves a user's choices; false when the user is not one of the store's users. */
    async setPreferences(storeHash: StoreHash, userId: number, input: { alertKinds: readonly NotificationKind[]; digest: boolean }): Promise<boolean> {
      const [member] = await db.select({ userId: storeUsers.userId }).from(storeUsers).where(and(eq(storeUsers.storeHash, storeHash), eq(storeUsers.userId, userId)));
      if (!member) return false;
      const values = { storeHash, userId, alertKinds: [...new Set(input.alertKinds)], digest: input.digest, updatedAt: new Date() };
      await db
        .insert(notificationPreferences)
        .values(values)
        .onConflictDoUpdate({ target: [notificationPreferences.storeHash, notificationPreferences.userId], set: { alertKinds: values.alertKinds, digest: values.digest, updatedAt: values.updatedAt } });
      return true;
    },

    /** One-click unsubscribe: from the digest, one kind of alert, or everything. */
    async unsubscribe(storeHash: StoreHash, userId: number, scope: 'all' | 'digest' | NotificationKind): Promise<boolean> {
      const current = (await this.recipients(storeHash)).find((r) => r.userId === userId);
      if (!current) return false;
      const alertKinds = scope === 'all' ? [] : scope === 'digest' ? current.alertKinds : current.alertKinds.filter((k) => k !== scope);
      const digest = scope === 'all' || scope === 'digest' ? false : current.digest;
      return this.setPreferences(storeHash, userId, { alertKinds, digest });
    },

    /** The address bounced (refused at send, or reported failed by a DSN, lib/notify/bounces.ts): no more mail to it. */
    async suppress(email: string, reason: string): Promise<void> {
      await db
        .insert(mailSuppressions)
        .values({ email: email.toLowerCase(), reason: reason.slice(0, 500) })
        .onConflictDoUpdate({ target: mailSuppressions.email, set: { reason: reason.slice(0, 500), at: new Date() } });
    },

    /**
     * A bounce that did not say whether it is for good: the first is recorded (mail still sent, the app says so); the
     * second suppresses the address. An address suppressed already stays as it is. One statement, so two notices
     * arriving at once count twice.
     */
    async undeterminedBounce(email: string, reason: string): Promise<'recorded' | 'suppressed'> {
      const first = `${UNDETERMINED_BOUNCE_MARK}${reason}`.slice(0, 500);
      const second = `Bounced twice without saying whether for good; the last: ${reason}`.slice(0, 500);
      const [row] = await db
        .insert(mailSuppressions)
        .values({ email: email.toLowerCase(), reason: first })
        .onConflictDoUpdate({
          target: mailSuppressions.email,
          set: {
            reason: sql`case when starts_with(${mailSuppressions.reason}, ${UNDETERMINED_BOUNCE_MARK}) then ${second} else ${mailSuppressions.reason} end`,
            at: sql`case when starts_with(${mailSuppressions.reason}, ${UNDETERMINED_BOUNCE_MARK}) then now() else ${mailSuppressions.at} end`,
          },
        })
        .returning({ reason: mailSuppressions.reason });
      return row && isUndetermined(row.reason) ? 'recorded' : 'suppressed';
    },

    /** Every address mail may be sent to (the stores' users), lower-cased: the bounce route finds a VERP tag's among them. */
    async knownAddresses(): Promise<string[]> {
      const rows = await db.selectDistinct({ email: sql<string>`lower(${users.email})` }).from(users).innerJoin(storeUsers, eq(storeUsers.userId, users.id));
      return rows.map((r) => r.email).filter(Boolean);
    },

    /**
     * The digest's figures for [from, to): documents posted in the window by currency, and the orders that failed or
     * are held, last touched in the window, with their reasons. Read from the store's own sync records.
     */
    async digestFigures(storeHash: StoreHash, provider: string, from: Date, to: Date) {
      const posted = await db
        .select({ currency: syncRecords.currency, orders: count(), total: sql<string>`coalesce(sum(${syncRecords.orderTotal}::numeric), 0)::text` })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, provider), gte(syncRecords.postedAt, from), lt(syncRecords.postedAt, to)))
        .groupBy(syncRecords.currency)
        .orderBy(syncRecords.currency);
      const problems = await db
        .select({ orderId: syncRecords.orderId, state: syncRecords.state, reason: syncRecords.reason, message: syncRecords.message })
        .from(syncRecords)
        .where(
          and(
            eq(syncRecords.storeHash, storeHash),
            eq(syncRecords.provider, provider),
            inArray(syncRecords.state, ['failed', 'held']),
            gte(syncRecords.updatedAt, from),
            lt(syncRecords.updatedAt, to),
          ),
        )
        .orderBy(asc(syncRecords.orderId))
        .limit(500);
      return {
        posted: posted.map((p) => ({ currency: p.currency ?? '', orders: Number(p.orders), total: p.total })),
        problems: problems.map((p) => ({ orderId: p.orderId, state: p.state as 'failed' | 'held', reason: p.reason ?? '', message: p.message ?? '' })),
      };
    },
  };
}

export type NotificationRepo = ReturnType<typeof createNotificationRepo>;
