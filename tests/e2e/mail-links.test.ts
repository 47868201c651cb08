import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import { createNotifyDeps } from '@/lib/notify/deps';
import { sendAlerts, sendDigest } from '@/lib/notify/send';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { reloadAppFrame, startE2eWorld, type E2eWorld } from './support/harness';

/**
 * Links in the mails, in Debian Chromium against a production build: an alert's link, taken from what the SMTP sink
 * received (GET /__sandbox/mail), opens the sandbox control panel with the app in its frame at that order's page,
 * signed in (the control panel sends the path as the load JWT's `url` claim). And a bookkeeper whose mail bounces
 * after it was accepted (a DSN the sink forwards to the app) is shown bounced on the Notifications page, with why.
 * Seeds through the repositories, so it needs the database the app uses (DATABASE_URL, as CI sets it).
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  world = await startE2eWorld({ mail: true });
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Mail Store', currency: 'USD' })).body.hash;
  await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 5, customers: 3, orders: 5, seed: 7 });
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`mail-links-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe.skipIf(!process.env.DATABASE_URL)('links in the mails (Chromium, the sandbox control panel)', () => {
  it('an alert’s link from GET /__sandbox/mail opens that order’s page of the app inside the control panel', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 3; i += 1) await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });

    const db = world.database!.db;
    await createSyncRecordRepo({ db }).markFailed(
      { storeHash: hash as StoreHash, orderId: 102, provider: 'ledger' },
      { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU MAIL-102.' },
    );
    const deps = createNotifyDeps({
      db,
      env: { ...world.mail!.env, MAIL_FROM: 'Ledgerbridge <notify@ledgerbridge.test>', APP_URL: world.appUrl, SESSION_SECRET: 'e2e-session-secret-0123456789abcdefghij', BIGCOMMERCE_LOGIN_URL: world.sandboxUrl },
    });
    try {
      expect(await sendAlerts(deps, hash as StoreHash, 'needs_attention')).toMatchObject({ sent: 1 });
    } finally {
      deps.close();
    }
    await world.mail!.sink.waitFor(1);
    const box = (await (await fetch(`${world.sandboxUrl}/__sandbox/mail`)).json()) as { messages: Array<{ text: string }> };
    const link = /Open in Ledgerbridge: (\S+)/.exec(box.messages.find((m) => m.text.includes('MAIL-102'))!.text)![1]!;
    expect(link).toBe(`${world.sandboxUrl}/store-${hash}/manage/app/${world.mail!.env.BIGCOMMERCE_APP_ID}/activity/102`);

    // A fresh tab, as from a mail client: the control panel, the app in its frame at the order's page.
    await page.goto(link);
    await frame.getByText('Unable to find product with SKU MAIL-102.').first().waitFor({ timeout: 30_000 });
    await expect(frame.getByRole('heading', { name: 'Order 102' }).count()).resolves.toBeGreaterThan(0);
    expect(new URL(page.frames().find((f) => f.name() === 'app')!.url()).pathname).toBe('/activity/102');
    await page.screenshot({ path: world.screenshotPath('mail-links-order-page'), fullPage: true });
  });

  it('a bookkeeper whose mail bounces after it was accepted is shown bounced on the Notifications page, with why', async () => {
    const email = `bookkeeper-${hash}@undeliverable.invalid`;
    const user = (await world.admin<{ id: number }>(`/__sandbox/stores/${hash}/users`, { email })).body;
    // They open the app once, then choose the digest.
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps?user_id=${user.id}`);
    await page.click('#open');
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
    await frame.locator('body').evaluate(() => window.location.assign(`/notifications${window.location.search}`));
    await frame.getByText(`Emails go to ${email}`).waitFor({ timeout: 30_000 });
    const deps = createNotifyDeps({
      db: world.database!.db,
      env: { ...world.mail!.env, MAIL_FROM: 'Ledgerbridge <notify@ledgerbridge.test>', APP_URL: world.appUrl, SESSION_SECRET: 'e2e-session-secret-0123456789abcdefghij', BIGCOMMERCE_LOGIN_URL: world.sandboxUrl },
    });
    try {
      await createNotificationRepo({ db: world.database!.db }).setPreferences(hash as StoreHash, user.id, { alertKinds: [], digest: true });
      expect(await sendDigest(deps, hash as StoreHash, '2026-01-01')).toMatchObject({ refused: [] });
    } finally {
      deps.close();
    }
    const [report] = await world.mail!.sink.waitForReports(1);
    expect(report).toMatchObject({ recipient: email, action: 'failed', status: '5.1.1', forwarded: { status: 200 } });
    await reloadAppFrame(page);
    await frame.getByText(/Mail to .* bounced \(Bounced after it was sent: 5\.1\.1/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: world.screenshotPath('mail-links-bounced'), fullPage: true });
  });
});
