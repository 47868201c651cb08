/** Exit codes of `ledgerbridge`: scripts and the other tools read them. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (BigCommerce unreachable mid-sync, an order that could not be posted). */
  failed: 1,
  /** Bad arguments, unknown store, unreadable or malformed file, bad configuration: nothing was written. */
  usage: 2,
  /** Stopped by Ctrl-C (after finishing the current page). */
  interrupted: 130,
} as const;

/** A failure the CLI reports as one line on stderr and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(oneLine(message));
  }
}

/** Bad input from the user (exit code 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** Error messages print on one line, whatever the library underneath wrote. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
