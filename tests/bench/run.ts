// `npm run bench`: runs every tests/bench/*.bench.ts script in turn (or those named on the command line),
// each in its own process so one benchmark's memory does not colour the next one's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
// A name is a benchmark's exact name when one has it (`daily-summary` is not also `daily-summary-xero`), else a part
// of the names it picks.
const picks = (f: string, w: string) => (all.includes(`${w}.bench.ts`) ? f === `${w}.bench.ts` : f.includes(w));
const scripts = all.filter((f) => wanted.length === 0 || wanted.some((w) => picks(f, w))).sort();

if (scripts.length === 0) {
  console.error(`No benchmark matches ${wanted.join(' ') || '*.bench.ts'} in ${dir}`);
  process.exit(2);
}
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, script)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
