/**
 * Rotating the token-encryption key without downtime (issue 15, finding 6): values sealed under an old key open while
 * that key is listed in TOKEN_ENCRYPTION_KEYS_PREVIOUS; `ledgerbridge keys rotate` (the real CLI, in a child process)
 * re-seals every one under TOKEN_ENCRYPTION_KEY, after which the new key alone opens them; a key that is missing is
 * named by its id, never answered with garbage. Real Postgres when DATABASE_URL is set, else a PGlite folder.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Db } from '@/db/client';
import { stores } from '@/db/schema';
import { keyIdOf, keyRing, sealedKeyId, UnknownKeyError } from '@/lib/crypto';
import type { StoreHash } from '@/lib/ids';
import { createConnectionRepo } from '@/lib/repos/connections';
import { createStoreRepo } from '@/lib/repos/stores';
import { freshDatabase, type TestDatabase } from './support/db';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const OLD_KEY = '4a'.repeat(32);
const NEW_KEY = '5b'.repeat(32);
const LOST_KEY = '6c'.repeat(32);

let testDb: TestDatabase;
let pgliteDir: string | null = null;
let work: string;

beforeAll(async () => {
  testDb = await freshDatabase('keys');
  work = mkdtempSync(path.join(tmpdir(), 'lb-keys-'));
  if (!testDb.url) {
    // The in-memory database is of no use to a child process: the child gets a folder of its own.
    await testDb.dispose();
    pgliteDir = path.join(work, 'pglite');
  }
});

afterAll(async () => {
  if (testDb?.url) await testDb.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs `fn` with the database the children use (PGlite: opened only for `fn`, while no child runs). */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (testDb.url) return fn(testDb.db);
  const database: Database = await openDatabase({ pgliteDir: pgliteDir! });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

