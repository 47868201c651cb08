/**
 * Per-store sync settings in Postgres, versioned: each save appends a version; the highest is current.
 * Saves are optimistic: the caller says which version it edited, and a concurrent save makes it a conflict.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { storeSettings } from '@/db/schema/settings';
import { defaultSettings, parseSettings, SETTINGS_SCHEMA_VERSION, type SyncSettings } from '@/lib/sync/settings';

export interface StoredSettings {
  /** 0 when the store never saved settings (the defaults apply). */
  version: number;
  settings: SyncSettings;
  savedAt: Date | null;
  savedBy: number | null;
}

export type SaveSettingsResult =
  | { ok: true; version: number; settings: SyncSettings }
  | { ok: false; reason: 'invalid'; problems: { path: string; message: string }[] }
  | { ok: false; reason: 'conflict'; currentVersion: number };

export interface SettingsRepoDeps {
  db: Db;
}

export function createSettingsRepo({ db }: SettingsRepoDeps) {
  async function current(storeHash: string): Promise<StoredSettings> {
    const [row] = await db.select().from(storeSettings).where(eq(storeSettings.storeHash, storeHash)).orderBy(desc(storeSettings.version)).limit(1);
    if (!row) return { version: 0, settings: defaultSettings(), savedAt: null, savedBy: null };
    const parsed = parseSettings(row.settings);
    // Stored settings were valid when written; failing now means a schema change without an upgrade step.
    if (!parsed.ok) throw new Error(`stored settings v${row.version} of ${storeHash} no longer validate: ${JSON.stringify(parsed.problems)}`);
    return { version: row.version, settings: parsed.settings, savedAt: row.createdAt, savedBy: row.createdBy };
  }

  async function save(storeHash: string, input: unknown, options: { expectedVersion: number; actorUserId?: number | null }): Promise<SaveSettingsResult> {
    const parsed = parseSettings(input);
    if (!parsed.ok) return { ok: false, reason: 'invalid', problems: parsed.problems };
    const version = options.expectedVersion + 1;
    const inserted = await db
      .insert(storeSettings)
      .values({ storeHash, version, schemaVersion: SETTINGS_SCHEMA_VERSION, settings: parsed.settings as unknown as Record<string, unknown>, createdBy: options.actorUserId ?? null })
      .onConflictDoNothing()
      .returning({ version: storeSettings.version });
    if (inserted.length === 0) return { ok: false, reason: 'conflict', currentVersion: (await current(storeHash)).version };
    // A save that skipped versions (expectedVersion behind by more than one) is also a conflict.
    const [previous] = options.expectedVersion > 0
      ? await db.select({ v: storeSettings.version }).from(storeSettings).where(and(eq(storeSettings.storeHash, storeHash), eq(storeSettings.version, options.expectedVersion)))
      : [{ v: 0 }];
    if (!previous) {
      await db.delete(storeSettings).where(and(eq(storeSettings.storeHash, storeHash), eq(storeSettings.version, version)));
      return { ok: false, reason: 'conflict', currentVersion: (await current(storeHash)).version };
    }
    return { ok: true, version, settings: parsed.settings };
  }

  async function history(storeHash: string, limit = 20) {
    return db.select().from(storeSettings).where(eq(storeSettings.storeHash, storeHash)).orderBy(desc(storeSettings.version)).limit(limit);
  }

  return { current, save, history };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
