// Parsing a command line and turning failures into the exit-code policy, shared by every bin.
// node:util parseArgs does the parsing (strict: unknown options and missing values are errors);
// this file makes its errors one line with a pointer to --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_RUNTIME, EXIT_USAGE } from './exit-codes.js';
import type { CliIo } from './io.js';
import { UsageError, oneLine } from './usage-error.js';

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode; any complaint becomes a one-line UsageError. */
export function parseCommandLine<T extends OptionTable>(argv: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (err) {
    // parseArgs explains itself in several sentences; the first names the option and the fault.
    const first = oneLine(err).split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(`${first} (see --help)`);
  }
}

/**
 * Runs a program's body under the policy: its own exit code when it returns, 2 and one line
 * for a UsageError, 1 and one line for anything else (no stack trace: the user cannot act on it).
 */
export async function runCommand(name: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    io.stderr(`${name}: ${oneLine(err)}\n`);
    return err instanceof UsageError ? EXIT_USAGE : EXIT_RUNTIME;
  }
}
