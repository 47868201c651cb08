import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revealDeferred, startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The merchant's choices of issue 16 in Debian Chromium, inside the sandbox control panel against a production build
 * (built-in ledger): the order rules page's one status table, both directions (a row changed each way is saved and
 * still there after a reload; a contradiction is refused with a message at the row or the table, and nothing is
 * saved); the line description and document reference templates (live example, saved, kept; an unknown token
 * refused at the field); the revenue rules on the mappings page (by category and by channel, kept after a reload; a
 * rule without a condition refused), and the order's Preview naming the rule that chose each product line's account.
 * One store, tests in order.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
let apiToken: string;
const axeFindings: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: world.screenshotPath(`choices-${name}`), fullPage: true });
}

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

const READY: Record<string, string> = { '/order-rules': 'Document number prefix', '/mappings': 'Tax rates' };

/** Loads `path` afresh in the frame, as a merchant's reload would, and waits until the new document is on screen. */
async function open(path: string, ready = READY[path]!) {
  const appFrame = await (await page.locator('#app-frame').elementHandle())!.contentFrame();
  await appFrame!.evaluate((to) => {
    (window as unknown as { leaving?: boolean }).leaving = true;
    window.location.assign(to);
  }, path);
  await appFrame!.waitForFunction(() => !(window as unknown as { leaving?: boolean }).leaving && document.readyState === 'complete', undefined, { timeout: 30_000 });
  // The order rules below the status table and the mappings' lower panels load when scrolled to: scroll through them.
  if (path in READY) await revealDeferred(frame);
  await frame.getByText(ready).first().waitFor({ timeout: 30_000 });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens the BigDesign select inside `where` and picks the option whose text starts with `option` (a description may follow). */
async function choose(where: Locator, option: string) {
  await chooseIn(where.getByRole('combobox').first(), option);
}

async function chooseIn(combobox: Locator, option: string) {
  await combobox.click();
  await frame.getByRole('option').filter({ hasText: new RegExp(`^${escape(option)}`) }).first().click();
  await expect.poll(() => combobox.inputValue()).toBe(option);
}

const selected = (where: Locator) => where.getByRole('combobox').first().inputValue();
/** A store → books row of the status table, by BigCommerce status id. */
const row = (statusId: number) => frame.locator(`[data-status-row="${statusId}"]`);
const setting = (path: string) => frame.locator(`[data-setting="${path}"]`);
const save = (button: string) => frame.getByRole('button', { name: button }).click();

/** Saves, waits for the refusal's message, and checks nothing was saved. */
async function refused(button: string, message: Locator) {
  await save(button);
  await message.waitFor({ timeout: 15_000 });
  await expect(frame.getByTestId('saved').count()).resolves.toBe(0);
}

beforeAll(async () => {
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Choices Store', currency: 'USD' })).body.hash;
  apiToken = (await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders', 'store_v2_products'] })).body.access_token;
  // Four products, in categories 18 to 21 (tests/sandbox/bigcommerce/seed.ts); the Preview test places its own order.
  expect((await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 4, customers: 0, orders: 0, seed: 3 })).status).toBe(201);
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`choices-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('the merchant’s choices on the pages (Chromium, inside the control panel)', () => {
  it('installs and finishes onboarding', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 3; i++) await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
  });

  it('the status table shows both directions with the defaults, and refuses contradictions at the row or the table', async () => {
    await open('/order-rules');
    const table = frame.getByTestId('status-table');
    await table.getByText('From your store to your books: when an order enters this status').waitFor();
    await table.getByText('From your books to your store').waitFor();
    // The defaults, one rule per status.
    await expect(selected(row(11))).resolves.toBe('Post it to the books');
    await expect(selected(row(5))).resolves.toBe('Cancel it in the books');
    await expect(selected(row(4))).resolves.toBe('Refunded: post it with its refunds');
    await expect(selected(row(0))).resolves.toBe('Never post it');
    await expect(selected(row(2))).resolves.toBe('Nothing (not posted)');
    await expect(selected(setting('statuses.fromBooks.paid'))).resolves.toBe('Leave the status unchanged');

    // Books → store against store → books: a paid document must not set a status that cancels the order.
    await choose(setting('statuses.fromBooks.paid'), 'Cancelled');
    await refused('Save order rules', setting('statuses.fromBooks.paid').getByText('This status means cancelled or refunded, though the order was paid. Choose another status.'));
    await setting('statuses.fromBooks.paid').scrollIntoViewIfNeeded();
    await shot('01-status-paid-cancels-refused');

    // No status left that posts orders.
    await choose(setting('statuses.fromBooks.paid'), 'Leave the status unchanged');
    await choose(row(11), 'Nothing (not posted)');
    await refused('Save order rules', frame.locator('[data-field-error="orders.importStatusIds"]').getByText('Choose at least one status to post orders in.'));
    await shot('02-status-nothing-posted-refused');

    await open('/order-rules');
    await expect(selected(row(11))).resolves.toBe('Post it to the books');
    await expect(selected(setting('statuses.fromBooks.paid'))).resolves.toBe('Leave the status unchanged');
  });

  it('a row changed in each direction is saved, and still there after a reload', async () => {
    await open('/order-rules');
    await choose(row(13), 'Cancel it in the books'); // Disputed
    await choose(row(2), 'Post it to the books'); // Shipped
    await choose(row(12), 'Never post it'); // Manual Verification Required
    await choose(setting('statuses.fromBooks.paid'), 'Completed');
    await choose(setting('orders.statusAfterImport'), 'Awaiting Shipment');
    await save('Save order rules');
    await frame.getByTestId('saved').waitFor({ timeout: 15_000 });
    await frame.getByTestId('status-table').scrollIntoViewIfNeeded();
    await shot('03-status-table-saved');
    await axe('order rules, status table');

    await open('/order-rules');
    await expect(selected(row(13))).resolves.toBe('Cancel it in the books');
    await expect(selected(row(2))).resolves.toBe('Post it to the books');
    await expect(selected(row(11))).resolves.toBe('Post it to the books');
    await expect(selected(row(12))).resolves.toBe('Never post it');
    await expect(selected(setting('statuses.fromBooks.paid'))).resolves.toBe('Completed');
    await expect(selected(setting('orders.statusAfterImport'))).resolves.toBe('Awaiting Shipment');
    await expect(selected(setting('statuses.fromBooks.voided'))).resolves.toBe('Leave the status unchanged');
  });

  it('a select is used by keyboard alone: its code loads on focus, the focus stays, arrows and Enter choose (app/(embedded)/_components/select.tsx)', async () => {
    await open('/order-rules');
    const combobox = row(6).getByRole('combobox');
    // A fresh page shows the closed select's stand-in: the chosen option, no menu (downshift is not loaded yet).
    await expect(combobox.inputValue()).resolves.toBe('Never post it');
    await expect(frame.getByRole('listbox').count()).resolves.toBe(0);
    await combobox.focus();
    // The real select replaces it and keeps the focus.
    await frame.getByRole('listbox').first().waitFor({ state: 'attached', timeout: 15_000 });
    const focused = () =>
      page
        .frameLocator('#app-frame')
        .locator('[data-status-row="6"] [role="combobox"]')
        .evaluate((el) => el === document.activeElement);
    await expect.poll(focused, { timeout: 10_000 }).toBe(true);
    await page.keyboard.press('ArrowDown');
    const option = frame.getByRole('option').filter({ hasText: /^Post it to the books/ }).first();
    await option.waitFor({ timeout: 10_000 });
    // Arrow down until the option is the highlighted one (the input's aria-activedescendant), then Enter.
    const id = await option.getAttribute('id');
    for (let i = 0; i < 12 && (await combobox.getAttribute('aria-activedescendant')) !== id; i++) await page.keyboard.press('ArrowDown');
    await expect(combobox.getAttribute('aria-activedescendant')).resolves.toBe(id);
    await page.keyboard.press('Enter');
    await expect.poll(() => combobox.inputValue()).toBe('Post it to the books');
    await axe('select-by-keyboard');
  });

  it('the templates show a live example, refuse an unknown token at the field, and are kept after a reload', async () => {
    await open('/order-rules');
    const description = setting('lines.descriptionTemplate');
    const reference = setting('document.referenceTemplate');
    await description.getByRole('textbox').fill('{sku}: {name} ({options})');
    await expect(frame.getByTestId('description-example').textContent()).resolves.toBe('TEE-RED-L: Cotton Tee (Size: L, Colour: Red) · without options: TEE-RED-L: Cotton Tee');
    await reference.getByRole('textbox').fill('Web {orderId} {colour}');
    // Named at once, and again by the server on save.
    await reference.getByText(/^Unknown token \{colour\}: use /).waitFor();
    await expect(frame.getByTestId('reference-example').textContent()).resolves.toBe('');
    await refused('Save order rules', frame.getByText('The order rules were not saved'));
    await reference.getByText(/^Unknown token \{colour\}: use /).waitFor();
    await reference.scrollIntoViewIfNeeded();
    await shot('04-template-refused');

    await reference.getByRole('textbox').fill('Web order {orderId}');
    await expect(frame.getByTestId('reference-example').textContent()).resolves.toBe('Order 1042 → Web order 1042');
    await save('Save order rules');
    await frame.getByTestId('saved').waitFor({ timeout: 15_000 });
    await open('/order-rules');
    await expect(setting('lines.descriptionTemplate').getByRole('textbox').inputValue()).resolves.toBe('{sku}: {name} ({options})');
    await expect(setting('document.referenceTemplate').getByRole('textbox').inputValue()).resolves.toBe('Web order {orderId}');
    await expect(frame.getByTestId('reference-example').textContent()).resolves.toBe('Order 1042 → Web order 1042');
    // The status table saved before is untouched by this save.
    await expect(selected(row(13))).resolves.toBe('Cancel it in the books');
  });

  it('revenue rules by category and by channel are saved and kept; a rule without a condition is refused', async () => {
    await open('/mappings');
    const rules = setting('accounts.revenueRules');
    await rules.getByText('No rules: every product line goes to').waitFor();
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    await rules.getByRole('spinbutton', { name: 'Category id of rule 1' }).fill('18');
    await chooseIn(rules.getByRole('combobox', { name: 'Account of rule 1' }), '4200 Fee Income');
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    await refused('Save mappings', rules.getByText('Give the rule a category, a brand or a channel id.'));
    await shot('05-revenue-rule-refused');

    await rules.getByRole('spinbutton', { name: 'Channel id of rule 2' }).fill('1');
    await chooseIn(rules.getByRole('combobox', { name: 'Account of rule 2' }), '4100 Shipping Income');
    await save('Save mappings');
    await frame.getByTestId('saved').waitFor({ timeout: 15_000 });
    await axe('mappings, revenue rules');

    await open('/mappings');
    await expect(rules.getByRole('spinbutton', { name: 'Category id of rule 1' }).inputValue()).resolves.toBe('18');
    await expect(rules.getByRole('combobox', { name: 'Account of rule 1' }).inputValue()).resolves.toBe('4200 Fee Income');
    await expect(rules.getByRole('spinbutton', { name: 'Channel id of rule 2' }).inputValue()).resolves.toBe('1');
    await expect(rules.getByRole('spinbutton', { name: 'Category id of rule 2' }).inputValue()).resolves.toBe('');
    await expect(rules.getByRole('combobox', { name: 'Account of rule 2' }).inputValue()).resolves.toBe('4100 Shipping Income');
    await rules.scrollIntoViewIfNeeded();
    await shot('06-revenue-rules-saved');
  });

  it('an order’s Preview names the revenue rule that chose each product line’s account', async () => {
    const api = async <T,>(method: string, route: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${world.sandboxUrl}/stores/${hash}${route}`, {
        method,
        headers: { 'x-auth-token': apiToken, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as T;
    };
    const products = (await api<{ data: Array<{ id: number; name: string; categories: number[]; variants: Array<{ id: number }> }> }>('GET', '/v3/catalog/products?include=variants')).data;
    const inCategory = products.find((p) => p.categories.includes(18))!;
    const other = products.find((p) => !p.categories.includes(18))!;
    expect(inCategory && other).toBeTruthy();
    // Awaiting Payment is never posted: the order stays unposted, and Preview shows what would be posted.
    const order = await api<{ id: number }>('POST', '/v2/orders', {
      customer_id: 0,
      status_id: 7,
      channel_id: 1,
      billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' },
      products: [inCategory, other].map((p) => ({ product_id: p.id, variant_id: p.variants.at(-1)!.id, quantity: 1 })),
    });

    await open(`/activity/${order.id}`, 'Preview');
    await frame.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = frame.getByTestId('preview-document');
    await preview.waitFor({ timeout: 30_000 });
    const lineOf = (name: string) => preview.getByRole('row').filter({ hasText: name }).getByTestId('line-account');
    await expect.poll(() => lineOf(inCategory.name).textContent()).toMatch(/^4200.*Rule 1 \(category 18\)$/);
    await expect(lineOf(other.name).textContent()).resolves.toMatch(/^4100.*Rule 2 \(channel 1\)$/);
    await preview.scrollIntoViewIfNeeded();
    await shot('07-preview-revenue-rules');
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
