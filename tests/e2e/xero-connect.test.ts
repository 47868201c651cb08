import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { XeroSpecValidator, xeroSpecsAvailable } from '@/tests/sandbox/xero/openapi';
import { reloadAppFrame, revealDeferred, startE2eWorld, XERO_CLIENT_ID, type E2eWorld } from './support/harness';

/**
 * Connecting Xero from inside the control panel, in Debian Chromium against a production build with the Xero sandbox
 * mounted under /xero: "Connect Xero" opens Xero's consent page in a window of its own (never inside the iframe),
 * the merchant chooses one of two organisations there, the embedded page notices and says "Connected to …"; the
 * Xero settings and accounts are chosen from Xero's live chart; an order placed in the store is booked in Xero as a
 * paid invoice that validates against Xero's spec; a revoked grant becomes "Reconnect Xero" and reconnecting works.
 * The tests run in order and share one store.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
const orgs = { main: '', other: '' };
const axeFindings: string[] = [];

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: world.screenshotPath(`xero-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).slice(0, 3).join(' | ')}`);
    }
  }
}

async function openTab(name: string, ready: string, timeout = 30_000) {
  const paths: Record<string, string> = { Overview: '/', Connections: '/connections', Mappings: '/mappings', Activity: '/activity' };
  const tab = frame.getByRole('tab', { name });
  if ((await tab.getAttribute('aria-selected')) === 'true') {
    await frame.locator('body').evaluate((_, p) => window.location.assign(p), paths[name] ?? '/');
  } else await tab.click();
  // The mappings' lower panels (revenue rules, tax rates, the system's posting panel) load when scrolled to.
  if (name === 'Mappings') await revealDeferred(frame, timeout);
  await frame.getByText(ready).first().waitFor({ timeout });
}

/** A BigDesign Select: its combobox by label, then the option. */
const combobox = (label: string) => frame.getByRole('combobox', { name: label, exact: true });

async function chooseOption(label: string, option: string) {
  await combobox(label).click();
  await frame.getByRole('option', { name: option, exact: true }).click();
}

/** Clicks a button in the frame that opens a window, and returns that window once it shows Xero's consent page. */
async function consentWindow(button: string): Promise<Page> {
  const opened = page.context().waitForEvent('page');
  await frame.getByRole('button', { name: button }).click();
  const popup = await opened;
  await popup.waitForURL(/\/xero\/identity\/connect\/authorize\?/, { timeout: 30_000 });
  return popup;
}

async function xeroToken(tenantId: string): Promise<string> {
  const token = await world.admin<{ access_token: string }>(`/__sandbox/xero/tenants/${tenantId}/tokens`, {});
  expect(token.status).toBe(201);
  return token.body.access_token;
}

