import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The notification centre (issue 17) in Debian Chromium, inside the sandbox control panel's iframe, against a
 * production build: the bell's unread count, its list (loaded on click), marking one and all read, and the
 * Notifications page. Another store's notification never shows. Seeds through the repositories, so it needs the
 * database the app uses (DATABASE_URL, as CI sets it).
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
const axeFindings: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`notification-centre-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Bell Store', currency: 'USD' })).body.hash;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`notification-centre-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe.skipIf(!process.env.DATABASE_URL)('the notification centre (Chromium, inside the control panel)', () => {
  it('installs and finishes onboarding; no bell count yet', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
    await frame.getByTestId('notification-bell').waitFor();
    await expect(frame.getByTestId('notification-count').count()).resolves.toBe(0);
  });

  it('the bell counts the unread, opens the list, and marks one and then all read', async () => {
    const db = world.database!.db;
    await createSyncRecordRepo({ db }).markFailed(
      { storeHash: hash as StoreHash, orderId: 120, provider: 'ledger' },
      { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU BELL-1.' },
    );
    await createNotificationRepo({ db }).record(hash as StoreHash, { kind: 'backfill_finished', dedupeKey: 'backfill_finished:1', title: 'Past orders since 2026-01-01 are posted', message: '12 posted, 0 skipped, 0 failed.' });
    // Another store's notification, which this store's bell never shows.
    await createNotificationRepo({ db }).record('otherstore1' as StoreHash, { kind: 'needs_attention', dedupeKey: 'x', title: 'Order #999 of another store', message: 'not yours' });

    await frame.locator('body').evaluate(() => window.location.assign('/'));
    const count = frame.getByTestId('notification-count');
    await count.waitFor({ timeout: 30_000 });
    await expect(count.textContent()).resolves.toBe('2');
    await expect(frame.getByRole('button', { name: 'Notifications, 2 unread' }).count()).resolves.toBe(1);

    await frame.getByTestId('notification-bell').click();
    const list = frame.getByTestId('notification-list');
    await list.waitFor({ timeout: 30_000 });
    const items = frame.getByTestId('notification-item');
    await expect(items.count()).resolves.toBe(2);
    await expect(list.getByText('Unable to find product with SKU BELL-1.').count()).resolves.toBe(1);
    await expect(list.getByRole('link', { name: 'Order #120 is held' }).getAttribute('href')).resolves.toBe('/activity/120');
    await expect(list.getByText('Order #999 of another store').count()).resolves.toBe(0);
    await shot('01-open');
    await axe('bell open');

    await items.first().getByTestId('notification-mark-read').click();
    await frame.locator('[data-testid="notification-item"][data-read="true"]').first().waitFor({ timeout: 15_000 });
    await expect(count.textContent()).resolves.toBe('1');

    await frame.getByTestId('notifications-mark-all').click();
    await count.waitFor({ state: 'detached', timeout: 15_000 });
    await frame.locator('[data-testid="notification-item"][data-read="false"]').first().waitFor({ state: 'detached', timeout: 15_000 });
    await expect(frame.getByTestId('notification-item').count()).resolves.toBe(2);
    await shot('02-all-read');
    // Escape closes the panel.
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('the Notifications page lists them and says whether email is on', async () => {
    await frame.getByRole('tab', { name: 'Notifications' }).click();
    await frame.getByTestId('email-status').waitFor({ timeout: 30_000 });
    await frame.getByTestId('email-recipients').waitFor({ timeout: 30_000 });
    await expect(frame.getByTestId('notification-item').count()).resolves.toBe(2);
    await shot('03-page');
    await axe('notifications page');
  });

  it('is axe clean (serious and critical)', () => {
    expect(axeFindings).toEqual([]);
  });
});
