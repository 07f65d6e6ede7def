// JSON-lines traffic log (stdout): one object per line, so tests and the demo can read it.
// Uint8Array fields print as { "$bytes": "<base64>" }.

export type LogLine = Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  return value;
}

export function toJsonLine(line: LogLine): string {
  return JSON.stringify(line, replacer);
}

export function stdoutSink(
  startedAt: number,
  now: () => number = () => performance.now(),
  write: (text: string) => void = (t) => void process.stdout.write(t),
): LogSink {
  return (line) => {
    write(`${toJsonLine({ t: Math.round(now() - startedAt), ...line })}\n`);
  };
}
