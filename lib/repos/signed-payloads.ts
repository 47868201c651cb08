import { lt } from 'drizzle-orm';
import type { Db } from '@/db';
import { signedPayloadUses } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';

/** Which callback consumed it; `oauth_state:<provider>` for an accounting system's connection request. */
export type SignedPayloadCallback = 'load' | 'uninstall' | 'remove_user' | `oauth_state:${string}`;

/**
 * BigCommerce's signed payloads made single use: each accepted `jti` is kept until the payload expires (after
 * that the signature check refuses it anyway), and expired entries are pruned as new ones arrive.
 */
export function createSignedPayloadRepo({ db }: { db: Db }) {
  return {
    /** Records the payload as used; false when its `jti` was used before (a replay). Atomic: two racing uses, one wins. */
    async consume(input: { jti: string; storeHash: StoreHash; callback: SignedPayloadCallback; expiresAt: Date }): Promise<boolean> {
      const inserted = await db
        .insert(signedPayloadUses)
        .values(input)
        .onConflictDoNothing({ target: signedPayloadUses.jti })
        .returning({ jti: signedPayloadUses.jti });
      await this.prune();
      return inserted.length > 0;
    },

    /** Deletes the entries whose payloads have expired (a grace minute past `exp`, the verifier's clock skew). */
    async prune(now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - 60_000);
      const removed = await db.delete(signedPayloadUses).where(lt(signedPayloadUses.expiresAt, cutoff)).returning({ jti: signedPayloadUses.jti });
      return removed.length;
    },
  };
}

export type SignedPayloadRepo = ReturnType<typeof createSignedPayloadRepo>;
