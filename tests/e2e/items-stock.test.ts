import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { startE2eWorld, type E2eWorld } from './support/harness';

/**
 * "Import items" and "Push stock now" in Debian Chromium, inside the sandbox control panel's iframe, against a
 * production build: the preview lists what would be created, the confirm button creates it, and a stock push asked
 * from the page reaches BigCommerce inventory and shows its result. The tests run in order and share one store.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
let products: Array<{ id: number; sku: string; name: string; inventory_tracking: string; variants: Array<{ sku: string }> }>;
const axeFindings: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`items-stock-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

async function openItemsTab() {
  const ledger = frame.getByRole('tab', { name: 'Ledger' });
  if ((await ledger.getAttribute('aria-selected')) === 'true') await frame.locator('body').evaluate(() => window.location.assign('/ledger'));
  else await ledger.click();
  await frame.getByText('The built-in double-entry ledger').waitFor({ timeout: 30_000 });
  await frame.getByRole('tab', { name: 'Items and stock' }).click();
  await frame.getByText('Import items from BigCommerce').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Catalog Store', currency: 'USD' })).body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_products_read_only', 'store_inventory_read_only'] })).body.access_token;
  await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 5, customers: 0, orders: 0, seed: 41 });
  const listed = await fetch(`${world.sandboxUrl}/stores/${hash}/v3/catalog/products?include=variants`, { headers: { 'x-auth-token': apiToken } });
  products = ((await listed.json()) as { data: typeof products }).data;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`items-stock-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('items and stock in the embedded admin (Chromium, inside the control panel)', () => {
  it('installs and finishes onboarding', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
  });

  it('"Import items" previews what would be created, and the confirm button creates exactly that', async () => {
    const skus = products.flatMap((p) => (p.variants.length > 1 ? p.variants.filter((v) => v.sku !== p.sku).map((v) => v.sku) : [p.sku]));
    await openItemsTab();
    await frame.getByRole('button', { name: 'Preview import' }).click();
    const preview = frame.getByTestId('import-preview');
    await preview.waitFor({ timeout: 30_000 });
    await expect(preview.getByText(`Into the built-in ledger: ${skus.length} to create, 0 to update, 0 already there, 0 problem(s).`).count()).resolves.toBe(1);
    for (const sku of skus) await preview.getByRole('cell', { name: sku, exact: true }).waitFor();
    await shot('01-preview');
    await axe('import preview');

    await frame.getByRole('button', { name: `Import ${skus.length} item(s)` }).click();
    await frame.getByText(`the built-in ledger: ${skus.length} item(s) created, 0 updated.`).waitFor({ timeout: 30_000 });
    await expect(frame.getByTestId('import-preview').count()).resolves.toBe(0);
    // The item list below now has them.
    const simple = products.find((p) => p.variants.length === 1)!;
    await frame.getByRole('cell', { name: simple.name, exact: true }).first().waitFor({ timeout: 15_000 });
    await shot('02-imported');

    // A second preview finds nothing to do.
    await frame.getByRole('button', { name: 'Preview import' }).click();
    await frame.getByText('Nothing to import: every SKU already has its item.').waitFor({ timeout: 30_000 });
  });

  it.skipIf(!process.env.DATABASE_URL)('"Push stock now" is offered once stock sync is on, and its result shows with the time it ran', async () => {
    await expect(frame.getByText('Stock sync off', { exact: true }).count()).resolves.toBe(1);
    await expect(frame.getByRole('button', { name: 'Push stock now' }).isDisabled()).resolves.toBe(true);

    const db = world.database!.db;
    const settings = createSettingsRepo({ db });
    const current = await settings.current(hash as StoreHash);
    const saved = await settings.save(hash as StoreHash, { ...current.settings, stock: { ...current.settings.stock, enabled: true, intervalMinutes: 1440 } }, { expectedVersion: current.version });
    expect(saved.ok).toBe(true);
    const tracked = products.find((p) => p.inventory_tracking === 'product' && p.variants.length === 1)!;
    await createLedgerProvider({ db, storeHash: hash as StoreHash }).setStock(tracked.sku, '27', 1);

    await openItemsTab();
    await frame.getByText('Stock sync on', { exact: true }).waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Push stock now' }).click();
    await frame.getByText(/Last result \(.+\): Sent 1 stock level\(s\) to BigCommerce\./).waitFor({ timeout: 60_000 });
    // The push's log entry is written just before its time is recorded; the page polls until the time shows.
    await expect.poll(() => frame.getByText('Last push: never').count(), { timeout: 15_000 }).toBe(0);
    const level = await fetch(`${world.sandboxUrl}/stores/${hash}/v3/inventory/items?sku:in=${encodeURIComponent(tracked.sku)}&location_id:in=1`, { headers: { 'x-auth-token': apiToken } });
    expect(((await level.json()) as { data: Array<{ locations: Array<{ total_inventory_onhand: number }> }> }).data[0]!.locations[0]!.total_inventory_onhand).toBe(27);
    await shot('03-stock-pushed');
    await axe('stock pushed');
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
