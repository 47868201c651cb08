/**
 * `ledgerbridge notify digest --store <hash> [--date YYYY-MM-DD]` in-process: the store's digest goes to the real
 * SMTP sink now, for the date given or yesterday in the store's time zone; without SMTP_URL it refuses (exit 2).
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInRuntime } from '@/lib/cli/run';
import type { CliRuntime } from '@/lib/cli/runtime';
import { parseCliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { yesterdayIn } from '@/lib/sync/days';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { startSmtpSink, type SmtpSink } from '@/tests/sandbox/smtp/server';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

let world: LifecycleWorld;
let sink: SmtpSink;
let store: StoreHash;

async function cli(argv: string[], extraEnv: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const env = parseCliEnv({
    TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
    BIGCOMMERCE_API_URL: world.sandbox.url,
    LOG_LEVEL: 'warn',
    APP_URL: world.app.url,
    SESSION_SECRET: 'integration-session-secret-0123456789abcdef',
    ...extraEnv,
  });
  const rt: CliRuntime = { env, db: world.database.db, database: world.database, io: { stdout, stderr, cwd: process.cwd() }, log: { warn: () => {}, debug: () => {} }, fetch: (i, init) => fetch(i, init) };
  const code = await runInRuntime(rt, argv);
  return { code, out, err };
}

beforeAll(async () => {
  world = await startLifecycleWorld();
  sink = await startSmtpSink();
  store = (await world.installedStore()).hash as StoreHash;
  await createSyncRecordRepo({ db: world.database.db }).markFailed(
    { storeHash: store, orderId: 77, provider: 'ledger' },
    { state: 'failed', reason: 'duplicate', message: 'Invoice BC-77 already exists' },
  );
});
afterAll(async () => {
  await sink?.close();
  await world?.stop();
});

describe('ledgerbridge notify digest', () => {
  it('sends the digest of the given day now, and again when asked again', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const first = await cli(['notify', 'digest', '--store', store, '--date', today], { SMTP_URL: sink.url });
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain(`Digest of ${today} for ${store}: sent to 1 user(s)`);
    const [mail] = await sink.waitFor(1);
    expect(mail!.subject).toContain(today);
    expect(mail!.text).toContain('Order #77 (failed, duplicate): Invoice BC-77 already exists');
    expect((await cli(['notify', 'digest', '--store', store, '--date', today], { SMTP_URL: sink.url })).code).toBe(0);
    expect(await sink.waitFor(2)).toHaveLength(2);
  });

  it('defaults to yesterday in the store’s time zone', async () => {
    const result = await cli(['notify', 'digest', '--store', store], { SMTP_URL: sink.url });
    expect(result.out).toContain(`Digest of ${yesterdayIn('UTC', new Date())} for`);
  });

  it('refuses without SMTP_URL, with a bad date, or for an unknown store', async () => {
    const off = await cli(['notify', 'digest', '--store', store]);
    expect(off.code).toBe(2);
    expect(off.err).toContain('SMTP_URL');
    expect((await cli(['notify', 'digest', '--store', store, '--date', '2026-02-30'], { SMTP_URL: sink.url })).code).toBe(2);
    expect((await cli(['notify', 'digest', '--store', 'nosuchstore'], { SMTP_URL: sink.url })).code).toBe(2);
  });
});
