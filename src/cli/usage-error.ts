// The one error type for bad command-line input. Every program's run() turns it into one line
// on stderr and exit code 2 (EXIT_USAGE); anything else is a runtime error (exit 1).

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One line, whatever the error: multi-line messages from libraries fold into one. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
