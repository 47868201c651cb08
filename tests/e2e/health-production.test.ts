import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../integration/support/db';
import { buildApp, freePort, root, signedInngestEnv } from './support/harness';

/**
 * The health routes as a deployment sees them: `npm start` in production, probed over HTTP, and the Dockerfile's own
 * HEALTHCHECK and CMD (run here on the host: Docker's daemon is not available to the tests).
 */
let postgresDb: TestDatabase | null = null;
let pgliteDir: string | null = null;

const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

/** The exec-form JSON array after `instruction` (e.g. `CMD`), joining the Dockerfile's continuation lines. */
function execForm(instruction: string): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const match = new RegExp(`^${instruction}\\s+(?:.*?\\bCMD\\s+)?(\\[.*\\])\\s*$`, 'm').exec(joined);
  if (!match) throw new Error(`no exec-form ${instruction} in the Dockerfile`);
  return JSON.parse(match[1]!) as string[];
}

function runHealthcheck(port: number): number | null {
  const [command, ...args] = execForm('HEALTHCHECK');
  expect(command).toBe('node');
  return spawnSync(process.execPath, args, { env: { ...process.env, PORT: String(port) }, timeout: 3_000 }).status;
}

beforeAll(async () => {
  buildApp();
  if (process.env.DATABASE_URL) postgresDb = await freshDatabase('health_prod');
  else pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-health-prod-'));
});

afterAll(async () => {
  await postgresDb?.dispose();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe('health under the production server', () => {
  it('the image runs what npm start runs', () => {
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(execForm('CMD').join(' ')).toBe(start);
  });

  it('liveness and readiness answer on a fresh database (migrations applied at first use), the Dockerfile HEALTHCHECK passes, SIGTERM exits 0', async () => {
    const { app, base, port, exited } = await startProduction({});
    try {
      const live = await fetch(`${base}/api/health/live`);
      expect(live.headers.get('cache-control')).toBe('no-store');
      expect(await live.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${base}/api/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: {
          database: { ok: true },
          migrations: { ok: true },
          inngest: { ok: true, mode: 'self-hosted', signed: true },
        },
      });
      expect(runHealthcheck(port)).toBe(0);
    } finally {
      app.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(runHealthcheck(port)).toBe(1);
  });

  it('on SIGTERM readiness turns 503 at once while the server serves on for SHUTDOWN_DRAIN_SECONDS, then exits 0', async () => {
    const { app, base, exited } = await startProduction({ SHUTDOWN_DRAIN_SECONDS: '3' });
    // A kept-alive connection, as a load balancer's prober holds: it is served until the drain ends.
    expect((await fetch(`${base}/api/health/ready`)).status).toBe(200);
    const signalled = Date.now();
    app.kill('SIGTERM');
    let ready: Response | null = null;
    for (let i = 0; i < 40 && ready?.status !== 503; i++) {
      ready = await fetch(`${base}/api/health/ready`);
      if (ready.status !== 503) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ready?.status).toBe(503);
    expect(await ready!.json()).toMatchObject({ status: 'stopping' });
    expect(ready!.headers.get('cache-control')).toBe('no-store');
    // Still serving (liveness answers, new connections are accepted) inside the drain.
    expect((await fetch(`${base}/api/health/live`)).status).toBe(200);
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(3_000);
  });
});

async function startProduction(extraEnv: Record<string, string>) {
  const port = await freePort();
  const [, ...args] = execForm('CMD');
  const app = spawn(process.execPath, [...args, '--port', String(port)], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...(postgresDb ? { DATABASE_URL: postgresDb.url! } : { DATABASE_URL: '', PGLITE_DIR: pgliteDir! }),
      APP_URL: `http://localhost:${port}`,
      BIGCOMMERCE_CLIENT_ID: 'health-prod-client',
      BIGCOMMERCE_CLIENT_SECRET: 'health-prod-client-secret',
      TOKEN_ENCRYPTION_KEY: '7c'.repeat(32),
      SESSION_SECRET: 'health-production-test-secret-0123456789',
      INNGEST_DEV: undefined,
      // Readiness only checks the configuration; nothing here calls Inngest.
      ...signedInngestEnv('http://127.0.0.1:9'),
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (c: Buffer) => (output += c.toString()));
  app.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => app.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${base}/api/health/live`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || app.exitCode !== null) {
      app.kill('SIGKILL');
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { app, base, port, exited };
}
