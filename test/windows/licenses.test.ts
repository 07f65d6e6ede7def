// The release's licence collection (scripts/win/licenses.mjs): which npm packages an esbuild
// metafile says are in the bundle (scoped, nested and deduplicated), where each one's licence
// text comes from, and that a package with no licence the build can ship stops the release.
// The zip itself is checked against the real metafile in install-wine.system.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPackages, packageLicense, thirdPartyNotices } from '../../scripts/win/licenses.mjs';

const dir = mkdtempSync(join(tmpdir(), 'coop-licenses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pkg(name: string, json: Record<string, unknown>, files: Record<string, string> = {}): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'package.json'), JSON.stringify({ name, version: '1.2.3', ...json }));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

describe('bundled packages from the metafile', () => {
  it('one entry per installed package: scoped names, nested copies, own sources and Windows paths', () => {
    const inputs = {
      'src/sidecar/main.ts': {},
      'node_modules/pino/lib/a.js': {},
      'node_modules/pino/lib/b.js': {},
      'node_modules/@pinojs/redact/index.js': {},
      'node_modules/debug/node_modules/ms/index.js': {},
      'node_modules\\ws\\lib\\x.js': {},
      'node_modules/ms/index.js': {},
    };
    expect(bundledPackages({ inputs })).toEqual([
      { name: '@pinojs/redact', dir: 'node_modules/@pinojs/redact' },
      { name: 'ms', dir: 'node_modules/debug/node_modules/ms' },
      { name: 'ms', dir: 'node_modules/ms' },
      { name: 'pino', dir: 'node_modules/pino' },
      { name: 'ws', dir: 'node_modules/ws' },
    ]);
    expect(bundledPackages({})).toEqual([]);
    expect(bundledPackages(null)).toEqual([]);
  });
});

describe('a package licence', () => {
  it('is its LICENSE / license.md / COPYING file, verbatim', () => {
    expect(packageLicense(pkg('a', { license: 'BSD-3-Clause' }, { LICENSE: 'the a licence' }))).toMatchObject({ text: 'the a licence', spdx: 'BSD-3-Clause' });
    expect(packageLicense(pkg('b', { license: 'MIT' }, { 'license.md': 'the b licence', 'README.md': 'x' })).text).toBe('the b licence');
    expect(packageLicense(pkg('c', {}, { COPYING: 'the c licence' })).text).toBe('the c licence');
  });

  it('without a file: the MIT text with the author package.json names, said so', () => {
    const l = packageLicense(pkg('d', { license: 'MIT', author: { name: 'Some One' } }));
    expect(l.text).toMatch(/^MIT License\n\nCopyright \(c\) Some One\n[\s\S]*WITHOUT WARRANTY/);
    expect(l.from).toMatch(/no licence file/);
  });

  it('no file and no MIT with an author: the release stops', () => {
    expect(() => packageLicense(pkg('e', { license: 'Apache-2.0', author: 'X' }))).toThrow(/e@1\.2\.3.*no licence file/);
    expect(() => packageLicense(pkg('f', { license: 'MIT' }))).toThrow(/no licence file/);
  });

  it('the notices hold every component with its header', () => {
    const text = thirdPartyNotices([
      { name: 'a', version: '1', spdx: 'MIT', text: 'A TEXT', from: 'LICENSE', shippedAs: 'x', file: 'a.txt' },
      { name: 'b', version: '2', spdx: 'BSD', text: 'B TEXT', from: 'COPYING', shippedAs: 'y', file: 'b.txt' },
    ]);
    expect(text).toMatch(/a 1 \(MIT\)[\s\S]*A TEXT[\s\S]*b 2 \(BSD\)[\s\S]*B TEXT/);
  });
});