async function xeroApi<T = Record<string, unknown>>(tenantId: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${world.sandboxUrl}/xero/api.xro/2.0${route}`, {
    method,
    headers: {
      authorization: `Bearer ${await xeroToken(tenantId)}`,
      'xero-tenant-id': tenantId,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

beforeAll(async () => {
  world = await startE2eWorld({ xero: true });
  // Two organisations for the one sandbox user: the consent page asks which one.
  for (const [key, name] of [['main', 'Harbour Goods Ltd'], ['other', 'Harbour Goods Wholesale Ltd']] as const) {
    const created = await world.admin<{ tenantId: string }>('/__sandbox/xero/tenants', { name, currency: 'USD' });
    expect(created.status).toBe(201);
    orgs[key] = created.body.tenantId;
  }
  const store = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Harbour Goods', currency: 'USD' });
  hash = store.body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders'] })).body.access_token;
  // A small catalog for "Import items" (no orders: the order test places its own).
  expect((await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 3, customers: 0, orders: 0, seed: 5 })).status).toBe(201);
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`xero-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('Xero from the embedded app (Chromium, inside the control panel)', () => {
  it('Connect Xero opens the consent page in a new window; choosing an organisation shows "Connected to …" in the frame', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Where should orders be posted?').waitFor({ timeout: 60_000 });
    // Onboarding offers Xero now that the app can connect it, and goes on only once it is connected.
    await frame.getByText('Xero', { exact: true }).click();
    await frame.getByTestId('connection-xero').getByRole('button', { name: 'Connect Xero' }).waitFor();
    await expect(frame.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await shot('00-onboarding-xero');
    await axe('onboarding (Xero chosen)');
    // This store connects Xero from the connections page instead.
    await frame.getByText('Built-in ledger', { exact: true }).click();
    await expect(frame.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(false);
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });

    await openTab('Connections', 'Accounting systems');
    await frame.getByTestId('provider-xero').getByText('Available').waitFor();
    await frame.getByTestId('connection-xero').getByText('Xero opens in a new window').waitFor();
    await shot('01-connections-before');
    await axe('connections (not connected)');

    const popup = await consentWindow('Connect Xero');
    // The consent page is Xero's own window, not the app's frame; the frame waits for it.
    expect(page.frames().some((f) => f.url().includes('/xero/identity/'))).toBe(false);
    await expect.poll(() => frame.getByTestId('connection-xero').getAttribute('data-status')).toBe('waiting');
    await popup.locator('#tenant').selectOption({ label: 'Harbour Goods Ltd' });
    await shot('02-consent-window', popup);
    await popup.click('#allow');
    await popup.getByText('Xero is connected').waitFor({ timeout: 30_000 });
    await shot('03-callback-window', popup);
    await popup.close();

    await frame.getByTestId('connection-tenant').getByText('Connected to Harbour Goods Ltd').waitFor({ timeout: 30_000 });
    await frame.getByTestId('provider-xero').getByText('Connected').waitFor({ timeout: 30_000 });
    await frame.getByTestId('connection-xero').getByRole('button', { name: 'Test connection' }).click();
    await frame.getByTestId('connection-xero').getByText('OK: Open Xero. Harbour Goods Ltd').waitFor({ timeout: 30_000 });
    await frame.getByTestId('connection-xero').getByText(/OK: Read the chart of accounts\. \d+ accounts/).waitFor();
    await shot('04-connections-connected');
    await axe('connections (connected)');
  });

  it('the mappings page lists Xero\'s accounts and its tracking categories live, and saves the Xero settings', async () => {
    // A category added in Xero after connecting appears without anything cached in the way.
    const region = await xeroApi<{ TrackingCategories: Array<{ TrackingCategoryID: string }> }>(orgs.main, 'PUT', '/TrackingCategories', { Name: 'Region' });
    expect(region.status).toBe(200);
    const regionId = region.json.TrackingCategories[0]!.TrackingCategoryID;
    expect((await xeroApi(orgs.main, 'PUT', `/TrackingCategories/${regionId}/Options`, { Options: [{ Name: 'North' }, { Name: 'South' }] })).status).toBe(200);

    await openTab('Mappings', 'Payment methods');
    await frame.getByText('How orders become documents in your Xero organisation.').waitFor({ timeout: 30_000 });
    // The ledger's account codes are not in Xero's chart: each is flagged until chosen from Xero's accounts.
    await frame.getByText('Account 4000 does not exist in your accounting system. Choose an account from the list.').first().waitFor();
    await shot('05-mappings-xero-before');
    for (const [label, account] of [
      ['Product sales', '200 Sales'],
      ['Shipping', '210 Shipping Income'],
      ['Handling', '210 Shipping Income'],
      ['Gift wrapping', '210 Shipping Income'],
      ['Fees', '260 Other Revenue'],
      ['Discounts', '270 Discounts Given'],
      ['Rounding', '260 Other Revenue'],
      ['Gift certificates sold', '800 Accounts Payable'],
      ['Default account for payments', '092 Store Payments Clearing'],
      ['Store credit account', '800 Accounts Payable'],
      ['Gift certificate account', '800 Accounts Payable'],
    ] as const) {
      await chooseOption(label, account);
    }
    await frame.getByLabel('Default tax code').fill('TAX001');
    await chooseOption('Tracking category', 'Region');
    await chooseOption('Tracking option', 'South');
    // Imported products that BigCommerce tracks become tracked items in Xero with these two.
    await chooseOption('Inventory asset account', '630 Inventory');
    await chooseOption('Cost of goods sold account', '310 Cost of Goods Sold');
    await chooseOption('Document status', 'Draft');
    await frame.getByText('Payments are not recorded on drafts').waitFor();
    await shot('06-mappings-xero-draft');
    // Back to approved invoices: the order below is paid, and its payment belongs in Xero.
    await chooseOption('Document status', 'Approved');
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor({ timeout: 30_000 });
    await axe('mappings (Xero)');

    await reloadAppFrame(page);
    await revealDeferred(frame);
    await combobox('Tracking option').waitFor({ timeout: 30_000 });
    await expect(combobox('Tracking category').inputValue()).resolves.toBe('Region');
    await expect(combobox('Tracking option').inputValue()).resolves.toBe('South');
    await expect(combobox('Document status').inputValue()).resolves.toBe('Approved');
    await expect(combobox('Product sales').inputValue()).resolves.toBe('200 Sales');
    await shot('07-mappings-xero-saved');
  });

  it('on Xero the mappings page offers Import items: the preview lists the catalog, and importing creates those items in Xero', async () => {
    const section = frame.getByTestId('remote-items-stock');
    await section.getByRole('button', { name: 'Preview import' }).click();
    const preview = frame.getByTestId('import-preview');
    await preview.waitFor({ timeout: 30_000 });
    const summary = (await preview.getByText(/^Into Xero: \d+ to create/).textContent()) ?? '';
    const planned = Number(/Into Xero: (\d+) to create/.exec(summary)?.[1]);
    expect(planned).toBeGreaterThan(0);
    await shot('07b-mappings-xero-import-preview');
    await frame.getByRole('button', { name: `Import ${planned} item(s)` }).click();
    await frame.getByText(`Xero: ${planned} item(s) created, 0 updated`).waitFor({ timeout: 60_000 });
    const items = await xeroApi(orgs.main, 'GET', '/Items');
    expect(items.status).toBe(200);
    const created = items.json.Items as Array<{ IsTrackedAsInventory?: boolean; InventoryAssetAccountCode?: string }>;
    expect(created.length).toBeGreaterThanOrEqual(planned);
    // The inventory accounts chosen above make the products BigCommerce tracks tracked items in Xero.
    const tracked = created.filter((i) => i.IsTrackedAsInventory);
    expect(tracked.length).toBeGreaterThan(0);
    expect(tracked.every((i) => i.InventoryAssetAccountCode === '630')).toBe(true);
  });

  it('an order placed in the store is booked in Xero as a paid invoice equal to the order, valid against Xero\'s spec', async () => {
    const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        customer_id: 0,
        status_id: 11,
        payment_method: 'PayPal',
        billing_address: { first_name: 'Grace', last_name: 'Hopper', street_1: '1 Harbour St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'grace@example.com' },
        products: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: '12.50', price_inc_tax: '13.53' }],
      }),
    });
    expect(response.status).toBeLessThan(300);
    const order = (await response.json()) as { id: number; total_inc_tax: string; total_tax: string };

    await openTab('Activity', 'Every order and its sync state');
    const state = frame.getByTestId(`state-${order.id}`);
    await state.waitFor({ timeout: 30_000 });
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 60_000 }).toBe('posted');
    await shot('08-activity-posted-to-xero');

    const invoices = await world.admin<Array<{ InvoiceID: string; Reference: string; Total: number; TotalTax: number; AmountPaid: number; LineItems: unknown[] }>>(`/__sandbox/xero/tenants/${orgs.main}/invoices`);
    const booked = invoices.body.filter((i) => i.Reference === `BigCommerce order #${order.id}`);
    expect(booked).toHaveLength(1);
    const invoice = booked[0]!;
    expect(invoice).toMatchObject({ Type: 'ACCREC', InvoiceNumber: `BC-${order.id}`, Status: 'PAID', CurrencyCode: 'USD', LineAmountTypes: 'Exclusive' });
    expect(Number(invoice.Total).toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    expect(Number(invoice.TotalTax).toFixed(2)).toBe(Number(order.total_tax).toFixed(2));
    expect(Number(invoice.AmountPaid).toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    expect(invoice.LineItems[0]).toMatchObject({ AccountCode: '200', TaxType: 'TAX001', Quantity: 2 });
    // Nothing went to the organisation that was not chosen.
    expect((await world.admin<unknown[]>(`/__sandbox/xero/tenants/${orgs.other}/invoices`)).body).toEqual([]);

    const read = await xeroApi<{ Invoices: Array<{ Payments: unknown[] }> }>(orgs.main, 'GET', `/Invoices/${invoice.InvoiceID}`);
    expect(read.status).toBe(200);
    if (xeroSpecsAvailable) expect(new XeroSpecValidator().validateResponse('xero_accounting.yaml', '/Invoices/{InvoiceID}', 'get', 200, read.json)).toEqual([]);
    expect(read.json.Invoices[0]!.Payments).toHaveLength(1);
  });

  it('tracking by channel: a channel gets its own option, kept after a reload; a channel twice is refused at the field; its orders are tracked so in Xero', async () => {
    // The mappings page reads Xero's chart through the organisation's pacer first: it may wait for Xero's next minute.
    await openTab('Mappings', 'Payment methods', 90_000);
    const byChannel = frame.locator('[data-setting="posting.trackingByChannel"]');
    // The posting panel reads Xero's tracking categories through the organisation's pacer: after this file's earlier
    // orders (each an invoice, a payment and now and then a contact update) it may wait for Xero's next minute.
    await byChannel.getByText('Tracking by channel').waitFor({ timeout: 90_000 });
    await byChannel.getByRole('button', { name: 'Add a channel' }).click();
    await byChannel.getByRole('button', { name: 'Add a channel' }).click();
    const channels = byChannel.getByRole('spinbutton', { name: 'Channel id' });
    const options = byChannel.getByRole('combobox', { name: 'Tracking option' });
    // New rows take the next channel ids.
    await expect(channels.nth(0).inputValue()).resolves.toBe('2');
    await expect(channels.nth(1).inputValue()).resolves.toBe('3');
    await options.nth(0).click();
    await frame.getByRole('option', { name: 'Region: North', exact: true }).click();
    await channels.nth(1).fill('2');
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    // A save reads Xero's chart through the same pacer (60 calls a minute).
    await byChannel.getByText('Channel 2 already has a tracking option above.').waitFor({ timeout: 90_000 });
    await expect(frame.getByTestId('saved').count()).resolves.toBe(0);
    await byChannel.scrollIntoViewIfNeeded();
    await shot('08b-tracking-by-channel-refused');

    await byChannel.getByRole('button', { name: 'Remove' }).nth(1).click();
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor({ timeout: 90_000 });
    await reloadAppFrame(page);
    await revealDeferred(frame);
    await byChannel.getByText('Tracking by channel').waitFor({ timeout: 90_000 });
    await expect.poll(() => channels.count(), { timeout: 30_000 }).toBe(1);
    await expect(channels.nth(0).inputValue()).resolves.toBe('2');
    await expect(options.nth(0).inputValue()).resolves.toBe('Region: North');
    // The store-wide option is untouched.
    await expect(combobox('Tracking category').inputValue()).resolves.toBe('Region');
    await shot('08c-tracking-by-channel-saved');

    // An order of channel 2 is tracked as North in Xero; the store's other orders keep South (the order above).
    const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        customer_id: 0,
        status_id: 11,
        channel_id: 2,
        payment_method: 'PayPal',
        billing_address: { first_name: 'Alan', last_name: 'Turing', street_1: '2 Harbour St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'alan@example.com' },
        products: [{ name: 'Mug', sku: 'MUG-1', quantity: 1, price_ex_tax: '12.50', price_inc_tax: '13.53' }],
      }),
    });
    expect(response.status).toBeLessThan(300);
    const order = (await response.json()) as { id: number };
    type Invoice = { Reference: string; LineItems: Array<{ Tracking?: Array<{ Name: string; Option: string }> }> };
    const invoiceOf = async (id: number) =>
      (await world.admin<Invoice[]>(`/__sandbox/xero/tenants/${orgs.main}/invoices`)).body.find((i) => i.Reference === `BigCommerce order #${id}`);
    await expect.poll(async () => (await invoiceOf(order.id)) !== undefined, { timeout: 60_000 }).toBe(true);
    expect((await invoiceOf(order.id))!.LineItems[0]!.Tracking).toEqual([expect.objectContaining({ Name: 'Region', Option: 'North' })]);
    const channelOne = (await world.admin<Invoice[]>(`/__sandbox/xero/tenants/${orgs.main}/invoices`)).body.find((i) => i.Reference !== `BigCommerce order #${order.id}`);
    expect(channelOne?.LineItems[0]!.Tracking).toEqual([expect.objectContaining({ Name: 'Region', Option: 'South' })]);
  }, 300_000);

  it('a grant revoked in Xero becomes "Reconnect Xero", and reconnecting brings the organisation back', async () => {
    const revoked = await world.admin<unknown>('/__sandbox/xero/revoke', { clientId: XERO_CLIENT_ID });
    expect(revoked.status).toBe(200);
    await openTab('Connections', 'Accounting systems');
    // The app may find the revoked grant on its own first (a background job calling Xero between the revoke and the
    // page): then the card already asks to reconnect; otherwise "Test connection" finds it.
    const card = frame.getByTestId('connection-xero');
    const testButton = card.getByRole('button', { name: 'Test connection' });
    const reconnectButton = card.getByRole('button', { name: 'Reconnect Xero' });
    await testButton.or(reconnectButton).first().waitFor({ timeout: 30_000 });
    if (await testButton.isVisible()) await testButton.click();
    await reconnectButton.waitFor({ timeout: 30_000 });
    await frame.getByTestId('connection-xero').getByText('Reconnect needed').waitFor();
    await shot('09-reconnect');
    await axe('connections (reconnect)');

    const popup = await consentWindow('Reconnect Xero');
    await popup.locator('#tenant').selectOption({ label: 'Harbour Goods Ltd' });
    await popup.click('#allow');
    await popup.getByText('Xero is connected').waitFor({ timeout: 30_000 });
    await popup.close();
    await frame.getByTestId('connection-tenant').getByText('Connected to Harbour Goods Ltd').waitFor({ timeout: 30_000 });
    await shot('10-reconnected');
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
