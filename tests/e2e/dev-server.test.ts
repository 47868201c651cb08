import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, root } from './support/harness';

/**
 * `npm run dev`: `next dev`, where /api/inngest checks no signature (INNGEST_DEV), listens on
 * loopback only; and its request log, which prints each URL with its query string, never shows a callback's signed
 * JWT or a one-time OAuth code (issue 15, findings 1 and 5).
 */
const clientId = 'dev-server-client';
const clientSecret = 'dev-server-client-secret';
const code = 'install-code-dev-0123456789abcdef';
let pgliteDir = '';
let app: ChildProcess;
let port = 0;
let output = '';

beforeAll(async () => {
  pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-dev-'));
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development', // what next dev runs as
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: undefined,
    PGLITE_DIR: pgliteDir,
    APP_URL: `http://localhost:${port}`,
    BIGCOMMERCE_CLIENT_ID: clientId,
    BIGCOMMERCE_CLIENT_SECRET: clientSecret,
    // The code exchange fails at once: nothing listens on port 9.
    BIGCOMMERCE_LOGIN_URL: 'http://127.0.0.1:9',
    BIGCOMMERCE_API_URL: 'http://127.0.0.1:9',
    TOKEN_ENCRYPTION_KEY: '3c'.repeat(32),
    SESSION_SECRET: 'dev-server-session-secret-0123456789abc',
    LISTEN_HOST: undefined,
  };
  app = spawn('npm', ['run', 'dev', '--', '--port', String(port)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  app.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  app.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline || app.exitCode !== null) throw new Error(`npm run dev did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 240_000);

afterAll(async () => {
  if (app?.pid && app.exitCode === null) {
    process.kill(-app.pid, 'SIGTERM'); // npm, next dev and its workers: the group this test started
    await new Promise((r) => setTimeout(r, 1000));
    if (app.exitCode === null) process.kill(-app.pid, 'SIGKILL');
  }
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

/** Can a TCP connection be opened to host:port? */
const reachable = (host: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

describe('npm run dev', () => {
  it('listens on loopback only', async () => {
    expect(await reachable('127.0.0.1')).toBe(true);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of external) expect(await reachable(address), address).toBe(false);
  });

  it("logs requests, but never a callback's signed JWT or an install code", async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = jwt.sign(
      { aud: clientId, iss: 'bc', iat: now, nbf: now, exp: now + 600, sub: 'stores/devstore', user: { id: 1, email: 'a@example.com' }, owner: { id: 1, email: 'a@example.com' }, url: '/' },
      clientSecret,
      { algorithm: 'HS256' },
    );
    const base = `http://127.0.0.1:${port}`;
    for (const pathname of ['load', 'uninstall', 'remove-user']) {
      await fetch(`${base}/api/bigcommerce/${pathname}?signed_payload_jwt=${payload}`, { redirect: 'manual' });
    }
    await fetch(`${base}/api/bigcommerce/auth?code=${code}&scope=store_v2_orders&context=stores/devstore`, { redirect: 'manual' });
    await fetch(`${base}/api/health?probe=logged`);
    // The request log is written after the response; give it a moment.
    const deadline = Date.now() + 10_000;
    while (!output.includes('/api/health?probe=logged') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('/api/health?probe=logged');
    expect(output).not.toContain(payload);
    expect(output).not.toContain(payload.split('.')[2]!);
    expect(output).not.toContain(code);
  });
});
