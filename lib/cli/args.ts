/**
 * Command-line arguments: `ledgerbridge <command> [options]`, parsed with node:util parseArgs (strict: unknown
 * options and stray positionals are errors) and validated here, so the commands receive typed, checked values.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StoreHash } from '@/lib/ids';
import { UsageError } from './errors';

export const EXPORT_FORMATS = ['hledger', 'beancount', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type Command =
  | { name: 'help'; text: string }
  | { name: 'connect'; credentials: string }
  | { name: 'status'; store: StoreHash | null; json: boolean }
  | { name: 'sync'; store: StoreHash; since: string | null }
  | { name: 'retry'; store: StoreHash; order: number }
  | { name: 'export'; store: StoreHash; format: ExportFormat; from: string | null; to: string | null; out: string | null }
  | { name: 'stock set'; store: StoreHash; sku: string; qty: string; location: number }
  | { name: 'stock push'; store: StoreHash; dryRun: boolean }
  | { name: 'items import'; store: StoreHash; dryRun: boolean; updateDetails: boolean }
  | { name: 'items push-details'; store: StoreHash; dryRun: boolean }
  | { name: 'keys rotate'; json: boolean; batchSize: number };

export type CommandName = Exclude<Command['name'], 'help'>;

export const GENERAL_HELP = `Usage: ledgerbridge <command> [options]

Posts BigCommerce orders to the books from the command line, against the same database as the app
(DATABASE_URL, or the embedded PGlite database in PGLITE_DIR; TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEYS_PREVIOUS;
BIGCOMMERCE_API_URL).

Commands:
  connect --credentials <file>     register a store with an API account's credentials file
  status [--store <hash>] [--json] connection, orders by sync state, last errors
  sync --store <hash> [--since <YYYY-MM-DD>]
                                   post the store's orders since a date (resumes a running backfill)
  retry --store <hash> --order <id>
                                   run the pipeline for one order now
  export --store <hash> --format hledger|beancount|csv [--from <date>] [--to <date>] [--out <file>]
                                   export the built-in ledger
  stock set --store <hash> --sku <sku> --qty <n> [--location <id>]
                                   record a stock count in the built-in ledger
  stock push --store <hash> [--dry-run]
                                   send changed stock levels from the books to BigCommerce
  items import --store <hash> [--dry-run] [--update-details]
                                   create the store's products as items in the books
  items push-details --store <hash> [--dry-run]
                                   send names, prices and descriptions from the books to BigCommerce
  keys rotate [--json]             re-seal every stored token under TOKEN_ENCRYPTION_KEY

Run \`ledgerbridge <command> --help\` for a command's options.
Exit codes: 0 done, 1 failed, 2 bad arguments or input (nothing written), 130 stopped by Ctrl-C.
`;

export const COMMAND_HELP: Record<CommandName, string> = {
  connect: `Usage: ledgerbridge connect --credentials <file>

Registers a store with the credentials file BigCommerce gives when you create a store-level API account
(Settings > Store-level API accounts; the .txt file with ACCESS TOKEN, CLIENT ID, ... and API PATH lines).
Checks the connection with GET /v2/store, stores the access token encrypted, and prints the store's hash,
name, plan and currency. Connecting again replaces the token. Give the account the scopes Orders (modify),
Information (read-only), Products (read-only) and Customers (read-only).
`,
  status: `Usage: ledgerbridge status [--store <hash>] [--json]

Shows each connected store (or only <hash>): the BigCommerce connection, orders by sync state, the latest
backfill and the last errors.
  --json   prints {"stores":[{"hash","provider","orders":{"posted","pending","failed","skipped"}}]}
           (failed counts failed and held orders) and does not call BigCommerce.
`,
  sync: `Usage: ledgerbridge sync --store <hash> [--since <YYYY-MM-DD>]

Backfills the store: pages through its orders created since the date (default: the store's "orders from"
setting, else 30 days ago) and posts each eligible one once, exactly as the app's background backfill does.
If the store has a backfill running (started by the app or an earlier sync), it is continued from its page.
Progress goes to stderr. Ctrl-C stops after the current page; run the same command to resume.
`,
  retry: `Usage: ledgerbridge retry --store <hash> --order <id>

Runs the pipeline for one order now (load, plan, post, write the status back) and prints the outcome:
"posted as <number>", "held: <reason>", "skipped: <reason>". Exit code 1 when the order is held or failed.
`,
  export: `Usage: ledgerbridge export --store <hash> --format hledger|beancount|csv [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--out <file>]

Exports the store's built-in ledger (entries dated from..to, inclusive) to stdout, or to <file> (written to
a temporary file first and renamed, so the file is never half-written).
`,
  'stock set': `Usage: ledgerbridge stock set --store <hash> --sku <sku> --qty <n> [--location <id>]

Records a stock count in the store's built-in ledger: the quantity on hand of <sku> at location <id>
(BigCommerce location, default 1) becomes <n>. The item must exist (see \`items import\`). The next stock push
sends the new level to BigCommerce.
`,
  'stock push': `Usage: ledgerbridge stock push --store <hash> [--dry-run]

Sends the levels that changed since the last push from the books to BigCommerce inventory (2,000 per request,
addressed by each product's tracking mode) and prints what was sent, skipped (with the reason) and refused.
--dry-run prints what would be sent and sends nothing. Stock sync must be on in the store's settings.
`,
  'items import': `Usage: ledgerbridge items import --store <hash> [--dry-run] [--update-details]

Creates every BigCommerce product and variant SKU that has no item in the books, matched by exact SKU, with its
name, description (as plain text), price, tracked flag and the store's sales account. Existing items are left
alone unless --update-details, which changes only their name, description and price where they differ. Duplicate
or empty SKUs in the store, and SKUs the accounting system cannot hold, are reported, not guessed.
--dry-run lists what would change and changes nothing.
`,
  'items push-details': `Usage: ledgerbridge items push-details --store <hash> [--dry-run]

The reverse of items import: the name, price and description of every item in the books whose SKU matches a
BigCommerce product or variant go to BigCommerce, only the fields that differ (a variant takes its price only:
names and descriptions belong to its product). Values the books lack are never pushed. Prints what changed and
what BigCommerce refused. Needs "push product details" on in the store's settings (except with --dry-run) and an
API account with Products (modify).
`,
  'keys rotate': `Usage: ledgerbridge keys rotate [--json] [--batch-size <n>]

Re-seals every encrypted value in the database (store access tokens and webhook secrets, accounting connection
tokens) under the current key, TOKEN_ENCRYPTION_KEY, reading the old ones with the keys in
TOKEN_ENCRYPTION_KEYS_PREVIOUS. Rows are read <n> at a time (default 200). Running it again changes nothing.
Prints what it did per table; exit code 0 means nothing is left under an old key, so the previous keys can be
removed. A row changed by the app while it ran is left alone (exit code 1: run it again). A value whose key is
not configured stops it with that key's id (exit code 1; what was re-sealed before stays re-sealed).
  --json   prints {"currentKeyId","tables":{"stores":{...},"accounting_connections":{...}},"total":{...}}, each
           with rows, values, resealed, current (already under the current key) and changedMeanwhile.
`,
};

const COMMON = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsConfig['options'];

const OPTIONS = {
  connect: { ...COMMON, credentials: { type: 'string' } },
  status: { ...COMMON, store: { type: 'string' }, json: { type: 'boolean' } },
  sync: { ...COMMON, store: { type: 'string' }, since: { type: 'string' } },
  retry: { ...COMMON, store: { type: 'string' }, order: { type: 'string' } },
  export: { ...COMMON, store: { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
  'stock set': { ...COMMON, store: { type: 'string' }, sku: { type: 'string' }, qty: { type: 'string' }, location: { type: 'string' } },
  'stock push': { ...COMMON, store: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  'items import': { ...COMMON, store: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'update-details': { type: 'boolean' } },
  'items push-details': { ...COMMON, store: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  'keys rotate': { ...COMMON, json: { type: 'boolean' }, 'batch-size': { type: 'string' } },
} as const satisfies Record<CommandName, ParseArgsConfig['options']>;

const isCommandName = (value: string): value is CommandName => Object.hasOwn(OPTIONS, value);

/** Parses `argv` (without node and the script). Throws UsageError with a one-line message. */
export function parseCommand(argv: readonly string[], options: { today?: () => string } = {}): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command (run `ledgerbridge --help`)');
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0];
    if (topic && isCommandName(topic)) return { name: 'help', text: COMMAND_HELP[topic] };
    return { name: 'help', text: GENERAL_HELP };
  }
  // Two-word commands: `stock set`, `stock push`, `items import`, `items push-details`, `keys rotate`.
  let rest2 = rest;
  let name = first;
  if ((first === 'stock' || first === 'items' || first === 'keys') && rest[0] && !rest[0].startsWith('-')) {
    name = `${first} ${rest[0]}`;
    rest2 = rest.slice(1);
  }
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}" (run \`ledgerbridge --help\`)`);
  const command = name;

  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: [...rest2], options: OPTIONS[command], strict: true, allowPositionals: false });
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError(`${command}: ${describeParseError(error)}`);
  }
  if (values.help) return { name: 'help', text: COMMAND_HELP[command] };
  const str = (key: string) => values[key] as string | undefined;
  const today = options.today?.() ?? new Date().toISOString().slice(0, 10);

  switch (command) {
    case 'connect':
      return { name: 'connect', credentials: required(command, 'credentials', str('credentials'), '<file>') };
    case 'status': {
      const store = str('store');
      return { name: 'status', store: store === undefined ? null : storeHash(command, store), json: values.json === true };
    }
    case 'sync': {
      const since = str('since');
      const date = since === undefined ? null : isoDate(command, 'since', since);
      if (date !== null && date > today) throw new UsageError(`sync: --since ${date} is in the future`);
      return { name: 'sync', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), since: date };
    }
    case 'retry':
      return {
        name: 'retry',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        order: orderId(command, required(command, 'order', str('order'), '<id>')),
      };
    case 'export': {
      const format = required(command, 'format', str('format'), EXPORT_FORMATS.join('|'));
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')} (got "${format}")`);
      }
      const from = str('from') === undefined ? null : isoDate(command, 'from', str('from')!);
      const to = str('to') === undefined ? null : isoDate(command, 'to', str('to')!);
      if (from !== null && to !== null && from > to) throw new UsageError(`export: --from ${from} is after --to ${to}`);
      const out = str('out');
      if (out === '') throw new UsageError('export: --out needs a file name');
      return {
        name: 'export',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        format: format as ExportFormat,
        from,
        to,
        out: out ?? null,
      };
    }
    case 'stock set': {
      const sku = required(command, 'sku', str('sku'), '<sku>').trim();
      const qty = required(command, 'qty', str('qty'), '<n>');
      if (!/^-?\d+(\.\d+)?$/.test(qty)) throw new UsageError(`stock set: --qty "${qty}" is not a quantity (a number such as 12 or 4.5)`);
      const location = str('location') === undefined ? 1 : Number(str('location'));
      if (!Number.isSafeInteger(location) || location <= 0) throw new UsageError(`stock set: --location "${str('location')}" is not a location id`);
      return { name: 'stock set', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), sku, qty, location };
    }
    case 'stock push':
      return { name: 'stock push', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), dryRun: values['dry-run'] === true };
    case 'items import':
      return {
        name: 'items import',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        dryRun: values['dry-run'] === true,
        updateDetails: values['update-details'] === true,
      };
    case 'items push-details':
      return { name: 'items push-details', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), dryRun: values['dry-run'] === true };
    case 'keys rotate': {
      const given = str('batch-size');
      const batchSize = given === undefined ? 200 : /^[0-9]{1,6}$/.test(given) ? Number(given) : NaN;
      if (!(batchSize >= 1 && batchSize <= 10_000)) throw new UsageError(`keys rotate: --batch-size "${given}" is not a number from 1 to 10000`);
      return { name: 'keys rotate', json: values.json === true, batchSize };
    }
  }
}

function required(command: string, option: string, value: string | undefined, placeholder: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${command}: --${option} ${placeholder} is required`);
  return value;
}

function storeHash(command: string, value: string): StoreHash {
  const parsed = StoreHash.safeParse(value);
  if (!parsed.success) throw new UsageError(`${command}: --store "${value}" is not a store hash (lowercase letters and digits)`);
  return parsed.data;
}

function orderId(command: string, value: string): number {
  const id = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`${command}: --order "${value}" is not an order id (a positive whole number)`);
  return id;
}

/** A real calendar date written YYYY-MM-DD (2024-02-30 is refused). */
export function isoDate(command: string, option: string, value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const valid =
    match !== null && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).toISOString().slice(0, 10) === value;
  if (!valid) throw new UsageError(`${command}: --${option} "${value}" is not a date (YYYY-MM-DD)`);
  return value;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node's messages carry advice on a second sentence about `--`; the first sentence is what matters.
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message.split('. ')[0]!.replace(/\.$/, '');
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return message.split('. ')[0]!.replace(/\.$/, '');
  return message;
}
