import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceHash } from '@/tests/sandbox/production-build';
import { chromium } from 'playwright-core';
import { artifacts, buildApp, CHROMIUM, CHROMIUM_ARGS, freePort, root } from './support/harness';

/**
 * `npm run demo` is a contract other tools rely on: it honours PORT / SANDBOX_PORT / APP_URL, prints exactly one
 * `Control panel: <url>` line once the app and the sandbox are up with the app installed, and Ctrl-C stops both.
 * It serves the production build with the production server, places a new order now and then, and leaves the
 * command line what it needs to run beside it. One demo start serves every test here (the last one stops it).
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'lb-demo-test-'));
const pgliteDir = path.join(work, 'pglite');
const demoEnvFile = path.join(work, 'demo.env');
let demo: ChildProcess;
let output = '';
let controlPanel = '';
let port = 0;
let sandboxPort = 0;
let inngestPort = 0;
let sourcesAtBuild = '';

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs / 1000} s\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The command line as a person runs it in a second terminal: nothing set but what any shell has. */
function cli(args: string[]) {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, DEMO_ENV_FILE: demoEnvFile };
  return spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', ...args], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
}

/** Every process in the demo's process group and below it: pid and command line. */
function processesUnder(pid: number): Array<{ pid: number; command: string }> {
  const table = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]! }));
  const found = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => found.has(p.pid) && p.pid !== pid);
}

