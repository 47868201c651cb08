/**
 * Starts and kills tests/integration/support/sync-app-process.ts: the app server as a child process on a fixed
 * port, for tests that crash the app mid-work and for benchmarks that keep the app off the test's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const script = path.join(repoRoot, 'tests/integration/support/sync-app-process.ts');

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV ?? 'development' };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'TZ', 'LANG', 'SYNC_APP_WORKERS', 'DATABASE_POOL_SIZE']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Node's flags as `npm start` runs the server (package.json `start`, the Dockerfile; lib/server/main.ts says why). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/** The processes a process started (the app's workers), from /proc; none once it is gone. */
export function childPids(pid: number | undefined): number[] {
  if (!pid) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** A port free right now (the kernel picks it; we release it for the child to bind). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface AppChild {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL: no cleanup, in-flight requests are cut. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export async function startAppChild(port: number, env: Record<string, string>, options: { timeoutMs?: number; onOutput?: (line: string) => void } = {}): Promise<AppChild> {
  // SYNC_APP_NODE_ARGS: extra node flags for the app process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const extra = (process.env.SYNC_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...extra, '--import', 'tsx', script], {
    cwd: repoRoot,
    // Only what the app and node need: the Inngest SDK reads the whole environment on every request.
    env: { ...baseEnv(), ...env, SYNC_APP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-8_000);
    options.onOutput?.(text);
  };
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app child did not start in time: ${output}`)), options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      collect(chunk);
      const match = /sync-app ready (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app child exited (${code ?? signal}) before it was ready: ${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port,
    process: child,
    async kill() {
      // Every process of the app at once (its workers, with SYNC_APP_WORKERS), as a host that dies.
      for (const pid of childPids(child.pid)) killQuietly(pid);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        for (const pid of childPids(child.pid)) killQuietly(pid);
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}
