/**
 * Command-line arguments: `ledgerbridge <command> [options]`, parsed with node:util parseArgs (strict: unknown
 * options and stray positionals are errors) and validated here, so the commands receive typed, checked values.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StoreHash } from '@/lib/ids';
import { UsageError } from './errors';
import { readSettingValue, settingLeaf } from './settings-keys';

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
  | { name: 'customers import'; store: StoreHash; dryRun: boolean; json: boolean }
  | { name: 'reconcile'; store: StoreHash; from: string | null; to: string | null; json: boolean }
  | { name: 'keys rotate'; json: boolean; batchSize: number }
  | { name: 'settings get'; store: StoreHash; json: boolean }
  | { name: 'settings set'; store: StoreHash; values: ReadonlyMap<string, unknown> }
  | { name: 'summary post'; store: StoreHash; date: string | null; json: boolean }
  | { name: 'notify digest'; store: StoreHash; date: string | null };

export const MAX_RECONCILE_DAYS = 92;

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
  customers import --store <hash> [--dry-run] [--json]
                                   create and update the store's customers in the books
  reconcile --store <hash> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--json]
                                   compare the store and the books, day by day, and class every difference
  keys rotate [--json]             re-seal every stored token under TOKEN_ENCRYPTION_KEY
  settings get --store <hash> [--json]
                                   print the store's settings, every key with its value
  settings set --store <hash> <key>=<value>...
                                   change settings, checked as the settings pages check them
  summary post --store <hash> [--date <YYYY-MM-DD>] [--json]
                                   post or refresh a day's summaries now (daily summary mode)
  notify digest --store <hash> [--date <YYYY-MM-DD>]
                                   email the store's daily digest now (yesterday by default)

Run \`ledgerbridge <command> --help\` for a command's options.
Exit codes: 0 done, 1 failed, 2 bad arguments or input (nothing written), 130 stopped by Ctrl-C.
`;

export const COMMAND_HELP: Record<CommandName, string> = {
  connect: `Usage: ledgerbridge connect --credentials <file>

Registers a store with the credentials file BigCommerce gives when you create a store-level API account
(Settings > Store-level API accounts; the .txt file with ACCESS TOKEN, CLIENT ID, ... and API PATH lines).
Checks the connection with GET /v2/store and every scope the app needs (one call per scope that changes nothing:
BigCommerce answers 403 to a token without it), stores the access token encrypted, and prints the store's hash,
name, plan and currency. Connecting again replaces the token, only once the new one has every scope; a missing
scope is named and nothing is changed (exit code 2). Give the account the scopes Orders (modify), Information &
Settings (read-only), Products (modify), Customers (read-only), Inventory (modify) and Order Transactions
(read-only): the list BIGCOMMERCE_REQUIRED_SCOPES sets, as for an install from the marketplace.
`,
  status: `Usage: ledgerbridge status [--store <hash>] [--json]

Shows each connected store (or only <hash>): the BigCommerce connection (ok, or refused when BigCommerce refuses
the token or it lacks a scope the app needs), orders by sync state, the latest backfill and the last errors.
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
--dry-run prints what would be sent and sends nothing. Stock sync must be on (the app's Order rules › Stock to BigCommerce,
or settings set --store <hash> stock.enabled=true).
`,
  'items import': `Usage: ledgerbridge items import --store <hash> [--dry-run] [--update-details]

Creates every BigCommerce product and variant SKU that has no item in the books, matched by exact SKU, with its
name, description (as plain text), price, tracked flag and the store's sales account. Existing items are left
alone unless --update-details, which changes only their name, description and price where they differ. Duplicate
or empty SKUs in the store, and SKUs the accounting system cannot hold, are reported, not guessed.
--dry-run lists what would change and changes nothing.
`,
  'summary post': `Usage: ledgerbridge summary post --store <hash> [--date <YYYY-MM-DD>] [--json]

Daily summary mode (posting.mode=daily_summary): posts the day's summaries now, one per currency and payment method,
from the orders and refunds kept for that day; today (in the store's document.timeZone) by default. The scheduler posts
each day once it has ended. A day posted earlier is refreshed in place when its orders changed (the same summary, its
next version), never posted twice; a closed day (posting.summaryCloseHours after it ended) is left as it is. Prints
one line per summary (number, orders, refunds, total, what happened); --json prints
{"date","summaries":[{"number","currency","method","result","orders","refunds","total"}]}. Exit 1 when the books
refused a summary.
`,
  'notify digest': `Usage: ledgerbridge notify digest --store <hash> [--date <YYYY-MM-DD>]

Emails the store's daily digest now, to each of its users who chose the digest (the owner unless they opted out):
documents posted that day by currency, the orders that failed or are held with the reasons, and the reconciliation
result. The day is --date in the store's time zone (document.timeZone), yesterday there by default. Sent even if the
day's digest already went out. Needs SMTP_URL (and MAIL_FROM, APP_URL for links, SESSION_SECRET to sign the
unsubscribe links, as the app has them); prints who it was sent to and any address the mail server refused.
`,
  'customers import': `Usage: ledgerbridge customers import --store <hash> [--dry-run] [--json]

Reads the store's customer list (BigCommerce GET /v3/customers, page by page) and makes each registered customer a
customer in the books, as posting one of their orders would: found by their BigCommerce id (the customer reference,
customers.referencePrefix), else by email when customers.matchByEmail is on (then linked to their id); created when
not found; a changed email is updated; the name in the books stays. Customers without an id (guests) are never
imported. Progress goes to stderr. --dry-run lists what would be created, updated and left, and changes nothing.
--json prints the outcome as one JSON object.
`,
  'items push-details': `Usage: ledgerbridge items push-details --store <hash> [--dry-run]

The reverse of items import: the name, price and description of every item in the books whose SKU matches a
BigCommerce product or variant go to BigCommerce, only the fields that differ (a variant takes its price only:
names and descriptions belong to its product). Values the books lack are never pushed. Prints what changed and
what BigCommerce refused. Needs "push product details" on (except with --dry-run: the app's Ledger › Items and stock,
or settings set --store <hash> items.pushProductDetails=true) and an API account with Products (modify).
`,
  reconcile: `Usage: ledgerbridge reconcile --store <hash> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--json]

For each day from..to (in the store's time zone, document.timeZone; default: yesterday only) and currency, reads
the store's side from BigCommerce (orders placed that are eligible by the store's status rules, their totals, tax,
shipping, discounts and payments by method, and the refunds made) and the books' side from the accounting system
itself (its documents and credit notes of those dates), and lists every difference with its class: pending,
failed, held, skipped (from the app's own records, with the reason), refund_not_credited, changed_in_books,
voided_in_books, missing_in_books, duplicate_in_books. At most 92 days a run.
  --json   prints {"days":[{"date","currency","store":{"orders","total","tax","refunds"},
           "books":{"documents","total","tax","refunds"},"differences":[{"orderId","class","amount","reason"}]}]}
           with money as decimal strings.
Exit code 0 when both sides were read (whatever they say), 1 when one could not be.
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
  'settings get': `Usage: ledgerbridge settings get --store <hash> [--json]

Prints the store's settings (the defaults until first saved): one \`key = value\` line per setting, every key
with its value, in the syntax \`settings set\` takes.
  --json   prints the settings object as JSON, exactly as the app stores it and GET /api/admin/settings
           answers it (sections orders, document, customers, items, lines, accounts, tax, payments, stock,
           posting, and schemaVersion).
`,
  'settings set': `Usage: ledgerbridge settings set --store <hash> <key>=<value>...

Changes one or more settings at once, all or nothing: checked exactly as the settings pages check them (the
schema, then every account, tax code and status rule against the store's accounting system), saved as a new
version only if nobody saved meanwhile, and recorded in the audit log. A bad key or value prints one line
naming the key and changes nothing (exit code 2).
A value is read as JSON when it parses as JSON of the setting's type (true, 30, null, [5,6],
'[{"from":1,"to":1}]'), else as the text itself (single_line, 2024-01-31, BC-); a list of numbers or strings
also takes the items separated by commas (5,6 or captured,paid; an empty value is an empty list).
Examples:
  ledgerbridge settings set --store abc123 stock.enabled=true document.dueDays=30 orders.voidStatusIds=5,6
  ledgerbridge settings set --store abc123 posting.tracking=null stock.locations='[{"from":1,"to":1}]'
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
  'customers import': { ...COMMON, store: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  reconcile: { ...COMMON, store: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
  'keys rotate': { ...COMMON, json: { type: 'boolean' }, 'batch-size': { type: 'string' } },
  'settings get': { ...COMMON, store: { type: 'string' }, json: { type: 'boolean' } },
  'settings set': { ...COMMON, store: { type: 'string' } },
  'summary post': { ...COMMON, store: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' } },
  'notify digest': { ...COMMON, store: { type: 'string' }, date: { type: 'string' } },
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
  // Two-word commands: `stock set`, `stock push`, `items import`, `items push-details`, `keys rotate`, `settings get|set`.
  let rest2 = rest;
  let name = first;
  if ((first === 'stock' || first === 'items' || first === 'customers' || first === 'keys' || first === 'settings' || first === 'summary' || first === 'notify') && rest[0] && !rest[0].startsWith('-')) {
    name = `${first} ${rest[0]}`;
    rest2 = rest.slice(1);
  }
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}" (run \`ledgerbridge --help\`)`);
  const command = name;

  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    // Only `settings set` takes positionals (its key=value pairs).
    const parsed = parseArgs({ args: [...rest2], options: OPTIONS[command], strict: true, allowPositionals: command === 'settings set' });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
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
    case 'customers import':
      return {
        name: 'customers import',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        dryRun: values['dry-run'] === true,
        json: values.json === true,
      };
    case 'reconcile': {
      const from = str('from') === undefined ? null : isoDate(command, 'from', str('from')!);
      const to = str('to') === undefined ? null : isoDate(command, 'to', str('to')!);
      if (from !== null && to !== null && from > to) throw new UsageError(`reconcile: --from ${from} is after --to ${to}`);
      if (from !== null && to !== null && (Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_RECONCILE_DAYS) {
        throw new UsageError(`reconcile: at most ${MAX_RECONCILE_DAYS} days a run (--from ${from} --to ${to})`);
      }
      return { name: 'reconcile', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), from, to, json: values.json === true };
    }
    case 'items push-details':
      return { name: 'items push-details', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), dryRun: values['dry-run'] === true };
    case 'keys rotate': {
      const given = str('batch-size');
      const batchSize = given === undefined ? 200 : /^[0-9]{1,6}$/.test(given) ? Number(given) : NaN;
      if (!(batchSize >= 1 && batchSize <= 10_000)) throw new UsageError(`keys rotate: --batch-size "${given}" is not a number from 1 to 10000`);
      return { name: 'keys rotate', json: values.json === true, batchSize };
    }
    case 'settings get':
      return { name: 'settings get', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), json: values.json === true };
    case 'settings set':
      return { name: 'settings set', store: storeHash(command, required(command, 'store', str('store'), '<hash>')), values: settingValues(positionals) };
    case 'summary post':
      return {
        name: 'summary post',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        date: str('date') === undefined ? null : isoDate(command, 'date', str('date')!),
        json: values.json === true,
      };
    case 'notify digest':
      return {
        name: 'notify digest',
        store: storeHash(command, required(command, 'store', str('store'), '<hash>')),
        date: str('date') === undefined ? null : isoDate(command, 'date', str('date')!),
      };
  }
}

/** `key=value` pairs of `settings set`, each key a setting and given once, each value read by its setting's syntax. */
function settingValues(pairs: readonly string[]): Map<string, unknown> {
  if (pairs.length === 0) throw new UsageError('settings: give at least one <key>=<value> (run `ledgerbridge settings get --store <hash>` for the keys)');
  const values = new Map<string, unknown>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`settings: "${pair}" is not <key>=<value>`);
    const key = pair.slice(0, at).trim();
    const leaf = settingLeaf(key);
    if (!leaf) throw new UsageError(`settings: ${key}: no such setting (run \`ledgerbridge settings get --store <hash>\` for the keys)`);
    if (values.has(key)) throw new UsageError(`settings: ${key}: given twice`);
    values.set(key, readSettingValue(leaf, pair.slice(at + 1)));
  }
  return values;
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