beforeAll(async () => {
  // The build the other browser tests use: the demo finds it current and does not build again.
  sourcesAtBuild = sourceHash(root);
  buildApp();
  [port, sandboxPort, inngestPort] = [await freePort(), await freePort(), await freePort()];
  demo = spawn(process.execPath, ['--import', 'tsx', 'tests/sandbox/demo.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      INNGEST_STANDIN_PORT: String(inngestPort),
      PGLITE_DIR: pgliteDir,
      DEMO_ENV_FILE: demoEnvFile,
      DATABASE_URL: '',
      DEMO_ORDER_INTERVAL: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  controlPanel = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Control panel line in time:\n${output}`)), 240_000);
    demo.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Control panel: (\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    demo.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
});

afterAll(async () => {
  // A failed or skipped test left it running: stop it as Ctrl-C does (it stops the app's process group too).
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (demo.exitCode === null) demo.kill('SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('starts the sandbox and the app on the given ports, installs the app, prints the control panel once', async () => {
    expect(controlPanel).toBe(`http://localhost:${sandboxPort}/manage/demostore/apps`);
    expect(output.match(/^Control panel: /gm)).toHaveLength(1);
    // The build the other browser tests use was current: the demo did not build again (unless someone edited the
    // sources meanwhile, as in a working checkout).
    if (sourceHash(root) === sourcesAtBuild) expect(output).not.toMatch(/^\[build\]/m);
    const health = await fetch(`http://localhost:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ db: 'ok' });
    const page = await fetch(controlPanel);
    expect(page.status).toBe(200);
    const store = (await (await fetch(`http://localhost:${sandboxPort}/__sandbox/stores/demostore`)).json()) as { installed: boolean };
    expect(store.installed).toBe(true);
    // The app, the sandbox (it hands out tokens) and the database answer on loopback only.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    const databasePort = new URL(/^DATABASE_URL=(.*)$/m.exec(readFileSync(demoEnvFile, 'utf8'))![1]!).port;
    for (const address of external) {
      expect(await refused(`http://${address}:${port}/api/health`), address).toBe(true);
      expect(await refused(`http://${address}:${sandboxPort}/manage`), address).toBe(true);
      expect(await refused(`http://${address}:${databasePort}/`), address).toBe(true);
    }
  });

  it('serves the production build with the production server: no next dev, no reload channel, the body guard', async () => {
    const commands = processesUnder(demo.pid!).map((p) => p.command);
    expect(commands.some((c) => c.includes('lib/server/main.ts'))).toBe(true);
    expect(commands.filter((c) => /next(\/dist\/bin\/next)?\s+dev\b/.test(c) || c.includes('next-server') && c.includes('dev'))).toEqual([]);
    // next dev's hot-reload socket is what told the page to reload over and over; production has none.
    expect((await fetch(`http://localhost:${port}/_next/webpack-hmr`)).status).toBe(404);
    // A production build's pages load no dev overlay (the dev indicator lives there).
    const load = (await (await fetch(`http://localhost:${sandboxPort}/__sandbox/stores/demostore/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { url: string };
    const html = await (await fetch(load.url)).text();
    expect(html).not.toMatch(/react-refresh|next-devtools|__nextDevOverlay|dev-overlay/);
    // The body guard (lib/server/body-guard.ts) answers an oversized body before Next reads it.
    const big = await fetch(`http://localhost:${port}/api/admin/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) }).catch(() => null);
    if (big) expect(big.status).toBe(413); // (a reset before the answer was read is the guard too)
    // The secrets are the demo's own, kept private, never the published ones production refuses.
    expect(statSync(demoEnvFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(demoEnvFile, 'utf8')).not.toMatch(/000102030405060708090a0b0c0d0e0f|demo-session-secret-change-me|ledgerbridge-demo-secret/);
  });

  it('a new order arrives in the store while the demo runs, and the app posts it', async () => {
    const orderId = Number((await until('a demo order', async () => /new order #(\d+) in the store/.exec(output)))[1]);
    const posted = await until(`order ${orderId} posted`, async () => {
      const runs = (await (await fetch(`http://127.0.0.1:${inngestPort}/__standin/runs?functionId=ledgerbridge-order-changed`)).json()) as {
        runs: Array<{ event: { name: string; data: { orderId?: number } }; output?: { result?: string } }>;
      };
      return runs.runs.find((r) => r.event.data.orderId === orderId && r.output?.result === 'posted');
    });
    expect(posted.event.data.orderId).toBe(orderId);
  });

  it('first open proposes the seeded history; finishing the setup posts it, with the backfill’s progress', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    mkdirSync(artifacts, { recursive: true });
    try {
      await page.goto(controlPanel);
      await page.click('#open');
      const frame = page.frameLocator('#app-frame');
      // The demo installed the app before anyone opened it: first open shows the overview, which asks to finish setup.
      await frame.getByText('Finish setting up Ledgerbridge').waitFor({ timeout: 60_000 });
      await frame.getByRole('button', { name: 'Start setup' }).click();
      await frame.getByText('Set up Ledgerbridge').waitFor({ timeout: 30_000 });
      await frame.getByRole('button', { name: 'Next' }).click();
      await frame.getByText('Which orders are sales?').waitFor();
      await frame.getByRole('button', { name: 'Next' }).click();
      const tick = frame.getByRole('checkbox', { name: 'Post past orders too' });
      await expect(tick.isChecked()).resolves.toBe(true);
      const from = await frame.getByLabel('Post orders placed since').inputValue();
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.now() - Date.parse(from)).toBeGreaterThan(60 * 86_400_000); // before the oldest seeded order
      await frame.getByRole('button', { name: 'Next' }).click();
      await frame.getByRole('button', { name: 'Finish setup' }).click();
      const progress = frame.getByTestId('backfill-progress');
      await progress.waitFor({ timeout: 30_000 });
      await expect.poll(() => progress.getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('completed');
      const counts = (await frame.getByTestId('backfill-counts').textContent()) ?? '';
      const [, seen, , posted] = /Seen (\d+) of (\d+) · posted (\d+)/.exec(counts) ?? [];
      expect(Number(seen)).toBeGreaterThan(0);
      expect(Number(posted)).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(artifacts, 'demo-first-open-backfill.png'), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: path.join(artifacts, 'demo-first-open-failed.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await browser.close();
    }
  });

  it('the command line runs beside it with nothing copied: status and the ledger export see the demo’s orders', async () => {
    const status = cli(['status', '--store', 'demostore', '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stderr).toMatch(/Using the settings of the running demo/);
    const stores = (JSON.parse(status.stdout) as { stores: Array<{ hash: string; provider: string; orders: { posted: number } }> }).stores;
    expect(stores).toEqual([expect.objectContaining({ hash: 'demostore', provider: 'ledger' })]);
    expect(stores[0]!.orders.posted).toBeGreaterThan(0);
    const orderId = Number(/new order #(\d+) in the store/.exec(output)![1]);
    const csv = await until(`order ${orderId} in the CLI's export`, async () => {
      const run = cli(['export', '--store', 'demostore', '--format', 'csv']);
      expect(run.status, run.stderr).toBe(0);
      return run.stdout.split('\n').some((line) => line.split(',')[3] === String(orderId)) ? run.stdout : null;
    });
    expect(csv).toContain(String(orderId));
    // The app kept working while the CLI used the database.
    expect((await fetch(`http://localhost:${port}/api/health`)).status).toBe(200);
  });

  it("sets up Xero's webhooks as a developer would in Xero's portal: the app passes the intent-to-receive check", async () => {
    // Xero sends one correctly and one wrongly signed empty delivery; the app must answer 200 and 401.
    const intent = await fetch(`http://localhost:${sandboxPort}/__sandbox/xero/webhooks/intent`, { method: 'POST' });
    expect(await intent.json()).toEqual({ ok: true, signed: 200, badlySigned: 401 });
    expect(readFileSync(demoEnvFile, 'utf8')).toMatch(/^XERO_WEBHOOK_KEY=[A-Za-z0-9+/]{64}$/m);
  });

  it('stops everything on SIGINT and keeps only its secrets in the file', async () => {
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await refused(`http://localhost:${port}/api/health`)).toBe(true);
    expect(await refused(`http://localhost:${sandboxPort}/manage`)).toBe(true);
    expect(existsSync(demoEnvFile)).toBe(true);
    // The secrets stay for the next start; what said "the demo runs here" is gone, so the CLI no longer uses it.
    const left = readFileSync(demoEnvFile, 'utf8');
    expect(left).toMatch(/^TOKEN_ENCRYPTION_KEY=[0-9a-f]{64}$/m);
    expect(left).not.toMatch(/^(DEMO_PID|DATABASE_URL)=/m);
  });
});
