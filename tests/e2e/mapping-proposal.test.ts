import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './support/harness';

/**
 * Issue 16 in the browser: a new store chooses Xero in onboarding, connects it, and the next step shows the mappings
 * proposed from the organisation's own chart (each with its reason); the merchant chooses what needs a choice and
 * accepts, finishes setup, and the first order is booked in Xero on 200 Sales with the income VAT rate, with no trip
 * to the mappings page. Chromium against the production build, the Xero sandbox under /xero.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
let tenantId = '';
const axeFindings: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`mapping-proposal-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  // The step itself: the rest of the page has browser tests of its own.
  const results = await new AxeBuilder({ page: page as never }).include(['#app-frame', '[data-testid="mapping-proposal"]']).analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).slice(0, 3).join(' | ')}`);
    }
  }
}

beforeAll(async () => {
  world = await startE2eWorld({ xero: true });
  for (const name of ['Demo Company (UK)', 'Other Books Ltd']) {
    const created = await world.admin<{ tenantId: string }>('/__sandbox/xero/tenants', { name, currency: 'GBP' });
    expect(created.status).toBe(201);
    if (!tenantId) tenantId = created.body.tenantId;
  }
  const store = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Teapots & Co', currency: 'GBP' });
  hash = store.body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders'] })).body.access_token;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`mapping-proposal-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('onboarding proposes the mappings from the connected Xero organisation (Chromium)', () => {
  it('connect Xero in onboarding, see the proposal with its reasons, choose what needs a choice, accept, finish', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Where should orders be posted?').waitFor({ timeout: 60_000 });
    await frame.getByText('Xero', { exact: true }).click();
    const opened = page.context().waitForEvent('page');
    await frame.getByTestId('connection-xero').getByRole('button', { name: 'Connect Xero' }).click();
    const popup = await opened;
    await popup.waitForURL(/\/xero\/identity\/connect\/authorize\?/, { timeout: 30_000 });
    await popup.locator('#tenant').selectOption({ label: 'Demo Company (UK)' });
    await popup.click('#allow');
    await popup.getByText('Xero is connected').waitFor({ timeout: 30_000 });
    await popup.close();
    await frame.getByTestId('connection-tenant').getByText('Connected to Demo Company (UK)').waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Next' }).click();

    // The Mappings step: proposed from Xero's chart, each with why; nothing saved yet.
    await frame.getByText('Check the mappings').waitFor({ timeout: 30_000 });
    const proposal = frame.getByTestId('mapping-proposal');
    await proposal.getByTestId('proposed-accounts.sales').getByText('200 Sales').waitFor({ timeout: 30_000 });
    await expect(proposal.getByTestId('proposed-accounts.shipping').textContent()).resolves.toBe('210 Shipping Income');
    await expect(proposal.getByTestId('proposed-payments.defaultAccount').textContent()).resolves.toBe('092 Store Payments Clearing');
    await proposal.getByText(/as in Xero's default chart/).first().waitFor();
    await proposal.getByTestId('proposed-tax').getByText('20% (VAT on Income)', { exact: true }).first().waitFor();
    await proposal.getByTestId('proposed-tax').getByText('Zero Rated Income', { exact: true }).first().waitFor();
    await expect(frame.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await expect(frame.getByRole('button', { name: 'Accept these mappings' }).isDisabled()).resolves.toBe(true);
    await shot('01-proposed');
    await axe('onboarding mappings step');

    // Nothing in a new organisation's chart is named for gift certificates or store credit: the merchant chooses.
    for (const label of ['Gift certificates sold', 'Store credit account', 'Gift certificate account']) {
      await frame.getByRole('combobox', { name: `Account for ${label}` }).click();
      await frame.getByRole('option', { name: '860 Rounding', exact: true }).click();
    }
    await frame.getByRole('button', { name: 'Accept these mappings' }).click();
    await frame.getByTestId('proposal-accepted').waitFor({ timeout: 30_000 });
    await shot('02-accepted');

    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByText('Which orders are sales?').waitFor();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByText(/will be posted to Xero \(Demo Company \(UK\)\)/).waitFor();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
  });

  it('the first order is booked in Xero on the proposed accounts and tax rate', async () => {
    const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        customer_id: 0,
        status_id: 11,
        payment_method: 'Credit Card',
        billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '12 Marylebone Rd', city: 'London', state: 'London', zip: 'NW1 5LR', country: 'United Kingdom', country_iso2: 'GB', email: 'ada@example.co.uk' },
        products: [{ name: 'Teapot', sku: 'TEA-1', quantity: 2, price_ex_tax: '20.00', price_inc_tax: '24.00' }],
      }),
    });
    expect(response.status).toBeLessThan(300);
    const order = (await response.json()) as { id: number; total_inc_tax: string; total_tax: string };
    type Invoice = { Reference: string; Total: number; TotalTax: number; LineItems: Array<{ AccountCode?: string; TaxType?: string; TaxAmount?: number }> };
    const booked = async () => (await world.admin<Invoice[]>(`/__sandbox/xero/tenants/${tenantId}/invoices`)).body.filter((i) => i.Reference === `BigCommerce order #${order.id}`);
    await expect.poll(async () => (await booked()).length, { timeout: 60_000 }).toBe(1);
    const invoice = (await booked())[0]!;
    expect(Number(invoice.Total).toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    expect(Number(invoice.TotalTax).toFixed(2)).toBe(Number(order.total_tax).toFixed(2));
    expect(invoice.LineItems.find((l) => Number(l.TaxAmount) > 0)).toMatchObject({ AccountCode: '200', TaxType: 'OUTPUT2' });
  });

  it("the Disconnect dialog (its code fetched on the first open) asks first, and 'Keep connected' keeps Xero", async () => {
    await frame.getByRole('tab', { name: 'Connections' }).click();
    const card = frame.getByTestId('connection-xero');
    await card.getByText('Connected to Demo Company (UK)').waitFor({ timeout: 30_000 });
    await expect(frame.getByRole('dialog').count()).resolves.toBe(0);
    await card.getByRole('button', { name: 'Disconnect' }).click();
    // BigDesign names the dialog's content, not the element with role=dialog: found by its heading instead.
    const dialog = frame.getByRole('dialog');
    await dialog.getByText('Disconnect Xero?', { exact: true }).waitFor({ timeout: 30_000 });
    await dialog.getByText('Ledgerbridge gives up its access to Demo Company (UK) and posts new orders to the built-in ledger. Documents already in Xero stay there.').waitFor();
    await shot('03-disconnect-dialog');
    await dialog.getByRole('button', { name: 'Keep connected' }).click();
    await expect.poll(() => frame.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);
    await card.getByText('Connected to Demo Company (UK)').waitFor();
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