function cli(args: string[], keys: { current: string; previous?: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TOKEN_ENCRYPTION_KEY: keys.current,
    ...(keys.previous ? { TOKEN_ENCRYPTION_KEYS_PREVIOUS: keys.previous } : {}),
    LOG_LEVEL: 'warn',
    ...(testDb.url ? { DATABASE_URL: testDb.url } : { PGLITE_DIR: pgliteDir! }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const owner = { id: 1, email: 'owner@example.com' };
const tokens = (n: number) => ({ accessToken: `xero-access-${n}`, refreshToken: `xero-refresh-${n}`, expiresAt: Date.UTC(2030, 0, 1) });

/** A store access token as the app sealed it before key ids (`v1.<iv>.<tag>.<ciphertext>`). */
function sealV1(plaintext: string, hexKey: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

describe('ledgerbridge keys rotate', () => {
  // Five stores (two pages with --batch-size 2) and three accounting connections, all sealed under the old key; one
  // store holds a token from before key ids.
  const hashes = ['keysa1', 'keysb2', 'keysc3', 'keysd4', 'keyse5'] as StoreHash[];
  let webhookSecrets: Array<string | null>;

  it('a value sealed under an old key opens while that key is configured, not without it (the error names the key id)', async () => {
    await withDb(async (db) => {
      const old = createStoreRepo({ db, encryptionKey: OLD_KEY });
      for (const [i, hash] of hashes.entries()) {
        await old.recordInstall({ storeHash: hash, accessToken: `bc-token-${i}`, scope: 'store_v2_orders', accountUuid: null, owner, installer: owner });
      }
      await db.update(stores).set({ accessTokenEnc: sealV1('bc-token-legacy', OLD_KEY, `stores/${hashes[4]}/access_token`) }).where(eq(stores.storeHash, hashes[4]!));
      const connections = createConnectionRepo({ db, encryptionKey: OLD_KEY });
      for (const [i, hash] of hashes.slice(0, 3).entries()) {
        await connections.connect(hash, 'xero', { tenantId: `t${i}`, tenantName: `Org ${i}`, tokens: tokens(i), userId: owner.id });
      }
      webhookSecrets = await Promise.all(hashes.map((h) => old.webhookSecret(h)));

      const both = createStoreRepo({ db, encryptionKey: keyRing(NEW_KEY, [OLD_KEY]) });
      expect(await both.accessToken(hashes[0]!)).toBe('bc-token-0');
      expect(await both.accessToken(hashes[4]!)).toBe('bc-token-legacy');
      expect((await createConnectionRepo({ db, encryptionKey: keyRing(NEW_KEY, [OLD_KEY]) }).tokens(hashes[1]!, 'xero'))?.refreshToken).toBe('xero-refresh-1');

      const newOnly = createStoreRepo({ db, encryptionKey: NEW_KEY });
      const failure = await newOnly.accessToken(hashes[0]!).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(UnknownKeyError);
      expect((failure as Error).message).toContain(`sealed with encryption key ${keyIdOf(OLD_KEY)}, which is not configured`);
    });
  });

  it('without the old key configured, rotation stops at the first value it cannot open, naming the key id', async () => {
    const run = await cli(['keys', 'rotate'], { current: NEW_KEY });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ledgerbridge: keys rotate stopped: store keysa1 accessTokenEnc: /);
    expect(lines[0]).toContain(`encryption key ${keyIdOf(OLD_KEY)}, which is not configured`);
    expect(run.stderr).not.toContain(OLD_KEY);
    expect(run.stderr).not.toContain(NEW_KEY);
  });

  it('re-seals every store token, webhook secret and connection token under the new key, in batches, and prints the counts', async () => {
    const run = await cli(['keys', 'rotate', '--json', '--batch-size', '2'], { current: NEW_KEY, previous: OLD_KEY });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { currentKeyId: string; tables: Record<string, Record<string, number>>; total: Record<string, number> };
    expect(report.currentKeyId).toBe(keyIdOf(NEW_KEY));
    expect(report.tables.stores).toEqual({ rows: 5, values: 10, resealed: 10, current: 0, changedMeanwhile: 0 });
    expect(report.tables.accounting_connections).toEqual({ rows: 3, values: 6, resealed: 6, current: 0, changedMeanwhile: 0 });
    expect(report.total).toEqual({ rows: 8, values: 16, resealed: 16, current: 0, changedMeanwhile: 0 });

    await withDb(async (db) => {
      // The new key alone now opens everything, and every value names it.
      const newOnly = createStoreRepo({ db, encryptionKey: NEW_KEY });
      for (const [i, hash] of hashes.entries()) {
        expect(await newOnly.accessToken(hash)).toBe(i === 4 ? 'bc-token-legacy' : `bc-token-${i}`);
        expect(await newOnly.webhookSecret(hash)).toBe(webhookSecrets[i]);
      }
      const connections = createConnectionRepo({ db, encryptionKey: NEW_KEY });
      for (const [i, hash] of hashes.slice(0, 3).entries()) expect(await connections.tokens(hash, 'xero')).toEqual(tokens(i));
      const rows = await db.select({ a: stores.accessTokenEnc, w: stores.webhookSecretEnc }).from(stores);
      for (const row of rows) {
        expect(sealedKeyId(row.a!)).toBe(keyIdOf(NEW_KEY));
        expect(sealedKeyId(row.w!)).toBe(keyIdOf(NEW_KEY));
      }
    });
  });

  it('is idempotent: a second run re-seals nothing, and works with the old key already removed', async () => {
    const run = await cli(['keys', 'rotate'], { current: NEW_KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Re-sealed under key ${keyIdOf(NEW_KEY)}:`);
    expect(run.stdout).toMatch(/stores\s+5 rows, 10 sealed values: 0 re-sealed, 10 already current/);
    expect(run.stdout).toMatch(/accounting_connections\s+3 rows, 6 sealed values: 0 re-sealed, 6 already current/);
    expect(run.stdout).toContain('TOKEN_ENCRYPTION_KEYS_PREVIOUS can be removed');
  });

  it('a value sealed under a key nobody configured is named, never decrypted to garbage, by the CLI too', async () => {
    await withDb(async (db) => {
      const lost = createStoreRepo({ db, encryptionKey: LOST_KEY });
      await lost.recordInstall({ storeHash: 'keysz9' as StoreHash, accessToken: 'bc-token-lost', scope: 'store_v2_orders', accountUuid: null, owner, installer: owner });
    });
    const status = await cli(['status', '--store', 'keysz9'], { current: NEW_KEY, previous: OLD_KEY });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`token cannot be decrypted: this value was sealed with encryption key ${keyIdOf(LOST_KEY)}, which is not configured (current key ${keyIdOf(NEW_KEY)}, previous ${keyIdOf(OLD_KEY)})`);
    const run = await cli(['keys', 'rotate', '--json'], { current: NEW_KEY, previous: OLD_KEY });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`store keysz9 accessTokenEnc: this value was sealed with encryption key ${keyIdOf(LOST_KEY)}`);
  });
});
