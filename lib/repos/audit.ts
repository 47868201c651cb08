import { desc, eq } from 'drizzle-orm';
import type { Db } from '@/db';
import { auditLog } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';

export interface AuditEntry {
  action: string;
  actorUserId: number | null;
  detail: Record<string, unknown>;
  at: Date;
}

/** Reads are always scoped by the store hash of the caller's session: there is no unscoped read. */
export function createAuditRepo({ db }: { db: Db }) {
  return {
    async append(storeHash: StoreHash, action: string, actorUserId: number | null, detail: Record<string, unknown> = {}) {
      await db.insert(auditLog).values({ storeHash, action, actorUserId, detail });
    },
    async recent(storeHash: StoreHash, limit = 50): Promise<AuditEntry[]> {
      return db
        .select({ action: auditLog.action, actorUserId: auditLog.actorUserId, detail: auditLog.detail, at: auditLog.at })
        .from(auditLog)
        .where(eq(auditLog.storeHash, storeHash))
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(limit);
    },
  };
}
