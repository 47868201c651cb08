import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, GENERAL_HELP, parseCommand } from './args';
import { UsageError } from './errors';

const today = () => '2025-06-15';
const parse = (...argv: string[]) => parseCommand(argv, { today });

/** The usage error's one-line message, or a failure if none was thrown. */
function usage(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommand', () => {
  it('reads each command with its options, typed', () => {
    expect(parse('connect', '--credentials', 'creds.txt')).toEqual({ name: 'connect', credentials: 'creds.txt' });
    expect(parse('status')).toEqual({ name: 'status', store: null, json: false });
    expect(parse('status', '--store', 'abc123', '--json')).toEqual({ name: 'status', store: 'abc123', json: true });
    expect(parse('sync', '--store', 'abc123')).toEqual({ name: 'sync', store: 'abc123', since: null });
    expect(parse('sync', '--store=abc123', '--since', '2024-02-29')).toEqual({ name: 'sync', store: 'abc123', since: '2024-02-29' });
    expect(parse('retry', '--store', 'abc123', '--order', '1007')).toEqual({ name: 'retry', store: 'abc123', order: 1007 });
    expect(parse('export', '--store', 'abc123', '--format', 'beancount', '--from', '2025-01-01', '--to', '2025-01-31', '--out', 'q1.bean')).toEqual({
      name: 'export',
      store: 'abc123',
      format: 'beancount',
      from: '2025-01-01',
      to: '2025-01-31',
      out: 'q1.bean',
    });
    expect(parse('export', '--store', 'abc123', '--format', 'csv')).toMatchObject({ from: null, to: null, out: null });
  });

  it('gives the general help and each command’s help', () => {
    expect(parse('--help')).toEqual({ name: 'help', text: GENERAL_HELP });
    expect(parse('-h')).toEqual({ name: 'help', text: GENERAL_HELP });
    expect(parse('help', 'sync')).toEqual({ name: 'help', text: COMMAND_HELP.sync });
    for (const command of ['connect', 'status', 'sync', 'retry', 'export'] as const) {
      const help = parse(command, '--help');
      expect(help).toEqual({ name: 'help', text: COMMAND_HELP[command] });
      expect(COMMAND_HELP[command]).toMatch(new RegExp(`^Usage: ledgerbridge ${command}`));
    }
    // --help wins over missing or bad options.
    expect(parse('export', '--format', 'xlsx', '--help').name).toBe('help');
  });

  it('refuses unknown commands, options and stray arguments', () => {
    expect(usage()).toMatch(/missing command/);
    expect(usage('backup')).toMatch(/unknown command "backup"/);
    expect(usage('status', '--verbose')).toBe("status: Unknown option '--verbose'");
    expect(usage('sync', 'abc123')).toBe("sync: Unexpected argument 'abc123'");
    expect(usage('status', '--json=yes')).toMatch(/status: .*--json/);
    expect(usage('sync', '--store')).toMatch(/sync: .*--store/);
  });

  it('requires what each command needs', () => {
    expect(usage('connect')).toBe('connect: --credentials <file> is required');
    expect(usage('sync')).toBe('sync: --store <hash> is required');
    expect(usage('retry', '--store', 'abc')).toBe('retry: --order <id> is required');
    expect(usage('export', '--store', 'abc')).toBe('export: --format hledger|beancount|csv is required');
  });

  it('validates store hashes, order ids, dates and formats', () => {
    expect(usage('sync', '--store', 'ABC')).toMatch(/not a store hash/);
    expect(usage('sync', '--store', 'stores/abc')).toMatch(/not a store hash/);
    expect(usage('retry', '--store', 'abc', '--order', '0')).toMatch(/not an order id/);
    expect(usage('retry', '--store', 'abc', '--order=-3')).toMatch(/not an order id/);
    expect(usage('retry', '--store', 'abc', '--order', '1.5')).toMatch(/not an order id/);
    expect(usage('retry', '--store', 'abc', '--order', '99999999999999999')).toMatch(/not an order id/);
    expect(usage('sync', '--store', 'abc', '--since', '2023-02-29')).toMatch(/not a date/);
    expect(usage('sync', '--store', 'abc', '--since', '2024-1-5')).toMatch(/not a date/);
    expect(usage('sync', '--store', 'abc', '--since', 'yesterday')).toMatch(/not a date/);
    expect(usage('sync', '--store', 'abc', '--since', '2025-06-16')).toMatch(/in the future/);
    expect(parse('sync', '--store', 'abc', '--since', '2025-06-15')).toMatchObject({ since: '2025-06-15' });
    expect(usage('export', '--store', 'abc', '--format', 'HLEDGER')).toMatch(/--format must be one of hledger, beancount, csv/);
    expect(usage('export', '--store', 'abc', '--format', 'csv', '--from', '2025-02-01', '--to', '2025-01-01')).toMatch(/after --to/);
    expect(usage('export', '--store', 'abc', '--format', 'csv', '--out', '')).toMatch(/--out needs a file name/);
  });

  it('reads keys rotate with its options', () => {
    expect(parse('keys', 'rotate')).toEqual({ name: 'keys rotate', json: false, batchSize: 200 });
    expect(parse('keys', 'rotate', '--json', '--batch-size', '50')).toEqual({ name: 'keys rotate', json: true, batchSize: 50 });
    expect(parse('keys', 'rotate', '--help')).toEqual({ name: 'help', text: COMMAND_HELP['keys rotate'] });
    expect(COMMAND_HELP['keys rotate']).toMatch(/^Usage: ledgerbridge keys rotate/);
    expect(GENERAL_HELP).toContain('keys rotate [--json]');
    expect(usage('keys', 'rotate', '--batch-size', '0')).toMatch(/--batch-size "0" is not a number from 1 to 10000/);
    expect(usage('keys', 'rotate', '--batch-size', 'lots')).toMatch(/not a number/);
    expect(usage('keys', 'rotate', '--store', 'abc')).toBe("keys rotate: Unknown option '--store'");
    expect(usage('keys')).toMatch(/unknown command "keys"/);
  });
});

