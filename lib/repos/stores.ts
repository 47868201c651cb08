import { and, asc, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { auditLog, storeUsers, stores, users } from '@/db/schema';
import { decryptSecret, encryptSecret, randomSecret, type EncryptionKeys } from '@/lib/crypto';
import type { StoreHash } from '@/lib/ids';
import { noResealCounts, resealRow, stillSealedAs, type ResealCounts } from './reseal';

export interface StoreRepoDeps {
  db: Db;
  /** The token key (a hex string) or the key ring (current and previous keys, lib/crypto.ts). */
  encryptionKey: EncryptionKeys;
}

export interface InstalledStore {
  storeHash: StoreHash;
  scope: string;
  ownerBcUserId: number | null;
  /** Who installed the app last (null for stores installed before this was recorded). */
  installerBcUserId: number | null;
  /** Raised by each uninstall; sessions carry it (lib/session.ts). */
  installGeneration: number;
  planLevel: string | null;
  currency: string | null;
  storeName: string | null;
  installedAt: Date;
}

export interface BcUser {
  id: number;
  email: string;
  username?: string | null;
  locale?: string | null;
}

/** Associated data for a store's access token: the ciphertext only decrypts on its own store's row. */
const tokenAad = (storeHash: string) => `stores/${storeHash}/access_token`;
const webhookSecretAad = (storeHash: string) => `stores/${storeHash}/webhook_secret`;

export function createStoreRepo({ db, encryptionKey }: StoreRepoDeps) {
  async function upsertUser(tx: Db, user: BcUser) {
    await tx
      .insert(users)
      .values({ id: user.id, email: user.email, username: user.username ?? null, locale: user.locale ?? null })
      .onConflictDoUpdate({
        target: users.id,
        set: {
          email: user.email,
          // Keep what we knew when a later payload leaves a field out.
          username: sql`coalesce(excluded.username, ${users.username})`,
          locale: sql`coalesce(excluded.locale, ${users.locale})`,
          updatedAt: new Date(),
        },
      });
  }

  return {
    /** Install or re-install: the new token replaces the old one; the owner is (re)linked as owner. */
    async recordInstall(input: {
      storeHash: StoreHash;
      accessToken: string;
      scope: string;
      accountUuid: string | null;
      owner: BcUser;
      installer: BcUser;
    }): Promise<{ reinstall: boolean; generation: number }> {
      const sealed = encryptSecret(input.accessToken, encryptionKey, tokenAad(input.storeHash));
      return db.transaction(async (tx) => {
        const existing = await tx
          .select({ id: stores.id, uninstalledAt: stores.uninstalledAt, webhookSecretEnc: stores.webhookSecretEnc })
          .from(stores)
          .where(eq(stores.storeHash, input.storeHash));
        // A re-install keeps the webhook secret its registered hooks already send; a new install gets a new one.
        const webhookSecretEnc =
          existing[0]?.webhookSecretEnc ??
          encryptSecret(randomSecret(), encryptionKey, webhookSecretAad(input.storeHash));
        const now = new Date();
        const [written] = await tx
          .insert(stores)
          .values({
            storeHash: input.storeHash,
            accessTokenEnc: sealed,
            webhookSecretEnc,
            scope: input.scope,
            accountUuid: input.accountUuid,
            ownerBcUserId: input.owner.id,
            installerBcUserId: input.installer.id,
            installedAt: now,
          })
          .onConflictDoUpdate({
            target: stores.storeHash,
            set: {
              accessTokenEnc: sealed,
              webhookSecretEnc,
              scope: input.scope,
              accountUuid: input.accountUuid,
              ownerBcUserId: input.owner.id,
              installerBcUserId: input.installer.id,
              installedAt: now,
              uninstalledAt: null,
              updatedAt: now,
            },
          })
          .returning({ generation: stores.installGeneration });
        for (const user of dedupeUsers([input.owner, input.installer])) {
          await upsertUser(tx as unknown as Db, user);
          await tx
            .insert(storeUsers)
            .values({ storeHash: input.storeHash, userId: user.id, isOwner: user.id === input.owner.id })
            .onConflictDoUpdate({
              target: [storeUsers.storeHash, storeUsers.userId],
              set: { isOwner: user.id === input.owner.id },
            });
        }
        const reinstall = existing.length > 0;
        await tx.insert(auditLog).values({
          storeHash: input.storeHash,
          actorUserId: input.installer.id,
          action: reinstall ? 'store.reinstalled' : 'store.installed',
          detail: { scope: input.scope },
        });
        return { reinstall, generation: written!.generation };
      });
    },

    async updateStoreInfo(
      storeHash: StoreHash,
      info: { planLevel: string | null; currency: string | null; decimalPlaces: number | null; storeName: string | null },
    ): Promise<void> {
      await db
        .update(stores)
        .set({ ...info, updatedAt: new Date() })
        .where(eq(stores.storeHash, storeHash));
    },

    /** The store if it is currently installed; null when unknown or uninstalled. */
    async findInstalled(storeHash: string): Promise<InstalledStore | null> {
      const rows = await db
        .select()
        .from(stores)
        .where(and(eq(stores.storeHash, storeHash), isNull(stores.uninstalledAt)));
      const row = rows[0];
      if (!row || !row.accessTokenEnc) return null;
      return {
        storeHash: row.storeHash as StoreHash,
        scope: row.scope,
        ownerBcUserId: row.ownerBcUserId,
        installerBcUserId: row.installerBcUserId,
        installGeneration: row.installGeneration,
        planLevel: row.planLevel,
        currency: row.currency,
        storeName: row.storeName,
        installedAt: row.installedAt,
      };
    },

    /** The access token from its ciphertext (as read with the store's sync state, lib/repos/store-state.ts). */
    openAccessToken(storeHash: StoreHash, sealed: string): string {
      return decryptSecret(sealed, encryptionKey, tokenAad(storeHash));
    },

    /** Decrypted access token of an installed store, for the BigCommerce client only. */
    async accessToken(storeHash: StoreHash): Promise<string | null> {
      const rows = await db
        .select({ sealed: stores.accessTokenEnc })
        .from(stores)
        .where(and(eq(stores.storeHash, storeHash), isNull(stores.uninstalledAt)));
      const sealed = rows[0]?.sealed;
      return sealed ? decryptSecret(sealed, encryptionKey, tokenAad(storeHash)) : null;
    },

    /** The secret header value this store's webhooks carry; null when the store is unknown or uninstalled. */
    async webhookSecret(storeHash: string): Promise<string | null> {
      return (await this.webhookSecretSealed(storeHash))?.secret ?? null;
    },

    /** The webhook secret with its ciphertext (which identifies the secret's version for the receiver). */
    async webhookSecretSealed(storeHash: string): Promise<{ secret: string; sealed: string } | null> {
      const rows = await db
        .select({ sealed: stores.webhookSecretEnc })
        .from(stores)
        .where(and(eq(stores.storeHash, storeHash), isNull(stores.uninstalledAt)));
      const sealed = rows[0]?.sealed;
      return sealed ? { secret: decryptSecret(sealed, encryptionKey, webhookSecretAad(storeHash)), sealed } : null;
    },

    /** Adds a user to an installed store (load callback). Returns true when the user was new to the store. */
    async addUser(storeHash: StoreHash, user: BcUser): Promise<boolean> {
      return db.transaction(async (tx) => {
        await upsertUser(tx as unknown as Db, user);
        const inserted = await tx
          .insert(storeUsers)
          .values({ storeHash, userId: user.id, isOwner: false })
          .onConflictDoNothing()
          .returning({ userId: storeUsers.userId });
        if (inserted.length > 0) {
          await tx.insert(auditLog).values({ storeHash, actorUserId: user.id, action: 'user.added', detail: {} });
        }
        return inserted.length > 0;
      });
    },

    async isUserOfStore(storeHash: string, userId: number): Promise<boolean> {
      const rows = await db
        .select({ userId: storeUsers.userId })
        .from(storeUsers)
        .where(and(eq(storeUsers.storeHash, storeHash), eq(storeUsers.userId, userId)));
      return rows.length > 0;
    },

    /** Was this user removed from the store (remove_user) at or after `since`? Read from the audit trail. */
    async userRemovedSince(storeHash: StoreHash, userId: number, since: Date): Promise<boolean> {
      const rows = await db
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.storeHash, storeHash),
            gte(auditLog.at, since),
            eq(auditLog.action, 'user.removed'),
            sql`(${auditLog.detail}->>'userId')::bigint = ${userId}`,
          ),
        )
        .limit(1);
      return rows.length > 0;
    },

    async removeUser(storeHash: StoreHash, userId: number, actorUserId: number | null): Promise<boolean> {
      return db.transaction(async (tx) => {
        const removed = await tx
          .delete(storeUsers)
          .where(and(eq(storeUsers.storeHash, storeHash), eq(storeUsers.userId, userId)))
          .returning({ userId: storeUsers.userId });
        // Written even for a user who never opened the app: the entry is what refuses their older load payloads
        // (userRemovedSince).
        await tx
          .insert(auditLog)
          .values({ storeHash, actorUserId, action: 'user.removed', detail: { userId, wasMember: removed.length > 0 } });
        return removed.length > 0;
      });
    },

    /**
     * Re-seals every store's access token and webhook secret under the current key, `batchSize` rows at a time
     * (installed and uninstalled stores alike: a reinstall keeps the webhook secret). Idempotent: values already
     * under the current key are left as they are. A row whose values changed since they were read is left alone
     * and counted (`changedMeanwhile`).
     */
    async resealAll(options: { batchSize?: number } = {}): Promise<ResealCounts> {
      const batchSize = options.batchSize ?? 200;
      const counts = noResealCounts();
      let after = '';
      for (;;) {
        const rows = await db
          .select({ storeHash: stores.storeHash, accessTokenEnc: stores.accessTokenEnc, webhookSecretEnc: stores.webhookSecretEnc })
          .from(stores)
          .where(gt(stores.storeHash, after))
          .orderBy(asc(stores.storeHash))
          .limit(batchSize);
        if (rows.length === 0) return counts;
        for (const row of rows) {
          counts.rows += 1;
          const { next, values, resealed } = resealRow(encryptionKey, `store ${row.storeHash}`, [
            { name: 'accessTokenEnc', sealed: row.accessTokenEnc, associatedData: tokenAad(row.storeHash) },
            { name: 'webhookSecretEnc', sealed: row.webhookSecretEnc, associatedData: webhookSecretAad(row.storeHash) },
          ]);
          counts.values += values;
          counts.current += values - resealed;
          if (resealed === 0) continue;
          const updated = await db
            .update(stores)
            .set(next)
            .where(
              and(
                eq(stores.storeHash, row.storeHash),
                stillSealedAs(stores.accessTokenEnc, row.accessTokenEnc),
                stillSealedAs(stores.webhookSecretEnc, row.webhookSecretEnc),
              ),
            )
            .returning({ storeHash: stores.storeHash });
          if (updated.length > 0) counts.resealed += resealed;
          else counts.changedMeanwhile += 1;
        }
        after = rows[rows.length - 1]!.storeHash;
      }
    },

    /**
     * Uninstall: the token and every secret are deleted (not just flagged), users lose access, the row and the
     * audit trail stay. Idempotent: a second call changes nothing and reports `alreadyUninstalled`.
     */
    async recordUninstall(
      storeHash: StoreHash,
      actorUserId: number | null,
    ): Promise<{ known: boolean; alreadyUninstalled: boolean }> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({ uninstalledAt: stores.uninstalledAt })
          .from(stores)
          .where(eq(stores.storeHash, storeHash));
        const row = rows[0];
        if (!row) return { known: false, alreadyUninstalled: false };
        if (row.uninstalledAt) return { known: true, alreadyUninstalled: true };
        const now = new Date();
        await tx
          .update(stores)
          // A new generation: sessions issued before this uninstall stay refused after a reinstall.
          .set({
            accessTokenEnc: null,
            webhookSecretEnc: null,
            uninstalledAt: now,
            updatedAt: now,
            installGeneration: sql`${stores.installGeneration} + 1`,
          })
          .where(eq(stores.storeHash, storeHash));
        await tx.delete(storeUsers).where(eq(storeUsers.storeHash, storeHash));
        await tx.insert(auditLog).values({ storeHash, actorUserId, action: 'store.uninstalled', detail: {} });
        return { known: true, alreadyUninstalled: false };
      });
    },
  };
}

export type StoreRepo = ReturnType<typeof createStoreRepo>;

function dedupeUsers(list: BcUser[]): BcUser[] {
  const seen = new Map<number, BcUser>();
  for (const user of list) if (!seen.has(user.id)) seen.set(user.id, user);
  return [...seen.values()];
}
