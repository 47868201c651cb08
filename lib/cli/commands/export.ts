import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportBeancount, exportCsv, exportHledger, loadLedger, type LedgerSnapshot } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import type { ExportFormat } from '../args';
import { CliError, UsageError } from '../errors';
import { knownStore, type CliRuntime } from '../runtime';

const render: Record<ExportFormat, (snapshot: LedgerSnapshot) => string> = {
  hledger: exportHledger,
  beancount: (snapshot) => exportBeancount(snapshot),
  csv: exportCsv,
};

/**
 * Writes `text` to `file` atomically: a temporary file in the same directory, then a rename, so a reader never sees
 * a half-written export and a failure leaves the previous file as it was.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`export: the directory ${dir} does not exist`);
  const existing = await stat(file).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`export: ${file} is a directory`);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UsageError(`export: cannot write ${file}: permission denied`);
    throw new CliError(`export: writing ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function exportCommand(
  rt: CliRuntime,
  options: { store: StoreHash; format: ExportFormat; from: string | null; to: string | null; out: string | null },
): Promise<number> {
  // The books stay readable after an uninstall: any store the database knows can be exported.
  await knownStore(rt, options.store);
  const out = options.out === null ? null : path.resolve(rt.io.cwd, options.out);
  if (out) {
    const dir = path.dirname(out);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new UsageError(`export: the directory ${dir} does not exist`);
  }
  const snapshot = await loadLedger(rt.db, options.store, { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) });
  const text = render[options.format](snapshot);
  if (out) {
    await writeFileAtomically(out, text);
    rt.io.stderr.write(`Wrote ${snapshot.entries.length} entries of store ${options.store} to ${out} (${options.format}).\n`);
  } else {
    rt.io.stdout.write(text);
  }
  return 0;
}
