// The licences the release zip must carry for what it ships: node.exe (Node's LICENSE, with the
// licences of the third-party code Node contains), koffi and its Windows binary, libopus (built
// from the opus sources in @discordjs/opus's tarball), and every npm package esbuild put in the
// sidecar bundle (read from the bundle's metafile, so a new dependency cannot slip in without
// its licence). Each component's text is taken from the files the build actually used.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OPUS_SOURCE_PACKAGE, OPUS_SOURCE_VERSION } from './opus.mjs';
import { ROOT_DIR, WIN_PACKS_DIR } from './paths.mjs';

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;
/** Where Node's own LICENSE is installed beside the node that runs the build (same version as
 * the node.exe the layout fetches: process.versions.node). */
const NODE_LICENSE_CANDIDATES = [
  join(dirname(process.execPath), '..', 'share', 'doc', 'node', 'LICENSE'),
  '/usr/share/doc/nodejs/LICENSE',
  '/usr/local/share/doc/node/LICENSE',
];
const MIT_TEXT = (holder) => `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

/** The npm packages in an esbuild metafile's inputs: { name, dir } (dir relative to the
 * metafile's working directory), one per installed copy, sorted by name. */
export function bundledPackages(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile?.inputs ?? {})) {
    const p = input.replaceAll('\\', '/');
    const at = p.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const rest = p.slice(at + 'node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    if (name) found.set(`${p.slice(0, at)}node_modules/${name}`, name);
  }
  return [...found].map(([dir, name]) => ({ name, dir })).sort((a, b) => a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir));
}

/** A package folder's licence text; a package without a licence file gets the licence its
 * package.json names when that is MIT (the text is fixed; the holder is its author). */
export function packageLicense(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => LICENSE_FILE.test(f));
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  if (file) return { name: pkg.name, version: pkg.version, spdx: pkg.license, text: readFileSync(join(dir, file), 'utf8'), from: file };
  if (pkg.license === 'MIT' && author)
    return { name: pkg.name, version: pkg.version, spdx: 'MIT', text: MIT_TEXT(author), from: 'package.json (no licence file in the package)' };
  throw new Error(`licences: ${pkg.name}@${pkg.version} (${dir}) has no licence file and no MIT licence with an author in package.json`);
}

function nodeLicense() {
  const path = NODE_LICENSE_CANDIDATES.find((p) => existsSync(p));
  if (!path) throw new Error(`licences: Node's LICENSE not found (looked in ${NODE_LICENSE_CANDIDATES.join(', ')})`);
  return { name: 'node', version: process.versions.node, spdx: 'MIT and others (see the text)', text: readFileSync(path, 'utf8'), from: path };
}

/**
 * Every component the zip ships, each { file, name, version, spdx, text, from, shippedAs }:
 * `file` is its name under licenses/. `metafile` is the sidecar bundle's.
 */
export function releaseLicenses(metafile, root = ROOT_DIR) {
  const koffi = packageLicense(join(root, 'node_modules', 'koffi'));
  const opusDir = join(WIN_PACKS_DIR, `${OPUS_SOURCE_PACKAGE.replace('/', '+')}@${OPUS_SOURCE_VERSION}`, 'package', 'deps', 'opus');
  const out = [
    { ...nodeLicense(), shippedAs: 'sidecar/node.exe' },
    { ...koffi, shippedAs: 'sidecar/node_modules/koffi' },
    // koffi's Windows binary: the same project and author, its package carries no licence file.
    { ...koffi, name: '@koromix/koffi-win32-x64', from: `koffi's ${koffi.from}`, shippedAs: 'sidecar/node_modules/@koromix/koffi-win32-x64' },
    {
      name: 'libopus',
      version: '1.3.1',
      spdx: 'BSD-3-Clause',
      text: readFileSync(join(opusDir, 'COPYING'), 'utf8'),
      from: 'deps/opus/COPYING',
      shippedAs: 'sidecar/opus.dll',
    },
  ];
  for (const { dir } of bundledPackages(metafile)) out.push({ ...packageLicense(join(root, dir)), shippedAs: 'sidecar/coop-sidecar.mjs (bundled)' });
  // One entry per name and version; a name in two versions gets the version in its file name.
  const unique = [...new Map(out.map((c) => [`${c.name}@${c.version}`, c])).values()];
  const versions = (name) => unique.filter((c) => c.name === name).length;
  return unique.map((c) => ({ ...c, file: `${c.name.replace('/', '+')}${versions(c.name) > 1 ? `@${c.version}` : ''}.txt` }));
}

/** THIRD_PARTY_NOTICES.txt: every component's header and licence text, in order. */
export function thirdPartyNotices(components) {
  const rule = '='.repeat(78);
  const parts = components.map(
    (c) => `${rule}\n${c.name} ${c.version} (${c.spdx})\nshipped as: ${c.shippedAs}\nlicence text from: ${c.from}\n${rule}\n\n${c.text.trimEnd()}\n`,
  );
  return `Third-party software in coop-bridge (generated by scripts/release.mjs from the files the build used;\none file per component in licenses/).\n\n${parts.join('\n')}`;
}
