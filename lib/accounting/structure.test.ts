/**
 * A provider is one folder under lib/accounting and one line of the registry: nothing outside lib/accounting (and
 * the sandboxes and tests, which stand in for or exercise one system) names a system. This reads every source file
 * of the app, strips comments (examples in prose are fine) and fails on any remaining mention of a remote system's
 * id or name — string literals, identifiers, JSX text and import paths alike.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { providers, remoteDefinitions } from './registry';

const root = path.resolve(import.meta.dirname, '../..');
const SCANNED = ['app', 'lib', 'db'];
const EXEMPT = [path.join('lib', 'accounting') + path.sep];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mjs|js)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [rel] : [];
  });
}

/** The code without its comments; strings, template literals and regex-free code as written. */
export function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i += 1;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i += 1;
    }
  }
  return out;
}

// Every remote system's id, and the words its pages and docs use for it.
const names = [...new Set(remoteDefinitions().flatMap((d) => [d.id, d.display.name, d.display.shortName]).concat(['quickbooks', 'intuit']))];
const pattern = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');

describe('providers plug in without touching the rest', () => {
  it('the scanner strips comments but keeps strings (it would see a literal)', () => {
    expect(withoutComments("const a = 'xero'; // xero\n/* QuickBooks */ b(`q`)")).toBe("const a = 'xero'; \n b(`q`)");
    expect(withoutComments("const u = 'https://example.com/xero';")).toMatch(pattern);
  });

  it('no file outside lib/accounting names a remote system (id, name or import path)', () => {
    const files = SCANNED.flatMap(sourceFiles).filter((f) => !EXEMPT.some((e) => f.startsWith(e)));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) =>
      withoutComments(readFileSync(path.join(root, file), 'utf8'))
        .split('\n')
        .map((line, n) => ({ line, n }))
        .filter(({ line }) => pattern.test(line))
        .map(({ line, n }) => `${file}:${n + 1}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('no folder or route outside lib/accounting is named after a remote system', () => {
    const dirs = SCANNED.flatMap(function walk(dir: string): string[] {
      return readdirSync(path.join(root, dir)).flatMap((name) => {
        const rel = path.join(dir, name);
        return statSync(path.join(root, rel)).isDirectory() ? [rel, ...walk(rel)] : [];
      });
    }).filter((d) => !EXEMPT.some((e) => `${d}${path.sep}`.startsWith(e)));
    expect(dirs.filter((d) => pattern.test(path.basename(d)))).toEqual([]);
  });

  it('the registry holds every provider folder, each entry keyed by its own id', () => {
    for (const [key, definition] of Object.entries(providers)) expect(definition.id).toBe(key);
    const folders = readdirSync(import.meta.dirname).filter((n) => statSync(path.join(import.meta.dirname, n)).isDirectory() && n !== 'connect');
    expect(folders.sort()).toEqual(Object.keys(providers).sort());
  });
});
