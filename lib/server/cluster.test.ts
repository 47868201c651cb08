import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { onSharedRateLimitBlock, sharedRateLimiter, type Clock } from '@/lib/bigcommerce/client/rate-limiter';
import { freePort } from '@/tests/integration/support/sync-app-child';
import { isRateLimitBlock, shareRateLimitBlocks, type RateLimitBlockMessage } from './cluster';

const root = path.resolve(import.meta.dirname, '..', '..');
let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  child = null;
});

async function startCluster(workers: number): Promise<{ port: number; output: () => string; exited: Promise<number | null> }> {
  const port = await freePort();
  const started = spawn(process.execPath, ['--import', 'tsx', 'tests/support/cluster-fixture.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', CLUSTER_WORKERS: String(workers), CLUSTER_PORT: String(port), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child = started;
  let output = '';
  started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.includes('cluster ready')) {
    if (Date.now() > deadline || started.exitCode !== null) throw new Error(`the cluster did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, output: () => output, exited };
}

/** The pid of the worker that answered, over a fresh connection each time (the primary deals connections round robin). */
async function answeredBy(port: number, pathname = '/', timeoutMs = 5_000): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(timeoutMs) });
  return Number(await response.text());
}

describe('several server processes on one port (WEB_CONCURRENCY, lib/server/cluster.ts)', () => {
  it('spreads connections over every worker, replaces one that dies, and drains all of them on SIGTERM', async () => {
    const cluster = await startCluster(2);
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) pids.add(await answeredBy(cluster.port));
    expect(pids.size).toBe(2);
    expect(pids.has(child!.pid!)).toBe(false); // the primary runs no server code

    // A worker killed outright is replaced; the port keeps answering meanwhile (a connection the primary handed to the
    // dying worker is lost with it, as with any crash: given up after a second).
    const [victim] = [...pids];
    process.kill(victim!, 'SIGKILL');
    const after = new Set<number>();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (after.size < 2 || after.has(victim!))) {
      const pid = await answeredBy(cluster.port, '/', 1_000).catch(() => 0);
      if (pid !== 0 && pid !== victim) after.add(pid);
      if (after.size >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after.size).toBe(2);
    expect(after.has(victim!)).toBe(false);
    expect(cluster.output()).toContain('server worker exited; starting another');

    // SIGTERM: a request in flight is finished, then every worker and the primary exit cleanly.
    const inFlight = answeredBy(cluster.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(child!.pid!, 'SIGTERM');
    expect(await inFlight).toBeGreaterThan(0);
    expect(await cluster.exited).toBe(0);
    for (const pid of after) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});

function fakeChannel() {
  const sent: RateLimitBlockMessage[] = [];
  const listeners: Array<(m: unknown) => void> = [];
  return {
    sent,
    deliver: (m: unknown) => listeners.forEach((l) => l(m)),
    channel: {
      send: (m: RateLimitBlockMessage) => sent.push(m),
      on: (_: 'message', l: (m: unknown) => void) => listeners.push(l),
      off: (_: 'message', l: (m: unknown) => void) => listeners.splice(listeners.indexOf(l), 1),
      connected: true,
    },
  };
}
const clockAt = (now: number): Clock => ({ now: () => now, sleep: async () => undefined });

describe('429s shared between server workers', () => {
  it("a worker's 429 goes to the primary; another's holds this worker's calls to the store without being sent on again", () => {
    const { sent, deliver, channel } = fakeChannel();
    const stop = shareRateLimitBlocks(channel, clockAt(1_000_000));
    try {
      sharedRateLimiter('share-a').block(clockAt(1_000_000), 12_000);
      expect(sent).toEqual([{ type: 'ledgerbridge:bigcommerce-429', storeHash: 'share-a', resetMs: 12_000 }]);

      deliver({ type: 'ledgerbridge:bigcommerce-429', storeHash: 'share-b', resetMs: 7_000 });
      expect(sharedRateLimiter('share-b').snapshot().blockedUntil).toBeGreaterThanOrEqual(1_007_000);
      expect(sent).toHaveLength(1); // a block heard from another worker is not echoed back

      deliver({ type: 'something else', storeHash: 'share-c', resetMs: 7_000 });
      deliver({ type: 'ledgerbridge:bigcommerce-429', storeHash: 'share-c', resetMs: 'soon' });
      expect(sharedRateLimiter('share-c').snapshot().blockedUntil).toBe(0);

      channel.connected = false; // the worker is being stopped: nothing is sent, and the 429's caller is not failed
      sharedRateLimiter('share-d').block(clockAt(1_000_000), 5_000);
      expect(sent).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('a listener that throws does not fail the call that was answered 429', () => {
    const stop = onSharedRateLimitBlock(() => {
      throw new Error('channel closed');
    });
    try {
      expect(() => sharedRateLimiter('share-e').block(clockAt(0), 1_000)).not.toThrow();
      expect(sharedRateLimiter('share-e').snapshot().blockedUntil).toBeGreaterThanOrEqual(1_000);
    } finally {
      stop();
    }
  });

  it('recognises only well-formed block messages', () => {
    expect(isRateLimitBlock({ type: 'ledgerbridge:bigcommerce-429', storeHash: 'x', resetMs: 1 })).toBe(true);
    expect(isRateLimitBlock({ type: 'ledgerbridge:bigcommerce-429', storeHash: 'x', resetMs: Number.NaN })).toBe(false);
    expect(isRateLimitBlock(null)).toBe(false);
    expect(isRateLimitBlock('ledgerbridge:bigcommerce-429')).toBe(false);
  });

  it('across real worker processes: the primary passes one worker’s 429 to the other', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/support/cluster-rate-limit-fixture.ts'], {
      cwd: root,
      timeout: 60_000,
    });
    const reports = JSON.parse(stdout.trim().split('\n').at(-1)!) as Array<{ id: number; heldMs: number }>;
    expect(reports.map((r) => r.id)).toEqual([1, 2]);
    expect(reports[0]!.heldMs).toBeGreaterThan(19_000);
    // Worker 2 never called the store: it holds because worker 1 was answered 429.
    expect(reports[1]!.heldMs).toBeGreaterThan(15_000);
    expect(reports[1]!.heldMs).toBeLessThanOrEqual(20_100);
  }, 90_000);
});
