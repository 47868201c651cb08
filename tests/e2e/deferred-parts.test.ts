import AxeBuilder from '@axe-core/playwright';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './support/harness';

/**
 * The parts of the embedded pages whose code loads after the page (issue 16's budget of 150 KB of JavaScript per
 * page), in Debian Chromium inside the sandbox control panel against a production build: the order rules under the
 * status table are drawn as their panels' headers until the merchant scrolls to them, then load; the keyboard reaches
 * them (Tab past the status table loads them and lands on their first control); the activity's filters open on
 * demand, and at once when the address sets one. One store, tests in order.
 */
let world: E2eWorld;
let page: Page;
let frame: FrameLocator;
let hash: string;
const axeFindings: string[] = [];

async function axe(name: string) {
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page: page as never }).include('#app-frame').analyze();
  for (const v of results.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  }
}

/** Loads `path` afresh in the frame, as a merchant's reload would, and waits until the new document shows `ready`. */
async function open(path: string, ready: string) {
  const appFrame = await (await page.locator('#app-frame').elementHandle())!.contentFrame();
  await appFrame!.evaluate((to) => {
    (window as unknown as { leaving?: boolean }).leaving = true;
    window.location.assign(to);
  }, path);
  await appFrame!.waitForFunction(() => !(window as unknown as { leaving?: boolean }).leaving && document.readyState === 'complete', undefined, { timeout: 30_000 });
  await frame.getByText(ready).first().waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  world = await startE2eWorld();
  hash = (await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Deferred Store', currency: 'USD' })).body.hash;
  const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  frame = page.frameLocator('#app-frame');
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({ path: world.screenshotPath(`deferred-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`), fullPage: true }).catch(() => {});
  }
});
afterAll(async () => {
  await page?.context().close();
  await world?.stop();
});

describe('parts loaded after the page (Chromium, inside the control panel)', () => {
  it('installs and finishes onboarding', async () => {
    await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
    await page.click('#install');
    await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 3; i++) await frame.getByRole('button', { name: 'Next' }).click();
    await frame.getByRole('button', { name: 'Finish setup' }).click();
    await frame.getByText('Last problems').waitFor({ timeout: 30_000 });
  });

  it('the order rules under the status table are their headers until scrolled to, then load', async () => {
    await open('/order-rules', 'From your store to your books');
    const pending = frame.locator('[data-deferred="pending"]');
    // The rules under the table, and the backfill after the save button.
    await expect(pending.count()).resolves.toBe(2);
    for (const header of ['Cancellations, refunds and closed periods', 'Documents', 'Customers', 'Stock to BigCommerce']) {
      await expect(pending.first().getByRole('heading', { name: header }).count()).resolves.toBe(1);
    }
    await expect(frame.getByLabel('Document number prefix').count()).resolves.toBe(0);
    await page.screenshot({ path: world.screenshotPath('deferred-01-order-rules-first-screen'), fullPage: true });
    await axe('order rules (before scrolling)');
    await pending.first().scrollIntoViewIfNeeded();
    await frame.getByLabel('Document number prefix').waitFor({ timeout: 30_000 });
    await expect(frame.locator('[data-deferred="shown"]').first().getByRole('heading', { name: 'Documents' }).count()).resolves.toBe(1);
  });

  it('Tab past the status table loads the rules under it and lands on their first control', async () => {
    await open('/order-rules', 'From your store to your books');
    await expect(frame.getByLabel('Document number prefix').count()).resolves.toBe(0);
    await frame.getByTestId('status-table').getByRole('combobox').last().focus();
    // The Select's own toggle may take a Tab first; then the focus leaves the table.
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      if (!(await frame.locator(':focus').evaluate((el) => el.closest('[data-testid="status-table"]') !== null).catch(() => false))) break;
    }
    await expect.poll(() => frame.locator(':focus').getAttribute('name').catch(() => null), { timeout: 30_000 }).toBe('on-cancel');
    await expect(frame.locator(':focus').getAttribute('value')).resolves.toBe('void');
    await frame.getByLabel('Document number prefix').waitFor();
  });

  it('the activity’s filters open on demand, and at once when the address sets one', async () => {
    await open('/activity', 'Every order and its sync state');
    await expect(frame.getByLabel('Order date from').count()).resolves.toBe(0);
    await frame.getByRole('button', { name: 'Filter orders' }).click();
    await frame.getByLabel('Order date from').waitFor({ timeout: 30_000 });
    await expect(frame.getByRole('button', { name: 'Hide filters' }).getAttribute('aria-expanded')).resolves.toBe('true');
    await axe('activity (filters open)');

    await open('/activity?state=problems', 'Every order and its sync state');
    await expect.poll(() => frame.getByRole('combobox', { name: 'State' }).inputValue(), { timeout: 30_000 }).toBe('Failed or needs attention');
    await frame.getByTestId('activity-filters-active').getByText('1 filter applied').waitFor();
    await frame.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => frame.getByTestId('activity-filters-active').count(), { timeout: 15_000 }).toBe(0);
  });

  it('axe-core finds no serious or critical violation', () => {
    expect(axeFindings).toEqual([]);
  });
});
