import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isTempOf, sweepTempFiles, sweepTempFilesSync, tempPathFor, writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic-file.js';

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'util-atomic-'));

describe('atomic file writer', () => {
  it('names temp files beside the target in the one format, and recognises only its own', () => {
    const target = join(freshDir(), 'bans.json');
    const tmp = tempPathFor(target);
    expect(dirname(tmp)).toBe(dirname(target));
    expect(basename(tmp)).toMatch(new RegExp(`^\\.bans\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(tempPathFor(target)).not.toBe(tmp);
    expect(isTempOf(target, basename(tmp))).toBe(true);
    expect(isTempOf(target, 'bans.json')).toBe(false);
    expect(isTempOf(target, '.other.json.1.ab.tmp')).toBe(false);
  });

  it('sync: replaces the file whole, with the given mode, and leaves no temp file', () => {
    const dir = freshDir();
    const target = join(dir, 'identity.pem');
    writeFileSync(target, 'old');
    writeFileAtomicSync(target, 'new key', 0o600);
    expect(readFileSync(target, 'utf8')).toBe('new key');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    writeFileAtomicSync(target, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['identity.pem']);
  });

  it('async: replaces the file whole and leaves no temp file', async () => {
    const dir = freshDir();
    const target = join(dir, 'bans.json');
    await writeFileAtomic(target, '{"v":1}');
    await writeFileAtomic(target, '{"v":2}', 0o600);
    expect(readFileSync(target, 'utf8')).toBe('{"v":2}');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['bans.json']);
  });

  it('a failed write throws, keeps the old file and leaves no temp file', async () => {
    const dir = freshDir();
    const target = join(dir, 'taken');
    mkdirSync(target); // renaming a file over a folder fails
    expect(() => writeFileAtomicSync(target, 'x')).toThrow();
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(() => writeFileAtomicSync(join(dir, 'no-such-dir', 'f'), 'x')).toThrow(/ENOENT/);
  });

  it('the sweep deletes leftover temp files of its target only, sync and async', async () => {
    const dir = freshDir();
    const target = join(dir, 'sess.json');
    const other = join(dir, 'bans.json');
    writeFileSync(target, 'whole');
    writeFileSync(tempPathFor(target), 'torn');
    writeFileSync(tempPathFor(target), 'torn');
    writeFileSync(tempPathFor(other), 'torn');
    expect(sweepTempFilesSync(target)).toBe(2);
    const left = readdirSync(dir);
    expect(left).toHaveLength(2);
    expect(left).toContain('sess.json');
    expect(left.some((n) => isTempOf(other, n))).toBe(true);
    expect(await sweepTempFiles(other)).toBe(1);
    expect(readdirSync(dir)).toEqual(['sess.json']);
    expect(sweepTempFilesSync(join(dir, 'missing-folder', 'x.json'))).toBe(0);
    expect(await sweepTempFiles(join(dir, 'missing-folder', 'x.json'))).toBe(0);
  });
});
