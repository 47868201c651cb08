import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import type { DayResult } from '@/lib/sync/reconcile';
import { reloadAppFrame, startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The reconciliation page in Debian Chromium, inside the sandbox control panel's iframe, against a production build:
 * the 30-day chart (a day that agrees, a day with differences, days not reconciled), the drill-down into a day (the
 * two columns side by side, the differences with their class and a link to the order), the CSV download, the
 * overview's line for yesterday, and "Reconcile now" running the real background job, which replaces the day's result.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
const axeFindings: string[] = [];

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const yesterday = day(-1);
const earlier = day(-4);

const result = (date: string, differences: DayResult['differences']): DayResult => ({
  date, currency: 'USD',
  store: { orders: 3, total: '150.00', tax: '10.00', refunds: '0.00', shipping: '15.00', discounts: '5.00', payments: { 'Credit Card': '100.00', PayPal: '50.00' } },
  books: {
    documents: differences.length ? 2 : 3, total: differences.length ? '100.00' : '150.00', tax: '10.00', refunds: '0.00',
    payments: differences.length ? { 'Credit Card': '100.00' } : { 'Credit Card': '100.00', PayPal: '50.00' },
  },
  differences,
});

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`reconciliation-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

beforeAll(async () => {
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Reconciled Store', currency: 'USD' })).body.hash;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`reconciliation-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe.skipIf(!process.env.DATABASE_URL)('the reconciliation page (Chromium, inside the control panel)', () => {
  it('installs and finishes onboarding', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
    // Two earlier runs' results: a day that agreed, and yesterday with an order missing from the books.
    const repo = createReconciliationRepo({ db: world.database!.db });
    await repo.saveDays(hash as StoreHash, 'ledger', [earlier], [result(earlier, [])]);
    await repo.saveDays(hash as StoreHash, 'ledger', [yesterday], [result(yesterday, [{ orderId: 4242, class: 'missing_in_books', amount: '50.00', reason: 'Not in the books, and never posted by the app.' }])]);
  });

  it('the overview shows yesterday, the chart the 30 days, and a day drills down to its columns and differences', async () => {
    await reloadAppFrame(page);
    const overview = frame.getByTestId('overview-reconciliation');
    await overview.getByText(`${yesterday}: 1 difference(s) between the store and the books.`).waitFor({ timeout: 30_000 });
    await frame.getByRole('tab', { name: 'Reconciliation' }).click();
    const chart = frame.getByTestId('reconciliation-chart');
    await chart.waitFor({ timeout: 30_000 });
    await expect(chart.locator('button').count()).resolves.toBe(30);
    await expect(chart.locator(`button[data-date="${yesterday}"]`).getAttribute('data-status')).resolves.toBe('differs');
    await expect(chart.locator(`button[data-date="${earlier}"]`).getAttribute('data-status')).resolves.toBe('agrees');
    await expect(frame.getByTestId('chart-summary').textContent()).resolves.toContain('1 agree, 1 with differences, 28 not reconciled yet');
    // Yesterday is shown first: the store and the books side by side, the missing order linked.
    const columns = frame.getByTestId('columns-USD');
    await columns.getByRole('cell', { name: 'Paid by PayPal' }).waitFor();
    // Payments by method on both sides: the books hold no PayPal payment that day.
    await expect(columns.getByRole('row', { name: /Paid by PayPal/ }).textContent()).resolves.toMatch(/50\.00.*—/);
    await expect(columns.getByRole('row', { name: /Paid by Credit Card/ }).textContent()).resolves.toMatch(/100\.00.*100\.00/);
    await expect(columns.getByRole('row', { name: /Total/ }).textContent()).resolves.toMatch(/150\.00.*100\.00/);
    const differences = frame.getByTestId('differences-USD');
    await differences.getByText('Missing from the books').waitFor();
    await expect(differences.getByRole('link', { name: 'Order 4242' }).getAttribute('href')).resolves.toBe('/activity/4242');
    await shot('01-yesterday');
    await axe('yesterday');

    // Drill down into the day that agreed.
    await chart.locator(`button[data-date="${earlier}"]`).click();
    await frame.getByText(`The store and the books agree on ${earlier} (USD).`).waitFor({ timeout: 15_000 });
    await expect(chart.locator(`button[data-date="${earlier}"]`).getAttribute('aria-pressed')).resolves.toBe('true');
    await shot('02-agreeing-day');
    await axe('agreeing day');
  });

  it('exports the shown day as CSV', async () => {
    await frame.getByTestId('reconciliation-chart').locator(`button[data-date="${yesterday}"]`).click();
    await frame.getByTestId('differences-USD').waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`reconciliation-${yesterday}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^date,currency,order_id,class,amount,reason,/);
    expect(csv[1]).toMatch(new RegExp(`^${yesterday},USD,4242,missing_in_books,50.00,`));
    expect(csv[0]).toMatch(/,store_payments,books_payments$/);
    expect(csv[1]).toMatch(/,Credit Card=100\.00; PayPal=50\.00,Credit Card=100\.00$/);
  });

  it('"Reconcile now" runs the background job, which reads both sides and replaces the day\'s result', async () => {
    // The store had no orders yesterday and the books no documents: the real run finds that they agree.
    await frame.getByRole('button', { name: `Reconcile ${yesterday} now` }).click();
    await frame.getByText(`The store and the books agree on ${yesterday} (USD).`).waitFor({ timeout: 60_000 });
    await expect(frame.getByTestId('reconciliation-chart').locator(`button[data-date="${yesterday}"]`).getAttribute('data-status')).resolves.toBe('agrees');
    await shot('03-reconciled-now');
    await axe('reconciled now');
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
