import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { and, eq } from 'drizzle-orm';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { createAppContext } from '@/lib/context';
import { postSummariesNow } from '@/lib/jobs/summaries';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { revealDeferred, startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The daily summary's page in Debian Chromium, inside the sandbox control panel's iframe, against a production build:
 * daily summaries and a summary customer chosen on Order rules › Posting mode, two orders placed in the store kept by
 * the real pipeline (webhooks, the Inngest stand-in), the day's summary posted, then the way a merchant reaches it
 * (the posting-mode panel → the list → the summary), its orders with their shares (total, tax, payment) summing to
 * the summary, the CSV of its orders, and an order's page naming and linking its summary. axe-core clean.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
const axeFindings: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`summaries-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

async function placeOrder(products: Array<{ sku: string; quantity: number; price: string }>): Promise<{ id: number; total: string; tax: string }> {
  const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      customer_id: 0, status_id: 11, payment_method: 'PayPal',
      billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' },
      products: products.map((p) => ({ name: `Product ${p.sku}`, sku: p.sku, quantity: p.quantity, price_ex_tax: p.price, price_inc_tax: p.price })),
    }),
  });
  const json = (await response.json()) as { id: number; total_inc_tax: string; total_tax: string };
  expect(response.status).toBeLessThan(300);
  return { id: json.id, total: json.total_inc_tax, tax: json.total_tax };
}

beforeAll(async () => {
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Summarised Store', currency: 'USD' })).body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders'] })).body.access_token;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
}, 600_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`summaries-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe.skipIf(!process.env.DATABASE_URL)('the daily summary page (Chromium, inside the control panel)', () => {
  const orders: Array<{ id: number; total: string; tax: string }> = [];
  let number = '';

  it('installs, finishes onboarding, and turns daily summaries on with a chosen customer', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 3; i++) await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
    await frame.getByRole('tab', { name: 'Order rules' }).click();
    // The posting mode is below the status table: its panel loads when scrolled to.
    await revealDeferred(frame);
    await frame.getByText('How orders are posted').waitFor({ timeout: 30_000 });
    await frame.getByText('A daily summary', { exact: true }).click();
    await frame.getByLabel('Summary customer').fill('Web shop');
    await frame.getByRole('button', { name: 'Save order rules' }).click();
    await frame.getByTestId('saved').waitFor({ timeout: 15_000 });
    await frame.getByTestId('summaries-link').scrollIntoViewIfNeeded();
    await shot('01-posting-mode');
    await axe('posting mode');
  });

  it('two orders are kept for the day by the pipeline, and the day\'s summary is posted', async () => {
    orders.push(await placeOrder([{ sku: 'MUG-1', quantity: 2, price: '12.50' }]));
    orders.push(await placeOrder([{ sku: 'TEE-M', quantity: 1, price: '19.99' }, { sku: 'CAP-1', quantity: 3, price: '7.25' }]));
    const db = world.database!.db;
    await expect
      .poll(async () => (await db.select({ state: syncRecords.state }).from(syncRecords).where(and(eq(syncRecords.storeHash, hash)))).map((r) => r.state).sort(), { timeout: 60_000, interval: 500 })
      .toEqual(['summarised', 'summarised']);
    const ctx = await createAppContext({ db, env: { TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32), BIGCOMMERCE_API_URL: world.sandboxUrl, variables: {} } }).storeContext(hash as StoreHash);
    const posted = await postSummariesNow({ ...ctx, storeHash: hash }, { date: null });
    expect(posted.summaries.map((s) => [s.key.method, s.result, s.orders])).toEqual([['PayPal', 'posted', 2]]);
    number = posted.summaries[0]!.number;
  });

  it('the posting-mode panel leads to the list, the list to the summary: its orders and their shares add up to it', async () => {
    await frame.getByTestId('summaries-link').click();
    const list = frame.getByTestId('summaries');
    await list.waitFor({ timeout: 30_000 });
    await list.getByRole('link', { name: number }).click();
    const shares = frame.getByTestId('summary-orders');
    await shares.waitFor({ timeout: 30_000 });
    await expect(frame.getByRole('heading', { name: `Daily summary ${number}` }).count()).resolves.toBe(1);
    for (const o of orders) {
      const row = shares.getByRole('row', { name: new RegExp(`BC-${o.id}`) });
      await expect(row.textContent()).resolves.toContain(`${formatUnits(parseUnits(o.total, 2), 2)} USD`);
    }
    const sales = await frame.getByTestId('summary-sales').textContent();
    const total = sum(orders.map((o) => parseUnits(o.total, 2)));
    expect(sales).toContain(`${formatUnits(total, 2)} USD`);
    await expect(frame.getByTestId('summary-state').getAttribute('data-state')).resolves.toBe('posted');
    await shot('02-summary');
    await axe('summary');
  });

  it('exports the summary\'s orders as CSV, each order\'s share on its line', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('button', { name: 'Export orders (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('summary,day,currency,method,type,order_id,order_number,refund_id,order_date,net,tax,total,payment');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[4], Number(r[5])])).toEqual(orders.map((o) => [number, 'order', o.id]));
    expect(sum(rows.map((r) => parseUnits(r[11]!, 2)))).toBe(sum(orders.map((o) => parseUnits(o.total, 2))));
    expect(rows.map((r) => r[12])).toEqual(rows.map((r) => r[11]));
  });

  it('an order\'s page names its summary and leads back to it', async () => {
    await frame.getByTestId('summary-orders').getByRole('link', { name: `BC-${orders[0]!.id}` }).click();
    const link = frame.getByTestId('summary-link');
    await link.waitFor({ timeout: 30_000 });
    await expect(link.textContent()).resolves.toBe(number);
    await shot('03-order');
    await axe('order page');
    await link.click();
    await frame.getByTestId('summary-orders').waitFor({ timeout: 30_000 });
  });

  it('the ledger\'s journal links the summary\'s entry to its page', async () => {
    await frame.getByRole('tab', { name: 'Ledger' }).click();
    const entry = frame.getByRole('link', { name: number });
    await entry.first().waitFor({ timeout: 30_000 });
    await entry.first().click();
    await frame.getByTestId('summary-orders').waitFor({ timeout: 30_000 });
    await expect(frame.getByRole('tab', { name: 'Activity' }).getAttribute('aria-selected')).resolves.toBe('true');
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
