import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUICKBOOKS_CLIENT_ID, reloadAppFrame, revealDeferred, startE2eWorld, type E2eWorld } from './support/harness';

/**
 * Connecting QuickBooks Online from inside the control panel, in Debian Chromium against a production build with the
 * QuickBooks sandbox mounted under /quickbooks: "Connect QuickBooks" opens Intuit's consent page in a window of its
 * own, the merchant chooses one of two companies there, the embedded page says "Connected to …"; the accounts and the
 * class or department are chosen from the company's live lists and survive a reload; an order placed in the store is
 * booked in QuickBooks as a document equal to the order; a grant revoked in QuickBooks holds the next order with
 * "Reconnect QuickBooks", and reconnecting through the browser posts it exactly once. The tests run in order and
 * share one store.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
const companies = { main: '', other: '' };
const MAIN = 'Harbour Goods Inc';
const OTHER = 'Harbour Goods Wholesale Inc';
/** The class every line is tracked with, and its id in QuickBooks. */
const CLASS = { name: 'Web Store', id: '' };
/** The first order, booked before the grant is revoked: it must stay booked once. */
let firstOrderId = 0;
const axeFindings: string[] = [];

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: world.screenshotPath(`quickbooks-${name}`), fullPage: true });
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

async function openTab(name: string, ready: string) {
  const paths: Record<string, string> = { Overview: '/', Connections: '/connections', Mappings: '/mappings', Activity: '/activity' };
  const tab = frame.getByRole('tab', { name });
  if ((await tab.getAttribute('aria-selected')) === 'true') {
    await frame.locator('body').evaluate((_, p) => window.location.assign(p), paths[name] ?? '/');
  } else await tab.click();
  // The mappings' lower panels (revenue rules, tax rates, the system's posting panel) load when scrolled to.
  if (name === 'Mappings') await revealDeferred(frame);
  await frame.getByText(ready).first().waitFor({ timeout: 30_000 });
}

/** A BigDesign Select: its combobox by label, then the option. */
const combobox = (label: string) => frame.getByRole('combobox', { name: label, exact: true });

async function chooseOption(label: string, option: string) {
  await combobox(label).click();
  await frame.getByRole('option', { name: option, exact: true }).click();
}

const card = () => frame.getByTestId('connection-quickbooks');

/** Clicks a button on the QuickBooks card, and returns the window it opens once that shows Intuit's consent page. */
async function consentWindow(button: string): Promise<Page> {
  const opened = page.context().waitForEvent('page');
  await card().getByRole('button', { name: button }).click();
  const popup = await opened;
  await popup.waitForURL(/\/quickbooks\/connect\/oauth2\?/, { timeout: 30_000 });
  return popup;
}

/** Chooses the company on Intuit's consent page and connects; the window shows the app's callback page. */
async function consent(popup: Page, company: string, shotName?: string) {
  await popup.locator('#company').selectOption({ label: company });
  if (shotName) await shot(shotName, popup);
  await popup.click('#connect');
  await popup.getByText('QuickBooks Online is connected').waitFor({ timeout: 30_000 });
}

