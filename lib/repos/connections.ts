import { createHash } from 'node:crypto';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { accountingConnections } from '@/db/schema/connections';
import type { StoredTokens, TokenStore } from '@/lib/accounting/connect/tokens';
import { decryptSecret, encryptSecret, type EncryptionKeys } from '@/lib/crypto';
import type { StoreHash } from '@/lib/ids';
import { noResealCounts, resealRow, stillSealedAs, type ResealCounts } from './reseal';

export type ConnectionStatus = 'connected' | 'choose_tenant' | 'reconnect';

export interface ConnectionView {
  provider: string;
  status: ConnectionStatus;
  tenantId: string | null;
  tenantName: string | null;
  pendingTenants: Array<{ tenantId: string; tenantName: string }>;
  lastError: string | null;
  connectedAt: Date | null;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Remote accounting connections; tokens are sealed with AES-256-GCM bound to (store, provider, kind). */
export function createConnectionRepo({ db, encryptionKey }: { db: Db; encryptionKey: EncryptionKeys }) {
  const aad = (storeHash: string, provider: string, kind: string) => `connections/${storeHash}/${provider}/${kind}`;
  const seal = (storeHash: string, provider: string, tokens: TokenSet) => ({
    accessTokenEnc: encryptSecret(tokens.accessToken, encryptionKey, aad(storeHash, provider, 'access')),
    refreshTokenEnc: encryptSecret(tokens.refreshToken, encryptionKey, aad(storeHash, provider, 'refresh')),
    refreshTokenHash: hashOf(tokens.refreshToken),
    expiresAt: new Date(tokens.expiresAt),
  });
  const where = (storeHash: string, provider: string) =>
    and(eq(accountingConnections.storeHash, storeHash), eq(accountingConnections.provider, provider));

  async function upsert(storeHash: StoreHash, provider: string, values: Partial<typeof accountingConnections.$inferInsert> & { status: ConnectionStatus }) {
    const now = new Date();
    await db
      .insert(accountingConnections)
      .values({ storeHash, provider, ...values, updatedAt: now })
      .onConflictDoUpdate({ target: [accountingConnections.storeHash, accountingConnections.provider], set: { ...values, updatedAt: now } });
  }

  const repo = {
    async get(storeHash: StoreHash, provider: string): Promise<ConnectionView | null> {
      const rows = await db.select().from(accountingConnections).where(where(storeHash, provider));
      const row = rows[0];
      if (!row) return null;
      return {
        provider: row.provider,
        status: row.status as ConnectionStatus,
        tenantId: row.tenantId,
        tenantName: row.tenantName,
        pendingTenants: row.pendingTenants ?? [],
        lastError: row.lastError,
        connectedAt: row.connectedAt,
      };
    },

    /** The stores connected to this tenant of the system (a webhook from the books names the tenant, not the store). */
    async storesOnTenant(provider: string, tenantId: string): Promise<StoreHash[]> {
      const rows = await db
        .select({ storeHash: accountingConnections.storeHash })
        .from(accountingConnections)
        .where(and(eq(accountingConnections.provider, provider), eq(accountingConnections.status, 'connected'), sql`lower(${accountingConnections.tenantId}) = ${tenantId.toLowerCase()}`));
      return rows.map((r) => r.storeHash as StoreHash);
    },

    /** Consent given: keep the tokens and let the merchant choose among several organisations. */
    async awaitTenantChoice(storeHash: StoreHash, provider: string, tokens: TokenSet, tenants: Array<{ tenantId: string; tenantName: string }>, userId: number) {
      await upsert(storeHash, provider, { status: 'choose_tenant', ...seal(storeHash, provider, tokens), pendingTenants: tenants, connectedBy: userId, lastError: null });
    },

    async connect(storeHash: StoreHash, provider: string, input: { tenantId: string; tenantName: string; tokens?: TokenSet; userId: number }) {
      await upsert(storeHash, provider, {
        status: 'connected',
        tenantId: input.tenantId,
        tenantName: input.tenantName,
        ...(input.tokens ? seal(storeHash, provider, input.tokens) : {}),
        pendingTenants: null,
        lastError: null,
        connectedBy: input.userId,
        connectedAt: new Date(),
      });
    },

    async tokens(storeHash: StoreHash, provider: string): Promise<TokenSet | null> {
      const rows = await db.select().from(accountingConnections).where(where(storeHash, provider));
      const row = rows[0];
      if (!row?.accessTokenEnc || !row.refreshTokenEnc || !row.expiresAt) return null;
      return {
        accessToken: decryptSecret(row.accessTokenEnc, encryptionKey, aad(storeHash, provider, 'access')),
        refreshToken: decryptSecret(row.refreshTokenEnc, encryptionKey, aad(storeHash, provider, 'refresh')),
        expiresAt: row.expiresAt.getTime(),
      };
    },

    /** The token store the token manager rotates through (compare-and-swap on the refresh token's hash). */
    tokenStore(storeHash: StoreHash, provider: string): TokenStore {
      return {
        async load(): Promise<StoredTokens | null> {
          const view = await repo.get(storeHash, provider);
          if (!view || view.status === 'reconnect') return null;
          return repo.tokens(storeHash, provider);
        },
        async saveRotated(previousRefreshToken, next) {
          const updated = await db
            .update(accountingConnections)
            .set({ ...seal(storeHash, provider, next), updatedAt: new Date() })
            .where(and(where(storeHash, provider), eq(accountingConnections.refreshTokenHash, hashOf(previousRefreshToken))))
            .returning({ provider: accountingConnections.provider });
          return updated.length > 0;
        },
        async markRevoked(reason) {
          await db
            .update(accountingConnections)
            .set({ status: 'reconnect', lastError: reason, updatedAt: new Date() })
            .where(where(storeHash, provider));
        },
      };
    },

    /**
     * Re-seals every connection's tokens under the current key, `batchSize` rows at a time; idempotent, and a row
     * whose tokens changed since they were read (a refresh) is left alone and counted (`changedMeanwhile`).
     */
    async resealAll(options: { batchSize?: number } = {}): Promise<ResealCounts> {
      const batchSize = options.batchSize ?? 200;
      const counts = noResealCounts();
      const c = accountingConnections;
      let after: { storeHash: string; provider: string } | null = null;
      for (;;) {
        const cursor = after === null ? undefined : or(gt(c.storeHash, after.storeHash), and(eq(c.storeHash, after.storeHash), gt(c.provider, after.provider)));
        const rows: Array<{ storeHash: string; provider: string; accessTokenEnc: string | null; refreshTokenEnc: string | null }> = await db
          .select({ storeHash: c.storeHash, provider: c.provider, accessTokenEnc: c.accessTokenEnc, refreshTokenEnc: c.refreshTokenEnc })
          .from(c)
          .where(cursor)
          .orderBy(asc(c.storeHash), asc(c.provider))
          .limit(batchSize);
        if (rows.length === 0) return counts;
        for (const row of rows) {
          counts.rows += 1;
          const { next, values, resealed } = resealRow(encryptionKey, `connection ${row.storeHash}/${row.provider}`, [
            { name: 'accessTokenEnc', sealed: row.accessTokenEnc, associatedData: aad(row.storeHash, row.provider, 'access') },
            { name: 'refreshTokenEnc', sealed: row.refreshTokenEnc, associatedData: aad(row.storeHash, row.provider, 'refresh') },
          ]);
          counts.values += values;
          counts.current += values - resealed;
          if (resealed === 0) continue;
          const updated = await db
            .update(c)
            .set(next)
            .where(and(where(row.storeHash, row.provider), stillSealedAs(c.accessTokenEnc, row.accessTokenEnc), stillSealedAs(c.refreshTokenEnc, row.refreshTokenEnc)))
            .returning({ provider: c.provider });
          if (updated.length > 0) counts.resealed += resealed;
          else counts.changedMeanwhile += 1;
        }
        const last = rows[rows.length - 1]!;
        after = { storeHash: last.storeHash, provider: last.provider };
      }
    },

    /** Disconnect: tokens deleted here (the caller revokes them at the provider first). */
    async disconnect(storeHash: StoreHash, provider: string) {
      await db.delete(accountingConnections).where(where(storeHash, provider));
    },
  };
  return repo;
}

export type ConnectionRepo = ReturnType<typeof createConnectionRepo>;
