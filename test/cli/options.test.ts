// The shared option readers: the value when good, a UsageError naming the flag when bad.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readBaseUrl,
  readChoice,
  readExistingFile,
  readHostPort,
  readId,
  readInt,
  readIp,
  readLogLevel,
  readPort,
  readText,
  QUOTE_MAX_CHARS,
} from '../../src/cli/options.js';
import { exitCodesHelp, EXIT_TOOL_FIRST, parseCommandLine, UsageError } from '../../src/cli/command.js';

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted a bad value');
}

describe('option readers', () => {
  it('absent options are undefined (the caller fills in its default)', () => {
    for (const read of [
      () => readInt(undefined, '--n', { min: 0, max: 1 }),
      () => readPort(undefined, '--p'),
      () => readHostPort(undefined, '--s'),
      () => readId(undefined, '--i'),
      () => readLogLevel(undefined),
      () => readIp(undefined, '--h'),
      () => readBaseUrl(undefined, '--m'),
      () => readChoice(undefined, '--c', ['a']),
      () => readText(undefined, '--t', 3),
      () => readExistingFile(undefined, '--f'),
    ])
      expect(read()).toBeUndefined();
  });

  it('whole numbers: digits only, inside the range', () => {
    expect(readInt('42', '--n', { min: 1, max: 50 })).toBe(42);
    for (const bad of ['', '0x10', '1e3', ' 7', '-1', '51', '4.5']) {
      expect(usageMessage(() => readInt(bad, '--n', { min: 1, max: 50 }))).toBe(`--n must be a whole number 1..50, got ${JSON.stringify(bad)}`);
    }
  });

  it('ports, HOST:PORT, ids, log levels, IPs, URLs, choices and texts', () => {
    expect(readPort('0', '--port')).toBe(0);
    expect(usageMessage(() => readPort('65536', '--port'))).toMatch(/^--port must be a port number 0\.\.65535/);
    expect(usageMessage(() => readPort('0', '--port', 1))).toMatch(/^--port must be a port number 1\.\.65535/);
    expect(readHostPort('example.org:7777', '--server')).toEqual({ host: 'example.org', port: 7777 });
    for (const bad of ['nohost', 'h:0', 'h:70000', ':1', 'a b:1'])
      expect(usageMessage(() => readHostPort(bad, '--server'))).toMatch(/^--server must be HOST:PORT/);
    expect(readId('lobby_1-a', '--bridge')).toBe('lobby_1-a');
    expect(usageMessage(() => readId('a/b', '--bridge', 'a bridge session name'))).toMatch(/^--bridge must be a bridge session name/);
    expect(usageMessage(() => readId('x'.repeat(65), '--bridge'))).toMatch(/^--bridge must be an id/);
    expect(readLogLevel('debug')).toBe('debug');
    expect(usageMessage(() => readLogLevel('loud'))).toMatch(/^--log-level must be silent\|fatal/);
    expect(readIp('::1', '--host')).toBe('::1');
    expect(readIp('localhost', '--host', { localhost: true })).toBe('localhost');
    expect(usageMessage(() => readIp('localhost', '--host'))).toMatch(/^--host must be an IP address/);
    expect(usageMessage(() => readIp('::1', '--nat-bind', { version: 4 }))).toMatch(/^--nat-bind must be an IPv4 address/);
    expect(readBaseUrl('http://m:7450/', '--master')).toBe('http://m:7450');
    expect(usageMessage(() => readBaseUrl('ftp://m', '--master'))).toMatch(/^--master must be http\(s\):\/\/host:port/);
    expect(usageMessage(() => readChoice('loud', '--voice', ['proximity', 'party']))).toMatch(/^--voice must be proximity or party/);
    expect(readText('Vé', '--name', 2)).toBe('Vé');
    expect(usageMessage(() => readText('  ', '--name', 2))).toMatch(/^--name must be 1\.\.2 characters/);
  });

  it('quotes at most QUOTE_MAX_CHARS of a bad value, on one line', () => {
    const msg = usageMessage(() => readPort(`${'9'.repeat(500)}\n`, '--port'));
    expect(msg.length).toBeLessThan(QUOTE_MAX_CHARS + 60);
    expect(msg).not.toContain('\n');
  });

  it('files that must exist: missing and folders are usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-cli-opt-'));
    try {
      const file = join(dir, 'a.txt');
      writeFileSync(file, 'x');
      expect(readExistingFile(file, '--admins')).toBe(file);
      expect(usageMessage(() => readExistingFile(join(dir, 'nope'), '--admins'))).toMatch(/^--admins ".*nope": no such file$/);
      expect(usageMessage(() => readExistingFile(dir, '--admins'))).toMatch(/is a folder, not a file$/);
      expect(usageMessage(() => readExistingFile('', '--admins'))).toBe('--admins must not be empty');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('command line and exit codes', () => {
  it('parseArgs complaints become one line that points at --help', () => {
    const table = { port: { type: 'string' }, echo: { type: 'boolean' } } as const;
    expect(usageMessage(() => parseCommandLine(['--x'], table))).toBe("Unknown option '--x' (see --help)");
    expect(usageMessage(() => parseCommandLine(['--port', '--echo'], table))).toBe("Option '--port' argument is ambiguous (see --help)");
    expect(usageMessage(() => parseCommandLine(['--echo=yes'], table))).toBe("Option '--echo' does not take an argument (see --help)");
    expect(parseCommandLine(['--port', '7'], table).values.port).toBe('7');
  });

  it("every --help ends with the shared codes, then the tool's own", () => {
    expect(exitCodesHelp('merged', [{ code: 3, meaning: 'conflicts need a decision' }])).toBe(
      'exit codes: 0 merged, 1 runtime error, 2 usage (bad or unknown option or value), 3 conflicts need a decision',
    );
    expect(() => exitCodesHelp('ok', [{ code: EXIT_TOOL_FIRST - 1, meaning: 'clash' }])).toThrow(TypeError);
  });
});
