/**
 * The command line beside `npm run demo`: the demo writes the settings the CLI needs (its database, the token key,
 * the sandbox's API) to `.data/demo.env` in the checkout, with its process id. A CLI that was told nothing about a
 * database (no DATABASE_URL, no PGLITE_DIR), outside production, takes from that file what its own environment lacks,
 * while that demo runs. Set values always win; a stopped demo's file is ignored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout the CLI runs from (lib/cli/bin.mjs and `npm run cli` both run this copy of the code). */
const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_ENV_FILE = path.join(checkout, '.data', 'demo.env');
/** Marks an environment completed from the demo's file (its path), for the note on stderr. */
export const FROM_DEMO = 'LEDGERBRIDGE_DEMO_ENV';

type Source = Readonly<Record<string, string | undefined>>;

export function parseDemoEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DemoEnvOptions {
  /** The file to read (DEMO_ENV_FILE in `source`, else .data/demo.env in the checkout). */
  file?: string;
  read?: (file: string) => string;
  alive?: (pid: number) => boolean;
}

/** The values to add to `source` from a running demo's file; empty when none applies. */
export function runningDemoEnv(source: Source, options: DemoEnvOptions = {}): Record<string, string> {
  if (source.NODE_ENV === 'production' || source.DATABASE_URL || source.PGLITE_DIR) return {};
  const file = options.file ?? (source.DEMO_ENV_FILE || DEMO_ENV_FILE);
  let values: Record<string, string>;
  try {
    values = parseDemoEnv((options.read ?? ((f) => readFileSync(f, 'utf8')))(file));
  } catch {
    return {};
  }
  const pid = Number(values.DEMO_PID);
  if (!Number.isInteger(pid) || pid <= 0 || !(options.alive ?? running)(pid)) return {};
  const added: Record<string, string> = { [FROM_DEMO]: file };
  for (const [name, value] of Object.entries(values)) {
    if (name !== 'DEMO_PID' && !source[name]) added[name] = value;
  }
  return added;
}
