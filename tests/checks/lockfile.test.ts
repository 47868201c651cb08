// The lockfile is what `npm ci` (CI, the Docker image) installs from, so it must hold every platform's packages: a
// lockfile written on one machine with only that machine's optional binaries makes `npm ci` refuse it ("Missing:
// @next/swc-darwin-arm64 from lock file") and `npm install` rewrite it. Regenerate with
// `npm install --package-lock-only`, which records every platform's optional packages whatever the machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  hasInstallScript?: boolean;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

/** Where npm would find `name` from the package installed at `from`: its own node_modules, then each parent's. */
function resolve(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

const PLATFORMS = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];

function platformsOf(location: string): string[] {
  const entry = lock.packages[location]!;
  return Object.keys(entry.optionalDependencies ?? {}).flatMap((name) => {
    const found = resolve(location, name);
    const dep = found ? lock.packages[found] : undefined;
    return dep?.os && dep.cpu ? dep.os.flatMap((os) => dep.cpu!.map((cpu) => `${os}-${cpu}`)) : [];
  });
}

describe('package-lock.json', () => {
  it('records every optional dependency of every locked package (npm ci refuses a lockfile missing one)', () => {
    const missing = Object.entries(lock.packages).flatMap(([location, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => resolve(location, name) === undefined)
        .map((name) => `${location || '<root>'} -> ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("holds next's and every esbuild's native binaries for Linux x64, macOS (arm64 and x64) and Windows x64", () => {
    const natives = Object.keys(lock.packages).filter((location) => /(^|\/)node_modules\/(next|esbuild)$/.test(location));
    expect(natives.length).toBeGreaterThanOrEqual(2);
    for (const location of natives) expect({ location, platforms: platformsOf(location) }).toEqual({ location, platforms: expect.arrayContaining(PLATFORMS) });
  });

  it("has a decision in package.json's allowScripts for every locked package with an install script (else npm warns on install)", () => {
    const names = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const undecided = [...new Set(names)].filter((name) => typeof manifest.allowScripts?.[name] !== 'boolean');
    expect(undecided).toEqual([]);
  });
});
