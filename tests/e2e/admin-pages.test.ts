import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The embedded admin in Debian Chromium, inside the sandbox control panel's iframe, against a production build:
 * onboarding, order rules, mappings, activity with retry and preview, backfill, ledger, accessibility, and
 * tenant isolation. One world (one build) for the file; the tests run in order and share one store.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
const axeFindings: string[] = [];

const billing = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  street_1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  country: 'United States',
  country_iso2: 'US',
  email: 'ada@example.com',
};

async function placeOrder(body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ customer_id: 0, status_id: 11, billing_address: billing, ...body }),
  });
  const json = (await response.json()) as { id: number };
  expect(response.status).toBeLessThan(300);
  return json.id;
}

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`admin-${name}`), fullPage: true });
}

/** axe-core on the app inside the iframe; serious and critical violations are collected and asserted at the end. */
async function axe(name: string) {
  // The pointer rests away from the page, as it would while reading (a hovered button is another state).
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`).slice(0, 3).join(' | ')}`);
    }
  }
}

async function openTab(name: string, ready: string) {
  const tab = frame.getByRole('tab', { name });
  // Clicking the tab that is already active does nothing: open its page afresh in the frame instead.
  const paths: Record<string, string> = { Overview: '/', Connections: '/connections', 'Order rules': '/order-rules', Mappings: '/mappings', Activity: '/activity', Ledger: '/ledger' };
  if ((await tab.getAttribute('aria-selected')) === 'true') {
    await frame.locator('body').evaluate((_, path) => window.location.assign(path), paths[name] ?? '/');
  } else await tab.click();
  await frame.getByText(ready).first().waitFor({ timeout: 30_000 });
}

async function chooseOption(label: string, option: string) {
  await frame.getByLabel(label, { exact: true }).click();
  await frame.getByRole('option', { name: option, exact: true }).click();
}

