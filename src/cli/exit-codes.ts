// One exit-code policy for every coop-bridge program, so a script or a launcher can tell a typo
// from a crash from a tool-specific outcome without reading each tool's source:
//   0 ok, 1 runtime error, 2 usage (bad or unknown option or value), 3+ one meaning per tool.

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
