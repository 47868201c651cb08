import path from 'node:path';
import { BigCommerceContractError } from '@/lib/bigcommerce/client';
import { parseCommand, type Command } from './args';
import { connectCommand } from './commands/connect';
import { exportCommand } from './commands/export';
import { keysRotateCommand } from './commands/keys';
import { reconcileCommand } from './commands/reconcile';
import { notifyDigestCommand } from './commands/notify';
import { retryCommand } from './commands/retry';
import { settingsGetCommand, settingsSetCommand } from './commands/settings';
import { statusCommand } from './commands/status';
import { customersImportCommand } from './commands/customers';
import { itemsImportCommand, itemsPushDetailsCommand } from './commands/items';
import { stockPushCommand, stockSetCommand } from './commands/stock';
import { summaryPostCommand } from './commands/summary';
import { syncCommand } from './commands/sync';
import { CliError, EXIT, oneLine } from './errors';
import { loadCliEnv, openRuntime, type CliIo, type CliRuntime } from './runtime';

/**
 * Runs one `ledgerbridge` command and returns its exit code. Every failure ends as one line on stderr:
 * `ledgerbridge: <message>`. Bugs keep their message too (with the stack only when LOG_LEVEL is debug or trace).
 */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    return fail(io, error);
  }
  if (command.name === 'help') {
    io.stdout.write(command.text);
    return EXIT.ok;
  }

  let rt: CliRuntime | null = null;
  try {
    const env = loadCliEnv();
    const cwd = env.LEDGERBRIDGE_CWD ?? io.cwd;
    rt = await openRuntime(env, { ...io, cwd });
    return await dispatch(rt, command, signal);
  } catch (error) {
    return fail(io, error, rt?.env.LOG_LEVEL);
  } finally {
    await rt?.database.close().catch(() => {});
  }
}

/** Runs one command against a runtime already open (the tests run commands in-process this way). */
export async function runInRuntime(rt: CliRuntime, argv: readonly string[], signal: AbortSignal = new AbortController().signal): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    return fail(rt.io, error);
  }
  if (command.name === 'help') {
    rt.io.stdout.write(command.text);
    return EXIT.ok;
  }
  try {
    return await dispatch(rt, command, signal);
  } catch (error) {
    return fail(rt.io, error, rt.env.LOG_LEVEL);
  }
}

function dispatch(rt: CliRuntime, command: Exclude<Command, { name: 'help' }>, signal: AbortSignal): Promise<number> {
  switch (command.name) {
    case 'connect':
      return connectCommand(rt, path.resolve(rt.io.cwd, command.credentials));
    case 'status':
      return statusCommand(rt, command);
    case 'sync':
      return syncCommand(rt, command, signal);
    case 'retry':
      return retryCommand(rt, command, signal);
    case 'export':
      return exportCommand(rt, command);
    case 'stock set':
      return stockSetCommand(rt, command);
    case 'stock push':
      return stockPushCommand(rt, command);
    case 'items import':
      return itemsImportCommand(rt, command);
    case 'items push-details':
      return itemsPushDetailsCommand(rt, command);
    case 'customers import':
      return customersImportCommand(rt, command);
    case 'reconcile':
      return reconcileCommand(rt, command);
    case 'keys rotate':
      return keysRotateCommand(rt, command);
    case 'settings get':
      return settingsGetCommand(rt, command);
    case 'settings set':
      return settingsSetCommand(rt, command);
    case 'summary post':
      return summaryPostCommand(rt, command);
    case 'notify digest':
      return notifyDigestCommand(rt, command);
  }
}

function fail(io: CliIo, error: unknown, logLevel?: string): number {
  const message =
    error instanceof CliError
      ? error.message
      : error instanceof BigCommerceContractError
        ? `BigCommerce answered something unexpected: ${error.message}`
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}ledgerbridge: ${oneLine(message)}\n`);
  if (!(error instanceof CliError) && (logLevel === 'debug' || logLevel === 'trace') && error instanceof Error && error.stack) {
    io.stderr.write(`${error.stack}\n`);
  }
  return error instanceof CliError ? error.exitCode : EXIT.failed;
}
