import { bigint, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A store's connection to a remote accounting system (Xero, QuickBooks): the chosen organisation and its OAuth
 * tokens, encrypted at rest. `status`: connected, choose_tenant (consent given, organisation not chosen yet),
 * reconnect (the grant was revoked or expired: posting pauses, nothing is lost).
 */
export const accountingConnections = pgTable(
  'accounting_connections',
  {
    storeHash: text('store_hash').notNull(),
    provider: text('provider').notNull(),
    status: text('status').notNull(),
    tenantId: text('tenant_id'),
    tenantName: text('tenant_name'),
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    /** SHA-256 of the current refresh token: the compare-and-swap key of a rotation (no plaintext needed). */
    refreshTokenHash: text('refresh_token_hash'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Organisations offered after consent, while status is choose_tenant. */
    pendingTenants: jsonb('pending_tenants').$type<Array<{ tenantId: string; tenantName: string }>>(),
    lastError: text('last_error'),
    connectedBy: bigint('connected_by', { mode: 'number' }),
    connectedAt: timestamp('connected_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.provider] })],
);
