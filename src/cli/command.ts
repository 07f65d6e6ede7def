// The command-line contract every coop-bridge program follows, in one place:
// - one exit-code policy, so a script or a launcher can tell a typo from a crash from a
//   tool-specific outcome without reading each tool's source: 0 ok, 1 runtime error,
//   2 usage (bad or unknown option or value), 3+ one meaning per tool;
// - one error type for bad input (UsageError), printed as one line, never a stack trace;
// - parsing by node:util parseArgs (strict: unknown options and missing values are errors),
//   its multi-sentence complaints cut to one line with a pointer to --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
/** The first code a tool may give its own meaning (coop-sidecar: refused; coop-merge: conflicts). */
export const EXIT_TOOL_FIRST = 3;

/** A tool's own exit code (EXIT_TOOL_FIRST or above) and what it means. */
export interface ToolExitCode {
  readonly code: number;
  readonly meaning: string;
}

/**
 * The "exit codes:" line every --help ends with: the shared codes first, then the tool's own.
 * `ok` says what success means for this tool (e.g. "stopped", "merged").
 */
export function exitCodesHelp(ok: string, own: readonly ToolExitCode[] = []): string {
  for (const c of own) {
    // A programming error, not input: a tool may not redefine the shared codes.
    if (!Number.isInteger(c.code) || c.code < EXIT_TOOL_FIRST) throw new TypeError(`tool exit code ${c.code} is below ${EXIT_TOOL_FIRST}`);
  }
  const parts = [
    `${EXIT_OK} ${ok}`,
    `${EXIT_RUNTIME} runtime error`,
    `${EXIT_USAGE} usage (bad or unknown option or value)`,
    ...own.map((c) => `${c.code} ${c.meaning}`),
  ];
  return `exit codes: ${parts.join(', ')}`;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One line, whatever the error: multi-line messages from libraries fold into one. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

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
