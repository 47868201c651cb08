import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './support/harness';

let world: E2eWorld;

beforeAll(async () => {
  world = await startE2eWorld();
});
afterAll(async () => world?.stop());

describe('the app inside the sandbox control panel (Chromium)', () => {
  it('installs from the control panel, opens in the iframe, and the BigDesign shell renders', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'E2E Store', currency: 'GBP' });
    const hash = created.body.hash;
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(`${world.sandboxUrl}/manage/${hash}/apps`);
      await page.click('#install');
      const frame = page.frameLocator('#app-frame');
      // The auth callback answers with the installed page, which continues into the app's welcome page.
      await frame.getByText('Welcome to Ledgerbridge').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: world.screenshotPath('01-installed'), fullPage: true });
      const state = await world.admin<{ installed: boolean }>(`/__sandbox/stores/${hash}`);
      expect(state.body.installed).toBe(true);

      await page.click('#open');
      await frame.getByRole('heading', { name: 'Recent activity' }).waitFor({ timeout: 30_000 });
      for (const tab of ['Overview', 'Connections', 'Order rules', 'Mappings', 'Activity']) {
        await expect(frame.getByRole('tab', { name: tab }).count()).resolves.toBe(1);
      }
      await expect(frame.getByTestId('store-summary').textContent()).resolves.toMatch(/E2E Store.*GBP/);
      await expect(frame.getByText('App installed').count()).resolves.toBe(1);
      // BigDesign's styles are applied: the Source Sans 3 font and the theme's colours.
      const font = await frame.locator('body').evaluate((el) => getComputedStyle(el).fontFamily);
      expect(font).toMatch(/Source Sans 3/);
      await page.screenshot({ path: world.screenshotPath('02-overview'), fullPage: true });

      // Support on every page (BigCommerce's approval requirements): the footer links to SUPPORT_URL.
      const support = frame.getByRole('link', { name: 'Get help from Ledgerbridge support' });
      await expect(support.getAttribute('href')).resolves.toBe(process.env.SUPPORT_URL ?? 'mailto:support@ledgerbridge.example');

      await frame.getByRole('tab', { name: 'Activity' }).click();
      await frame.getByText('Every order and its sync state').waitFor();
      await expect(support.count()).resolves.toBe(1);
      await page.screenshot({ path: world.screenshotPath('03-activity-placeholder'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('a page opened without a session says to open the app from the control panel (its notice loaded on demand)', async () => {
    const page = await world.browser.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script' && response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
    });
    try {
      await page.goto(`${world.appUrl}/connections`);
      await page.getByRole('heading', { name: 'Open Ledgerbridge from your control panel' }).waitFor({ timeout: 30_000 });
      await page.getByText('Go to Apps › My Apps and open Ledgerbridge.', { exact: false }).waitFor();
      await expect(page.getByRole('tab').count()).resolves.toBe(0);
      expect(refused).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('refuses to be framed by a page on a foreign origin (frame-ancestors)', async () => {
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>evil</title><iframe id="victim" src="${world.appUrl}/" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    const page = await world.browser.newPage();
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (/frame-ancestors|Refused to (display|frame)/i.test(message.text())) refusals.push(message.text());
    });
    try {
      // Control: the sandbox's control panel origin may frame it.
      const response = await fetch(`${world.appUrl}/`);
      expect(response.headers.get('content-security-policy')).toContain(`frame-ancestors 'self'`);
      expect(response.headers.get('content-security-policy')).toContain(world.sandboxUrl);
      expect(response.headers.get('content-security-policy')).not.toContain('127.0.0.1');

      await page.goto(evilUrl);
      await page.waitForTimeout(2000);
      const victim = page.frames().find((f) => f !== page.mainFrame());
      const framedTitle = await victim?.title().catch(() => null);
      expect(framedTitle).not.toBe('Ledgerbridge');
      expect(refusals.join('\n')).toMatch(/frame-ancestors/);
      await page.screenshot({ path: '' + world.screenshotPath('04-foreign-origin-refused') });
    } finally {
      await page.close();
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});
