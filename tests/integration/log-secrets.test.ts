import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '@/tests/sandbox/bigcommerce/resources/model';
import { CLIENT_SECRET, ENCRYPTION_KEY } from './support/lifecycle-env';
import { createOrder, syncRecordsOf, until, type StoreApi } from './support/sync-helpers';
import { startSyncWorld, type SyncWorld } from './support/sync-world';

/**
 * The app's log over a whole run (install through the sandbox, a load, an admin call, an order placed and posted
 * through its webhook and the jobs, an uninstall), captured from its process as the production server composes it:
 * every line is JSON, every line names its request, the lines of a store's work name the store, and no secret the
 * run created appears anywhere in it, not even in part of a line. Issue 15: "never a token, code or JWT".
 */
let world: SyncWorld;
let output = '';
beforeAll(async () => {
  world = await startSyncWorld({ timeScale: 0.1, logLevel: 'debug', edge: 'server', appOutput: (text) => (output += text) });
}, 120_000);
afterAll(async () => world?.stop());

describe("the app's log", () => {
  it('is JSON lines with a request id and the store on each, and holds none of the run\'s secrets', async () => {
    const secrets = new Map<string, string>([
      ['client secret', CLIENT_SECRET],
      ['token encryption key', ENCRYPTION_KEY],
      ['session secret', 'integration-session-secret-0123456789abcdef'],
    ]);
    // Every signed payload the sandbox makes (the load's, the uninstall's) is a secret of the run.
    const platform = world.sandbox.platform;
    const sign = platform.signPayload.bind(platform);
    platform.signPayload = (...args: Parameters<typeof sign>) => {
      const jwt = sign(...args);
      secrets.set(`signed payload ${secrets.size}`, jwt);
      return jwt;
    };

    const { hash, accessToken } = await world.installedStore();
    secrets.set('store access token', accessToken);
    for (const code of Object.keys(platform.state.codes)) secrets.set(`install code ${code.slice(0, 4)}`, code);
    await world.inngest.waitForIdle(30_000); // the first sweep, the webhooks registered after install
    const hooks = resources(platform.store(hash)).hooks;
    expect(hooks.length).toBeGreaterThan(0);
    for (const hook of hooks) for (const [name, value] of Object.entries(hook.headers ?? {})) secrets.set(`webhook header ${name}`, value);

    // The merchant opens the app: the load callback, then the session's admin calls.
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    const opened = await fetch(load.body.url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const session = decodeURIComponent(/#session=(.+)$/.exec(opened.headers.get('location') ?? '')?.[1] ?? '');
    expect(session).not.toBe('');
    secrets.set('session token', session);
    // Refusals log too: the same load replayed (single use), a deep link with a tab (once a 500 that logged the
    // session), a delivery with a wrong secret.
    expect((await fetch(load.body.url, { redirect: 'manual' })).status).toBe(401);
    const tabbed = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, { url: '/\t/evil.example/x' });
    expect((await fetch(tabbed.body.url, { redirect: 'manual' })).status).toBe(400);
    const forged = await fetch(`${world.appUrl}/api/webhooks/bigcommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ledgerbridge-secret': 'not-the-secret' },
      body: JSON.stringify({ scope: 'store/order/created', store_id: '1', producer: `stores/${hash}`, hash: 'x', created_at: 1, data: { type: 'order', id: 1 } }),
    });
    expect(forged.status).toBe(401);
    const me = await fetch(`${world.appUrl}/api/me`, { headers: { authorization: `Bearer ${session}`, 'x-request-id': 'proxy-id-0001' } });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-request-id')).toBe('proxy-id-0001');
    const refused = await fetch(`${world.appUrl}/api/audit`, { headers: { authorization: 'Bearer not-a-session', 'x-request-id': 'bad id\twith tab' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${world.appUrl}/api/audit`, { headers: { authorization: `Bearer ${session}` } })).status).toBe(200);

    // An order placed in the store reaches the books through its webhook and the jobs.
    const store: StoreApi = { baseUrl: world.sandbox.url, hash, token: accessToken };
    const orderId = await createOrder(store, { statusId: 11, lines: [{ sku: 'LOG-1', quantity: 2, price: '12.50' }] });
    const records = await until(() => syncRecordsOf(world.database.db, hash, [orderId]), (r) => r[0]?.state === 'posted', 60_000, 100);
    expect(records[0]?.state).toBe('posted');
    await world.inngest.waitForIdle(30_000);

    expect((await world.admin(`/__sandbox/stores/${hash}/uninstall`, {})).body).toMatchObject({ status: 200 });
    await world.inngest.waitForIdle(30_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last lines through the pipe

    const lines = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('sync-app ready'));
    expect(lines.length).toBeGreaterThan(5);
    const parsed = lines.map((line): { requestId?: unknown; storeHash?: unknown; notJson?: string } => {
      try {
        return JSON.parse(line) as { requestId?: unknown; storeHash?: unknown };
      } catch {
        return { notJson: line.slice(0, 200) };
      }
    });
    expect(parsed.filter((entry) => entry.notJson !== undefined)).toEqual([]);
    expect(parsed.filter((entry) => typeof entry.requestId !== 'string')).toEqual([]);
    // Everything in this run was done for one store, and every line says which.
    expect(parsed.filter((entry) => entry.storeHash !== hash)).toEqual([]);

    const leaks = [...secrets].flatMap(([what, secret]) =>
      lines.filter((line) => line.includes(secret) || line.includes(encodeURIComponent(secret))).map((line) => `${what}: ${line.slice(0, 160)}`),
    );
    expect(leaks).toEqual([]);
  }, 180_000);
});
