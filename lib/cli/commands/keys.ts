import { tokenKeys } from '@/lib/context';
import { UnknownKeyError } from '@/lib/crypto';
import { createConnectionRepo } from '@/lib/repos/connections';
import { addResealCounts, noResealCounts, type ResealCounts } from '@/lib/repos/reseal';
import { createStoreRepo } from '@/lib/repos/stores';
import { CliError, EXIT } from '../errors';
import type { CliRuntime } from '../runtime';

/** `keys rotate --json`. The shape is a contract with scripts: keep these keys exactly. */
export interface KeysRotateJson {
  currentKeyId: string;
  tables: { stores: ResealCounts; accounting_connections: ResealCounts };
  total: ResealCounts;
}

/**
 * Re-seals every sealed value under the current key (TOKEN_ENCRYPTION_KEY), reading old ones with the previous keys.
 * Exit 0: nothing is left under an old key. Exit 1: a row changed meanwhile (run again), or a key is missing.
 */
export async function keysRotateCommand(rt: CliRuntime, options: { json: boolean; batchSize: number }): Promise<number> {
  const keys = tokenKeys(rt.env);
  const stores = createStoreRepo({ db: rt.db, encryptionKey: keys });
  const connections = createConnectionRepo({ db: rt.db, encryptionKey: keys });
  let tables: KeysRotateJson['tables'];
  try {
    const storeCounts = await stores.resealAll({ batchSize: options.batchSize });
    tables = { stores: storeCounts, accounting_connections: noResealCounts() };
    tables.accounting_connections = await connections.resealAll({ batchSize: options.batchSize });
  } catch (error) {
    if (error instanceof UnknownKeyError) throw new CliError(`keys rotate stopped: ${error.message}`, EXIT.failed);
    throw error;
  }
  const total = addResealCounts(tables.stores, tables.accounting_connections);
  const out = rt.io.stdout;
  if (options.json) {
    out.write(`${JSON.stringify({ currentKeyId: keys.currentId, tables, total } satisfies KeysRotateJson)}\n`);
  } else {
    const line = (name: string, c: ResealCounts) =>
      `  ${name.padEnd(24)} ${c.rows} rows, ${c.values} sealed values: ${c.resealed} re-sealed, ${c.current} already current${c.changedMeanwhile > 0 ? `, ${c.changedMeanwhile} rows changed meanwhile` : ''}\n`;
    out.write(`Re-sealed under key ${keys.currentId}:\n`);
    out.write(line('stores', tables.stores));
    out.write(line('accounting_connections', tables.accounting_connections));
    out.write(
      total.changedMeanwhile > 0
        ? `${total.changedMeanwhile} rows changed while this ran and were left alone: run \`ledgerbridge keys rotate\` again.\n`
        : 'Every sealed value is under the current key: TOKEN_ENCRYPTION_KEYS_PREVIOUS can be removed.\n',
    );
  }
  return total.changedMeanwhile > 0 ? EXIT.failed : EXIT.ok;
}