describe('settings get|set', () => {
  it('reads the store, --json, and each key=value by its setting’s syntax', () => {
    expect(parse('settings', 'get', '--store', 'abc123')).toEqual({ name: 'settings get', store: 'abc123', json: false });
    expect(parse('settings', 'get', '--store', 'abc123', '--json')).toEqual({ name: 'settings get', store: 'abc123', json: true });
    const set = parse('settings', 'set', '--store', 'abc123', 'stock.enabled=true', 'orders.voidStatusIds=5,6', 'document.numberPrefix=A=B');
    expect(set).toEqual({
      name: 'settings set',
      store: 'abc123',
      values: new Map<string, unknown>([['stock.enabled', true], ['orders.voidStatusIds', [5, 6]], ['document.numberPrefix', 'A=B']]),
    });
  });

  it('refuses unknown keys, pairs without =, repeated keys, no pairs, and pairs on other commands', () => {
    expect(usage('settings', 'set', '--store', 'abc123', 'stock.enable=true')).toMatch(/^settings: stock\.enable: no such setting/);
    expect(usage('settings', 'set', '--store', 'abc123', '=true')).toMatch(/is not <key>=<value>/);
    expect(usage('settings', 'set', '--store', 'abc123', 'stock.enabled=true', 'stock.enabled=false')).toMatch(/stock\.enabled: given twice/);
    expect(usage('settings', 'set', '--store', 'abc123')).toMatch(/give at least one <key>=<value>/);
    expect(usage('settings', 'set', 'stock.enabled=true')).toMatch(/--store <hash> is required/);
    expect(usage('settings', 'get', '--store', 'abc123', 'stock.enabled=true')).toMatch(/Unexpected argument/);
    expect(usage('settings', 'frob')).toMatch(/unknown command "settings frob"/);
  });

  it('has help', () => {
    expect(parse('settings', 'set', '--help')).toEqual({ name: 'help', text: COMMAND_HELP['settings set'] });
    expect(GENERAL_HELP).toContain('settings set --store <hash> <key>=<value>...');
  });
});