/** A call to the sandbox's Accounting API as QuickBooks' own user would make it (a grant of the scripts client). */
async function qboApi<T = Record<string, unknown>>(realmId: string, method: string, route: string, body?: unknown) {
  const token = await world.admin<{ access_token: string }>(`/__sandbox/quickbooks/companies/${realmId}/tokens`, {});
  expect(token.status).toBe(201);
  const response = await fetch(`${world.sandboxUrl}/quickbooks/v3/company/${realmId}${route}${route.includes('?') ? '&' : '?'}minorversion=75`, {
    method,
    headers: {
      authorization: `Bearer ${token.body.access_token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

interface QboDocument {
  /** Which entity it is stored as: a paid order is an invoice with its payment unless the store posts sales receipts. */
  entity: 'SalesReceipt' | 'Invoice';
  Id: string;
  DocNumber: string;
  TotalAmt: number;
  CurrencyRef?: { value: string };
  CustomerRef?: { value: string };
  Balance?: number;
  LinkedTxn?: Array<{ TxnId: string; TxnType: string }>;
  TxnTaxDetail?: { TotalTax?: number };
  Line: Array<{ Amount: number; DetailType: string; SalesItemLineDetail?: { Qty?: number; UnitPrice?: number; ClassRef?: { value: string } } }>;
}

/** Every sales receipt and invoice stored in the company, as the API renders them (the sandbox's admin route). */
async function booked(realmId: string): Promise<QboDocument[]> {
  const out: QboDocument[] = [];
  for (const entity of ['SalesReceipt', 'Invoice'] as const) {
    const r = await world.admin<{ items: Array<Omit<QboDocument, 'entity'>> }>(`/__sandbox/quickbooks/companies/${realmId}/entities/${entity}`);
    expect(r.status).toBe(200);
    out.push(...r.body.items.map((d) => ({ ...d, entity })));
  }
  return out;
}

async function placeOrder(customer: { first: string; last: string; email: string }, product: { name: string; sku: string; quantity: number; ex: string; inc: string }) {
  const response = await fetch(`${world.sandboxUrl}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': apiToken, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      payment_method: 'PayPal',
      billing_address: { first_name: customer.first, last_name: customer.last, street_1: '1 Harbour St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: customer.email },
      products: [{ name: product.name, sku: product.sku, quantity: product.quantity, price_ex_tax: product.ex, price_inc_tax: product.inc }],
    }),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as { id: number; total_inc_tax: string; total_tax: string };
}

/** The order's state on the activity page, read until it is one of `states`. */
async function activityState(orderId: number, states: string[]) {
  await openTab('Activity', 'Every order and its sync state');
  const state = frame.getByTestId(`state-${orderId}`);
  await state.waitFor({ timeout: 30_000 });
  await expect.poll(async () => states.includes((await state.getAttribute('data-state')) ?? ''), { timeout: 60_000 }).toBe(true);
  return state.getAttribute('data-state');
}

beforeAll(async () => {
  world = await startE2eWorld({ quickbooks: true });
  // Two companies for the one Intuit user: the consent page asks which one.
  for (const [key, name] of [['main', MAIN], ['other', OTHER]] as const) {
    const created = await world.admin<{ realmId: string }>('/__sandbox/quickbooks/companies', { name, country: 'US', currency: 'USD', ast: true, state: 'TX' });
    expect(created.status).toBe(201);
    companies[key] = created.body.realmId;
  }
  const store = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Harbour Goods', currency: 'USD' });
  hash = store.body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders'] })).body.access_token;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`quickbooks-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('QuickBooks Online from the embedded app (Chromium, inside the control panel)', () => {
  it('Connect QuickBooks opens Intuit\'s consent page in a new window; choosing a company shows "Connected to …" in the frame', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Where should orders be posted?').waitFor({ timeout: 60_000 });
    // Onboarding offers QuickBooks now that the installation can connect it, and goes on only once it is connected.
    await frame.getByText('QuickBooks Online', { exact: true }).click();
    await card().getByRole('button', { name: 'Connect QuickBooks' }).waitFor();
    await expect(frame.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await shot('00-onboarding-quickbooks');
    await axe('onboarding (QuickBooks chosen)');
    // This store connects QuickBooks from the connections page instead.
    await frame.getByText('Built-in ledger', { exact: true }).click();
    await expect(frame.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(false);
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });

    await openTab('Connections', 'Accounting systems');
    await frame.getByTestId('provider-quickbooks').getByText('Available').waitFor();
    await card().getByText('QuickBooks Online opens in a new window').waitFor();
    await shot('01-connections-before');
    await axe('connections (not connected)');

    const popup = await consentWindow('Connect QuickBooks');
    // Intuit's page is a window of its own, never inside the app's frame; the frame waits for it.
    expect(page.frames().some((f) => f.url().includes('/quickbooks/connect/'))).toBe(false);
    await expect.poll(() => card().getAttribute('data-status')).toBe('waiting');
    // Both companies of the Intuit user are offered.
    await expect(popup.locator('#company option').allTextContents()).resolves.toEqual(expect.arrayContaining([MAIN, OTHER]));
    await consent(popup, MAIN, '02-consent-window');
    await shot('03-callback-window', popup);
    await popup.close();

    await frame.getByTestId('connection-tenant').getByText(`Connected to ${MAIN}`).waitFor({ timeout: 30_000 });
    await frame.getByTestId('provider-quickbooks').getByText('Connected').waitFor({ timeout: 30_000 });
    await card().getByRole('button', { name: 'Test connection' }).click();
    await card().getByText(/^OK: /).first().waitFor({ timeout: 30_000 });
    await expect(card().getByText(/^Failed: /).count()).resolves.toBe(0);
    await shot('04-connections-connected');
    await axe('connections (connected)');
  });

  it('the mappings page lists QuickBooks\' accounts and its classes live, and the settings saved survive a reload', async () => {
    // A class added in QuickBooks after connecting appears without anything cached in the way.
    for (const name of [CLASS.name, 'Wholesale']) {
      const created = await qboApi<{ Class: { Id: string } }>(companies.main, 'POST', '/class', { Name: name });
      expect(created.status).toBe(200);
      if (name === CLASS.name) CLASS.id = created.json.Class.Id;
    }

    await openTab('Mappings', 'Payment methods');
    await frame.getByText('How orders become documents in your QuickBooks Online company.').waitFor({ timeout: 30_000 });
    // The ledger's account codes are not in the company's chart: each is flagged until chosen from QuickBooks' accounts.
    await frame.getByText('Account 4000 does not exist in your accounting system. Choose an account from the list.').first().waitFor();
    await shot('05-mappings-quickbooks-before');
    // QuickBooks' accounts by id and name (a new company's chart, tests/sandbox/quickbooks/companies.ts).
    for (const [label, account] of [
      ['Product sales', '1 Sales of Product Income'],
      ['Shipping', '2 Shipping Income'],
      ['Handling', '2 Shipping Income'],
      ['Gift wrapping', '2 Shipping Income'],
      ['Fees', '1 Sales of Product Income'],
      ['Discounts', '3 Discounts given'],
      ['Rounding', '1 Sales of Product Income'],
      ['Gift certificates sold', '1 Sales of Product Income'],
      ['Default account for payments', '4 Undeposited Funds'],
      ['Store credit account', '5 Checking'],
      ['Gift certificate account', '5 Checking'],
    ] as const) {
      await chooseOption(label, account);
    }
    await frame.getByLabel('Default tax code').fill('TAX');
    // QuickBooks has no drafts: no document status to choose; its tracking is a class (or a department).
    await expect(combobox('Document status').count()).resolves.toBe(0);
    await chooseOption('Class or department', 'Class');
    await chooseOption('Tracking option', CLASS.name);
    await frame.getByRole('button', { name: 'Save mappings' }).click();
    await frame.getByTestId('saved').waitFor({ timeout: 30_000 });
    await shot('06-mappings-quickbooks-saved');
    await axe('mappings (QuickBooks)');

    await reloadAppFrame(page);
    await revealDeferred(frame);
    await combobox('Tracking option').waitFor({ timeout: 30_000 });
    await expect(combobox('Class or department').inputValue()).resolves.toBe('Class');
    await expect(combobox('Tracking option').inputValue()).resolves.toBe(CLASS.name);
    await expect(combobox('Product sales').inputValue()).resolves.toBe('1 Sales of Product Income');
    await expect(combobox('Discounts').inputValue()).resolves.toBe('3 Discounts given');
    await expect(combobox('Default account for payments').inputValue()).resolves.toBe('4 Undeposited Funds');
    await expect(frame.getByLabel('Default tax code').inputValue()).resolves.toBe('TAX');
    await expect(frame.getByText('does not exist in your accounting system').count()).resolves.toBe(0);
    await shot('07-mappings-quickbooks-reloaded');
  });

  it('an order placed in the store is booked in the chosen QuickBooks company, equal to the order, every line in the class', async () => {
    const order = await placeOrder({ first: 'Grace', last: 'Hopper', email: 'grace@example.com' }, { name: 'Mug', sku: 'MUG-1', quantity: 2, ex: '12.50', inc: '13.53' });
    firstOrderId = order.id;
    await expect(activityState(order.id, ['posted', 'failed', 'held'])).resolves.toBe('posted');
    await shot('08-activity-posted-to-quickbooks');

    const documents = (await booked(companies.main)).filter((d) => d.DocNumber === `BC-${order.id}`);
    expect(documents).toHaveLength(1);
    const document = documents[0]!;
    expect(document.TotalAmt.toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    // The store's tax, kept: QuickBooks' Automated Sales Tax would have recomputed it at its own rate.
    expect(Number(document.TxnTaxDetail?.TotalTax ?? 0).toFixed(2)).toBe(Number(order.total_tax).toFixed(2));
    // The store posts invoices (the default): the PayPal payment is recorded against it and nothing is owed.
    expect(document.entity).toBe('Invoice');
    expect(document.Balance).toBe(0);
    const payments = (document.LinkedTxn ?? []).filter((t) => t.TxnType === 'Payment');
    expect(payments).toHaveLength(1);
    const payment = await world.admin<{ items: Array<{ Id: string; TotalAmt: number }> }>(`/__sandbox/quickbooks/companies/${companies.main}/entities/Payment`);
    expect(payment.body.items.find((p) => p.Id === payments[0]!.TxnId)?.TotalAmt.toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    expect(document.CurrencyRef?.value).toBe('USD');
    const sales = document.Line.filter((l) => l.DetailType === 'SalesItemLineDetail');
    expect(sales.length).toBeGreaterThan(0);
    expect(sales.find((l) => l.SalesItemLineDetail?.Qty === 2)).toBeDefined();
    expect(sales.every((l) => l.SalesItemLineDetail?.ClassRef?.value === CLASS.id)).toBe(true);
    // Nothing went to the company that was not chosen.
    expect(await booked(companies.other)).toEqual([]);
  });

  it('a grant revoked in QuickBooks holds the next order with "Reconnect QuickBooks"; reconnecting in the browser posts it exactly once', async () => {
    const revoked = await world.admin<{ revokedGrants: number }>('/__sandbox/quickbooks/revoke', { clientId: QUICKBOOKS_CLIENT_ID });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedGrants).toBeGreaterThan(0);

    const order = await placeOrder({ first: 'Ada', last: 'Lovelace', email: 'ada@example.com' }, { name: 'Teapot', sku: 'TEA-1', quantity: 1, ex: '30.00', inc: '32.48' });
    await expect(activityState(order.id, ['held', 'failed', 'posted'])).resolves.toBe('held');
    await frame.getByTestId('activity-table').getByRole('row').filter({ has: frame.getByTestId(`state-${order.id}`) }).getByText(/Reconnect QuickBooks/).waitFor({ timeout: 30_000 });
    await shot('09-activity-held-reconnect');
    expect((await booked(companies.main)).filter((d) => d.DocNumber === `BC-${order.id}`)).toEqual([]);

    await openTab('Connections', 'Accounting systems');
    await card().getByRole('button', { name: 'Reconnect QuickBooks' }).waitFor({ timeout: 30_000 });
    await card().getByText('Reconnect needed').waitFor();
    await shot('10-connections-reconnect');
    await axe('connections (reconnect)');

    const popup = await consentWindow('Reconnect QuickBooks');
    await consent(popup, MAIN);
    await popup.close();
    await frame.getByTestId('connection-tenant').getByText(`Connected to ${MAIN}`).waitFor({ timeout: 30_000 });
    await shot('11-reconnected');

    // The held order posts on its own once the company is back; then nothing posts it again.
    await expect(activityState(order.id, ['posted'])).resolves.toBe('posted');
    await shot('12-activity-held-order-posted');
    const documents = await booked(companies.main);
    const second = documents.filter((d) => d.DocNumber === `BC-${order.id}`);
    expect(second).toHaveLength(1);
    expect(second[0]!.TotalAmt.toFixed(2)).toBe(Number(order.total_inc_tax).toFixed(2));
    expect(second[0]!.Balance).toBe(0);
    expect((second[0]!.LinkedTxn ?? []).filter((t) => t.TxnType === 'Payment')).toHaveLength(1);
    expect(documents.filter((d) => d.DocNumber === `BC-${firstOrderId}`)).toHaveLength(1);
    // A while later (retries, webhooks replayed) it is still booked once.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await booked(companies.main)).filter((d) => d.DocNumber === `BC-${order.id}`)).toHaveLength(1);
    // One payment for each of the two orders, none twice.
    expect((await world.admin<{ items: unknown[] }>(`/__sandbox/quickbooks/companies/${companies.main}/entities/Payment`)).body.items).toHaveLength(2);
    expect(await booked(companies.other)).toEqual([]);
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
