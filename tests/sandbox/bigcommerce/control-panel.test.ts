import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApp, type FakeApp } from './fake-app';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

const CLIENT_ID = 'cp-client';
const CLIENT_SECRET = 'cp-secret-xyz';

let sandbox: BigCommerceSandbox;
let app: FakeApp;

beforeAll(async () => {
  app = await startFakeApp({ sandboxUrl: () => sandbox.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  sandbox = await startBigCommerceSandbox({
    port: 0,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl: app.url, name: 'Ledgerbridge' }],
  });
});
afterAll(async () => {
  await sandbox?.close();
  await app?.close();
});

describe('fake control panel', () => {
  it('renders the apps screen with stable ids and the install state', async () => {
    const { hash } = sandbox.platform.createStore({ name: 'Acme Outdoors' });
    const res = await fetch(`${sandbox.url}/manage/${hash}/apps`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ['install', 'open', 'uninstall', 'app-frame', 'install-state', 'user-switcher']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/<iframe name="app" id="app-frame"[^>]*allow="[^"]*clipboard-write/);
    expect(html).toContain('data-installed="false"');
    expect(html).toContain('Acme Outdoors');
  });

  it('Install sends the iframe to the auth callback with a fresh, exchangeable code', async () => {
    const store = sandbox.platform.createStore({});
    const launch = `${sandbox.url}/manage/${store.hash}/apps/${CLIENT_ID}/launch/install`;
    const first = await fetch(launch, { redirect: 'manual' });
    const second = await fetch(launch, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const a = new URL(first.headers.get('location')!);
    const b = new URL(second.headers.get('location')!);
    expect(`${a.origin}${a.pathname}`).toBe(`${app.url}/api/bigcommerce/auth`);
    expect(a.searchParams.get('context')).toBe(`stores/${store.hash}`);
    expect(a.searchParams.get('code')).not.toBe(b.searchParams.get('code'));
    // Following the redirect is what the iframe does; the fake app exchanges the code.
    const page = await fetch(a);
    expect(page.status).toBe(200);
    const state = (await (await fetch(`${sandbox.url}/manage/${store.hash}/apps/${CLIENT_ID}/state`)).json()) as {
      installed: boolean;
    };
    expect(state.installed).toBe(true);
    expect(await (await fetch(`${sandbox.url}/manage/${store.hash}/apps`)).text()).toContain('data-installed="true"');
  });

  it('Open loads the app with a JWT for the selected user; refused before install', async () => {
    const store = sandbox.platform.createStore({});
    const before = await fetch(`${sandbox.url}/manage/${store.hash}/apps/${CLIENT_ID}/launch/load`, { redirect: 'manual' });
    expect(before.status).toBe(409);
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/install`, { method: 'POST' });
    const clerk = sandbox.platform.addUser(store, { email: 'clerk@example.com' });
    const res = await fetch(`${sandbox.url}/manage/${store.hash}/apps/${CLIENT_ID}/launch/load?user_id=${clerk.id}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe('/api/bigcommerce/load');
    const claims = jwt.verify(location.searchParams.get('signed_payload_jwt')!, CLIENT_SECRET, {
      audience: CLIENT_ID,
      issuer: 'bc',
    }) as { user: { id: number } };
    expect(claims.user.id).toBe(clerk.id);
  });

  it('Uninstall posts to the sandbox, which calls the app server-side and shows the outcome', async () => {
    const store = sandbox.platform.createStore({});
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/install`, { method: 'POST' });
    const before = app.received.filter((r) => r.path === '/api/bigcommerce/uninstall').length;
    const res = await fetch(`${sandbox.url}/manage/${store.hash}/apps/${CLIENT_ID}/uninstall`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `user_id=${store.owner_id}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(app.received.filter((r) => r.path === '/api/bigcommerce/uninstall').length).toBe(before + 1);
    const page = await (await fetch(new URL(res.headers.get('location')!, sandbox.url))).text();
    expect(page).toContain('data-installed="false"');
    expect(page).toContain('uninstall callback answered 200');
  });
});
