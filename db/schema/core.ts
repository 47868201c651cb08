import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** One row per BigCommerce store that has ever installed the app. Never deleted: the audit trail keeps it. */
export const stores = pgTable(
  'stores',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** AES-256-GCM ciphertext (see lib/crypto.ts); null once uninstalled. */
    accessTokenEnc: text('access_token_enc'),
    /** Per-store secret BigCommerce sends back as a header on every webhook delivery (encrypted; null once uninstalled). */
    webhookSecretEnc: text('webhook_secret_enc'),
    scope: text('scope').notNull().default(''),
    ownerBcUserId: bigint('owner_bc_user_id', { mode: 'number' }),
    /** The user whose auth callback installed the app last: with the owner, the users known to hold uninstall rights. */
    installerBcUserId: bigint('installer_bc_user_id', { mode: 'number' }),
    /**
     * Raised by every uninstall. Session tokens carry the generation they were issued in, so a session from before an
     * uninstall is refused after a reinstall (lib/session.ts).
     */
    installGeneration: integer('install_generation').notNull().default(0),
    accountUuid: text('account_uuid'),
    planLevel: text('plan_level'),
    currency: text('currency'),
    decimalPlaces: integer('decimal_places'),
    storeName: text('store_name'),
    installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
    uninstalledAt: timestamp('uninstalled_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('stores_store_hash_uq').on(t.storeHash)],
);

/** BigCommerce control-panel users, keyed by their BigCommerce user id (global across stores). */
export const users = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  email: text('email').notNull(),
  username: text('username'),
  locale: text('locale'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Which users may open the app for which store. */
export const storeUsers = pgTable(
  'store_users',
  {
    storeHash: text('store_hash').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    isOwner: boolean('is_owner').notNull().default(false),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.userId] })],
);

/** Who did what, when, to which store. Append-only; never holds secrets. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** BigCommerce user id, or null for the system / BigCommerce itself. */
    actorUserId: bigint('actor_user_id', { mode: 'number' }),
    action: text('action').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_store_at_idx').on(t.storeHash, t.at)],
);

/**
 * The `jti` of every BigCommerce signed payload (load, uninstall, remove_user) the app has accepted, and the nonce of
 * every accounting connection request's state (`oauth-state:<provider>:<nonce>`), kept until it expires: each is
 * single use, so a replayed one is refused like a forged one. Expired rows are pruned.
 */
export const signedPayloadUses = pgTable(
  'signed_payload_uses',
  {
    jti: text('jti').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** Which callback consumed it: load, uninstall, remove_user, or oauth_state:<provider>. */
    callback: text('callback').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('signed_payload_uses_expires_at_idx').on(t.expiresAt)],
);
