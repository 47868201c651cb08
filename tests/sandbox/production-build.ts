// One production build (`next build`) shared by `npm run demo` and the browser tests, rebuilt only when what goes
// into it changed. The build is stamped with a hash of its inputs (.next/ledgerbridge-build.json); a build whose
// stamp matches the sources is reused, so the demo builds once on a fresh clone and the e2e files share one build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What `next build` reads: the app, its code, its config and its dependencies (tests and data are not in it). */
const INPUTS = ['app', 'lib', 'db', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'tsconfig.json', 'package.json', 'package-lock.json'];
const STAMP = 'ledgerbridge-build.json';

function files(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .filter((d) => !(d.isFile() && /\.test\.tsx?$/.test(d.name)))
    .flatMap((d) => files(root, path.join(entry, d.name)))
    .sort();
}

/** A hash of every input file's path and content (about 30 ms for this tree). */
export function sourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((entry) => files(root, entry))) {
    hash.update(file.split(path.sep).join('/')).update('\0').update(readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

export type BuildState = { fresh: true } | { fresh: false; why: string };

/** The build folder: `.next`, or NEXT_DIST_DIR's (next.config.mjs), so a second build can share the checkout. */
export const distDir = (root: string) => path.join(root, process.env.NEXT_DIST_DIR || '.next');

export function buildState(root: string): BuildState {
  const dist = distDir(root);
  if (!existsSync(path.join(dist, 'BUILD_ID'))) return { fresh: false, why: 'no production build yet' };
  let stamp: { sources?: string };
  try {
    stamp = JSON.parse(readFileSync(path.join(dist, STAMP), 'utf8')) as { sources?: string };
  } catch {
    return { fresh: false, why: 'the build has no source stamp' };
  }
  return stamp.sources === sourceHash(root) ? { fresh: true } : { fresh: false, why: 'the sources changed since the last build' };
}

export interface EnsureBuildOptions {
  root: string;
  /** Each line of Next's output as it builds (the progress); nothing when omitted. */
  onLine?: (line: string) => void;
}

/**
 * Builds the app unless `.next` holds a build of the current sources. Returns how long the build took (0 when the
 * existing one was reused). The hash is taken before the build: a file edited during the build makes the next call
 * build again rather than trust a build that may have missed the edit.
 */
export async function ensureProductionBuild(options: EnsureBuildOptions): Promise<{ built: boolean; ms: number; why?: string }> {
  const state = buildState(options.root);
  if (state.fresh) return { built: false, ms: 0 };
  const sources = sourceHash(options.root);
  const started = Date.now();
  const nextBin = path.join(options.root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: options.root,
      // A production build, whatever the caller's NODE_ENV (Next warns about, and mis-builds with, any other).
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (line.trim()) options.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      if (pending) output.push(pending);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.slice(-60).join('\n')}`);
  writeBuildStamp(options.root, sources);
  return { built: true, ms: Date.now() - started, why: state.why };
}

/** Marks `.next` as the build of the sources that hashed to `sources` (taken before the build started). */
export function writeBuildStamp(root: string, sources: string): void {
  writeFileSync(path.join(distDir(root), STAMP), `${JSON.stringify({ sources, builtAt: new Date().toISOString() })}\n`);
}
