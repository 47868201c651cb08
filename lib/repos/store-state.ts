/**
 * What a store's sync context is built from, read in one query: the installed store (with its sealed token), its
 * sync bookkeeping and the number of its current settings version. The jobs build a store's context once per step
 * (Inngest calls a function again for each step); reading these together, and re-reading the token and the
 * settings only when they changed (lib/context.ts), turns five queries, a decryption and a settings parse per
 * step into one query.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { preparedOnce } from '@/db/prepared';
import { storeSettings, storeSync, stores } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import type { InstalledStore } from './stores';
import type { StoreSyncRow } from './store-sync';

export interface StoreState {
  installed: InstalledStore;
  /** The access token's ciphertext: a new install (or a key rotation's reseal) changes it. */
  sealedToken: string;
  /** Null when the store has no sync bookkeeping row yet (StoreSyncRepo.get creates it). */
  sync: StoreSyncRow | null;
  /** The current settings version; 0 when the store never saved settings (the defaults apply). */
  settingsVersion: number;
}

export function createStoreStateRepo({ db }: { db: Db }) {
  return {
    /** Null when the store is not installed (unknown, uninstalled, or without a token). */
    async read(storeHash: StoreHash): Promise<StoreState | null> {
      const query = preparedOnce(db, 'store_state_read', (d, name) =>
        d
          .select({
            store: stores,
            sync: storeSync,
            settingsVersion: sql<number>`coalesce((select max(${storeSettings.version}) from ${storeSettings} where ${storeSettings.storeHash} = ${stores.storeHash}), 0)`.mapWith(Number),
          })
          .from(stores)
          .leftJoin(storeSync, eq(storeSync.storeHash, stores.storeHash))
          .where(and(eq(stores.storeHash, sql.placeholder('storeHash')), isNull(stores.uninstalledAt)))
          .prepare(name),
      );
      const rows = await query.execute({ storeHash });
      const row = rows[0];
      if (!row || !row.store.accessTokenEnc) return null;
      const s = row.store;
      return {
        installed: {
          storeHash: s.storeHash as StoreHash,
          scope: s.scope,
          ownerBcUserId: s.ownerBcUserId,
          installerBcUserId: s.installerBcUserId,
          installGeneration: s.installGeneration,
          planLevel: s.planLevel,
          currency: s.currency,
          storeName: s.storeName,
          installedAt: s.installedAt,
        },
        sealedToken: s.accessTokenEnc!,
        sync: row.sync,
        settingsVersion: row.settingsVersion,
      };
    },
  };
}
