// JavaScript shipped by the first embedded page (the overview inside the control panel), measured the way a
// merchant's browser receives it: a production build served by `next start`, loaded in Chromium, every script
// response counted (bytes on the wire and decoded).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp, CHROMIUM, CHROMIUM_ARGS, freePort, root } from '../e2e/support/harness';

buildApp();
const port = await freePort();
const url = `http://localhost:${port}`;
const app = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '--port', String(port)], {
  cwd: root,
  env: {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    BIGCOMMERCE_CLIENT_ID: 'bench',
    BIGCOMMERCE_CLIENT_SECRET: 'bench',
    TOKEN_ENCRYPTION_KEY: '00'.repeat(32),
    SESSION_SECRET: 'bench-session-secret-0123456789abcdefgh',
    PGLITE_DIR: 'memory://',
    // Page loads send no events; the keys only satisfy the production configuration check (INNGEST_DEV is refused).
    INNGEST_DEV: undefined,
    INNGEST_SIGNING_KEY: `signkey-bench-${'00'.repeat(32)}`,
    INNGEST_EVENT_KEY: 'bench',
    INNGEST_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
try {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const client = await page.context().newCDPSession(page);
  await client.send('Network.enable');
  const scripts = new Map<string, { wire: number; decoded: number }>();
  const types = new Map<string, string>();
  client.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  client.on('Network.loadingFinished', async (e) => {
    if (types.get(e.requestId) !== 'Script') return;
    const body = await client.send('Network.getResponseBody', { requestId: e.requestId }).catch(() => null);
    const decoded = body ? (body.base64Encoded ? Buffer.from(body.body, 'base64').length : Buffer.byteLength(body.body)) : 0;
    scripts.set(e.requestId, { wire: e.encodedDataLength, decoded });
  });
  const started = Date.now();
  await page.goto(`${url}/`, { waitUntil: 'networkidle' });
  const loadMs = Date.now() - started;
  await page.waitForTimeout(500);
  const wire = [...scripts.values()].reduce((a, s) => a + s.wire, 0);
  const decoded = [...scripts.values()].reduce((a, s) => a + s.decoded, 0);
  console.log(`first page (/): ${scripts.size} scripts, ${(wire / 1024).toFixed(1)} KiB on the wire (compressed), ${(decoded / 1024).toFixed(1)} KiB decoded; cold load to network idle ${loadMs} ms`);
  await browser.close();
} finally {
  app.kill('SIGTERM');
}
