// --password-file / COOP_SESSION_PASSWORD and the --master list (src/cli/option-groups.ts), as
// both bins read them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natSettingsFrom, sessionPasswordFrom, SESSION_PASSWORD_ENV } from '../../src/cli/option-groups.js';
import { NAT_MAX_MASTERS } from '../../src/net/nat/constants.js';
import { UsageError } from '../../src/cli/command.js';
import { SESSION_PASSWORD_MAX_BYTES } from '../../src/protocol/constants.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coop-pwopt-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('session password option', () => {
  it('no file and no env: no password; an empty env counts as unset', () => {
    expect(sessionPasswordFrom({}, {})).toBeUndefined();
    expect(sessionPasswordFrom({}, { [SESSION_PASSWORD_ENV]: '' })).toBeUndefined();
    expect(sessionPasswordFrom({}, { [SESSION_PASSWORD_ENV]: 'env pw' })).toBe('env pw');
  });

  it('the file wins over the env; trailing line breaks go, other whitespace stays', () => {
    const env = { [SESSION_PASSWORD_ENV]: 'env pw' };
    expect(sessionPasswordFrom({ 'password-file': file('a', 'file pw\n') }, env)).toBe('file pw');
    expect(sessionPasswordFrom({ 'password-file': file('b', ' spaced pw \r\n') }, env)).toBe(' spaced pw ');
    expect(sessionPasswordFrom({ 'password-file': file('c', 'two\nlines\n') }, env)).toBe('two\nlines');
  });

  it('missing, empty, unreadable or oversized files are one-line usage errors', () => {
    const err = (p: string): string => {
      try {
        sessionPasswordFrom({ 'password-file': p }, {});
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('no error for a bad file');
    };
    expect(err(join(dir, 'missing'))).toMatch(/: no such file$/);
    expect(err(file('e', ''))).toMatch(/ is empty$/);
    expect(err(file('n', '\r\n\n'))).toMatch(/ is empty$/);
    expect(err(dir)).toMatch(/^cannot read --password-file ".*" \(EISDIR\)$/);
    expect(err(file('big', 'x'.repeat(SESSION_PASSWORD_MAX_BYTES + 1)))).toMatch(/is over 1024 bytes/);
  });
});

describe('--master failover list', () => {
  it('reads URL[,URL…] in order, without trailing slashes or repeats; a bad or extra URL is a usage error', () => {
    expect(natSettingsFrom({ master: 'http://a:7450/,http://b:7450, http://a:7450' })?.master).toEqual(['http://a:7450', 'http://b:7450']);
    expect(natSettingsFrom({ master: 'http://a:7450' })?.master).toEqual(['http://a:7450']);
    expect(() => natSettingsFrom({ master: 'http://a:7450,ftp://b' })).toThrow(UsageError);
    const many = Array.from({ length: NAT_MAX_MASTERS + 1 }, (_, i) => `http://m${i}:7450`).join(',');
    expect(() => natSettingsFrom({ master: many })).toThrow(/at most/);
  });
});