beforeAll(async () => {
  world = await startE2eWorld();
  const created = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Admin Store', currency: 'USD' });
  hash = created.body.hash;
  const account = await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders'] });
  apiToken = account.body.access_token;
  // axe-core's Playwright adapter needs a page from an explicit context.
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`admin-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('the embedded admin (Chromium, inside the control panel)', () => {
  it('onboarding completes on first open and finishes on the overview', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    await frame.getByText('Where should orders be posted?').waitFor();
    await expect(frame.getByRole('radio', { name: /Xero/ }).isDisabled()).resolves.toBe(true);
    await shot('01-onboarding-provider');
    await axe('onboarding');
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByText('Which orders are sales?').waitFor();
    await shot('02-onboarding-rules');
    await axe('onboarding rules');
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
    await expect(frame.getByText('Finish setting up Ledgerbridge').count()).resolves.toBe(0);
    await frame.getByTestId('connection-accounting').getByText('Connected').waitFor({ timeout: 30_000 });
    await frame.getByTestId('connection-store').getByText('Connected').waitFor({ timeout: 30_000 });
    await shot('03-overview');
    await axe('overview');
  });

  it('a rule change is saved and survives a reload', async () => {
    await openTab('Order rules', 'Document number prefix');
    const prefix = frame.getByLabel('Document number prefix');
    await prefix.fill('LB-');
    await expect(frame.getByTestId('prefix-example').textContent()).resolves.toBe('Order 1042 → LB-1042');
    await frame.getByRole('button', { name: 'Save order rules' }).click();
    await frame.getByTestId('saved').waitFor();
    await shot('04-order-rules');
    await axe('order rules');
    // Reload the app inside the frame: the session survives in the tab, the rule comes back from the server.
    await frame.locator('body').evaluate(() => window.location.reload());
    await frame.getByLabel('Document number prefix').waitFor({ timeout: 30_000 });
    await expect(frame.getByLabel('Document number prefix').inputValue()).resolves.toBe('LB-');
  });

  let postedOrder = 0;
  it('an order placed in the store appears in Activity as posted within seconds', async () => {
    postedOrder = await placeOrder({
      payment_method: 'PayPal',
      products: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: '12.50', price_inc_tax: '13.53' }],
    });
    const placedAt = Date.now();
    await openTab('Activity', 'Every order and its sync state');
    const state = frame.getByTestId(`state-${postedOrder}`);
    await state.waitFor({ timeout: 30_000 });
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('posted');
    expect(Date.now() - placedAt).toBeLessThan(30_000);
    await shot('05-activity');
    await axe('activity');
  });

  it('an invalid mapping is refused with a field message', async () => {
    await openTab('Mappings', 'Payment methods');
    await frame.getByTestId('method-PayPal').waitFor({ timeout: 30_000 });
    await chooseOption('Account for PayPal', '4000 Sales');
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByText(/4000 \(Sales\) cannot receive payments/).first().waitFor({ timeout: 15_000 });
    await shot('06-mappings-refused');
    await axe('mappings');
    // Put it right: PayPal payments go to PayPal Clearing.
    await chooseOption('Account for PayPal', '1020 PayPal Clearing');
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor();
  });

  it('a failed order shows its reason, is fixed by adding the mapping, and posts after Retry', async () => {
    await openTab('Mappings', 'Tax rates');
    await frame.getByText('Hold orders whose tax rate has no tax code').click();
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor();

    const held = await placeOrder({
      payment_method: 'PayPal',
      products: [{ name: 'Teapot', sku: 'TEA-1', quantity: 1, price_ex_tax: '40.00', price_inc_tax: '43.30' }],
    });
    await openTab('Activity', 'Every order and its sync state');
    const state = frame.getByTestId(`state-${held}`);
    await state.waitFor({ timeout: 30_000 });
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('held');
    await frame.getByTestId(`order-link-${held}`).click();
    await frame.getByTestId('order-reason').getByText(/Tax rate "Sales Tax" \(8\.25%\) is not mapped/).waitFor({ timeout: 30_000 });
    await shot('07-order-held');
    await axe('order page (held)');

    await openTab('Mappings', 'Tax rates');
    const code = frame.getByLabel('Tax code for Sales Tax 8.25%');
    await code.waitFor({ timeout: 30_000 });
    await frame.getByText('Not mapped', { exact: true }).first().waitFor();
    await code.fill('ST-8.25');
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor();

    await openTab('Activity', 'Every order and its sync state');
    await frame.getByTestId(`order-link-${held}`).click();
    await frame.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => frame.getByTestId('order-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('posted');
    await expect(frame.getByTestId('document-number').textContent()).resolves.toBe(`LB-${held}`);
    await frame.getByTestId('timeline').getByText('Retry requested').waitFor();
  });

  it('Preview shows the same totals as the posted document', async () => {
    await openTab('Activity', 'Every order and its sync state');
    await frame.getByTestId(`order-link-${postedOrder}`).click();
    await frame.getByTestId('posted-document-total').waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Preview' }).click();
    await frame.getByTestId('preview-document-total').waitFor({ timeout: 30_000 });
    for (const part of ['net', 'tax', 'total']) {
      const posted = await frame.getByTestId(`posted-document-${part}`).textContent();
      await expect(frame.getByTestId(`preview-document-${part}`).textContent()).resolves.toBe(posted);
    }
    await expect(frame.getByTestId('posted-document-total').textContent()).resolves.toBe('27.06 USD');
    await shot('08-order-preview');
    await axe('order page (preview)');
  });

  it('the backfill progress bar reaches 100%', async () => {
    await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 8, customers: 4, orders: 40, seed: 7 });
    await openTab('Order rules', 'Post past orders (backfill)');
    await frame.getByLabel('Orders placed since').fill('2000-01-01');
    await frame.getByRole('button', { name: 'Start backfill' }).click();
    const progress = frame.getByTestId('backfill-progress');
    await expect.poll(() => progress.getAttribute('data-percent'), { timeout: 90_000, interval: 500 }).toBe('100');
    await expect(progress.getAttribute('data-status')).resolves.toBe('completed');
    await expect(frame.getByTestId('backfill-counts').textContent()).resolves.toMatch(/Seen \d+ of \d+ · posted \d+/);
    await shot('09-backfill-complete');
  });

  it('the ledger shows the journal, trial balance, customers and items, and adjusts stock', async () => {
    await openTab('Ledger', 'The built-in double-entry ledger');
    await frame.getByText(`LB-${postedOrder}`).first().waitFor({ timeout: 30_000 });
    await shot('10-ledger-journal');
    await axe('ledger journal');
    await frame.getByRole('tab', { name: 'Trial balance' }).click();
    await frame.getByText('Balanced', { exact: true }).waitFor({ timeout: 30_000 });
    await shot('11-ledger-trial-balance');
    await axe('ledger trial balance');
    await frame.getByRole('tab', { name: 'Customers' }).click();
    await frame.getByText('Web Sales').first().waitFor({ timeout: 30_000 });
    await frame.getByRole('tab', { name: 'Items and stock' }).click();
    await frame.getByLabel('SKU').fill('MUG-1');
    await frame.getByLabel('Quantity on hand').fill('12');
    await frame.getByLabel('Name (to create a new item)').fill('Mug');
    await frame.getByRole('button', { name: 'Save stock level' }).click();
    await frame.getByText('MUG-1 now has 12 on hand.').waitFor({ timeout: 15_000 });
    await shot('12-ledger-items');
    await axe('ledger items');
  });

  it('the connections page shows the ledger connected and the others coming soon', async () => {
    await openTab('Connections', 'Accounting systems');
    await frame.getByTestId('provider-ledger').getByText('Connected').waitFor();
    await frame.getByTestId('provider-xero').getByText('Coming soon').waitFor();
    await frame.getByRole('button', { name: 'Test connection' }).last().click();
    await frame.getByTestId('connection-accounting').getByText('Read the chart of accounts', { exact: false }).waitFor({ timeout: 15_000 });
    await shot('13-connections');
    await axe('connections');
  });

  it('axe-core finds no serious or critical violation on any page', () => {
    expect(axeFindings).toEqual([]);
  });

  it('a session for one store cannot load another store’s order page', async () => {
    const other = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Other Store', currency: 'USD' });
    const installed = await world.admin<{ status: number }>(`/__sandbox/stores/${other.body.hash}/install`, {});
    expect(installed.body.status).toBe(200);
    const load = await world.admin<{ signed_payload_jwt: string }>(`/__sandbox/stores/${other.body.hash}/load`, {});
    const intruder = await world.browser.newPage();
    try {
      await intruder.goto(`${world.appUrl}/api/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(load.body.signed_payload_jwt)}`);
      await intruder.getByRole('tab', { name: 'Activity' }).waitFor({ timeout: 30_000 });
      await intruder.goto(`${world.appUrl}/activity/${postedOrder}`);
      await intruder.getByText(`This store has no sync history for order ${postedOrder}.`).waitFor({ timeout: 30_000 });
      await expect(intruder.getByText('Ada Lovelace').count()).resolves.toBe(0);
      await intruder.screenshot({ path: world.screenshotPath('admin-14-other-store-refused'), fullPage: true });
    } finally {
      await intruder.close();
    }
  });
});
