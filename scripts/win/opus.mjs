// libopus for the Windows sidecar: cross-compiled with mingw-w64 from the opus C sources that
// @discordjs/opus@0.10.0 carries in its npm tarball (deps/opus/, libopus 1.3.1). The packaged
// Node codecs expose neither in-band FEC decoding nor PLC (DESIGN.md), so the sidecar loads
// libopus through koffi on Windows exactly as it loads Debian's libopus0 on Linux.
// Float build, portable C (no SIMD run-time detection: smaller and enough for one voice).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fetchPack } from './fetch.mjs';
import { WIN_CACHE_DIR } from './paths.mjs';

const run = promisify(execFile);
export const OPUS_SOURCE_PACKAGE = '@discordjs/opus';
export const OPUS_SOURCE_VERSION = '0.10.0';
const OPUS_VERSION = '1.3.1';
const OPUS_BUILD_DIR = join(WIN_CACHE_DIR, `opus-${OPUS_VERSION}`);
export const OPUS_DLL_CACHED = join(OPUS_BUILD_DIR, 'opus.dll');
const WIN_CC = 'x86_64-w64-mingw32-gcc';
/** Parallel compiler processes (the machine has 2 cores shared with other work). */
const JOBS = 2;
/** Source lists of a float build, as opus's own Makefile.am picks them. */
const LISTS = [
  ['opus_sources.mk', ['OPUS_SOURCES', 'OPUS_SOURCES_FLOAT']],
  ['celt_sources.mk', ['CELT_SOURCES']],
  ['silk_sources.mk', ['SILK_SOURCES', 'SILK_SOURCES_FLOAT']],
];
const DEFINES = ['-DOPUS_BUILD', '-DUSE_ALLOCA', '-DHAVE_LRINT', '-DHAVE_LRINTF', '-DDLL_EXPORT', `-DPACKAGE_VERSION="${OPUS_VERSION}"`];

/** Reads `NAME = a.c \ b.c` variables out of an automake fragment. */
function sourcesOf(mk, names) {
  const text = readFileSync(mk, 'utf8').replace(/\\\n/g, ' ');
  return names.flatMap((name) => {
    const m = new RegExp(`^${name}\\s*=(.*)$`, 'm').exec(text);
    if (!m) throw new Error(`${mk}: no ${name}`);
    return m[1].trim().split(/\s+/);
  });
}

/** Builds opus.dll once (cached) and returns its path. */
export async function buildOpusDll(log = () => {}) {
  if (existsSync(OPUS_DLL_CACHED)) return OPUS_DLL_CACHED;
  const src = join(fetchPack(OPUS_SOURCE_PACKAGE, OPUS_SOURCE_VERSION, log), 'deps', 'opus');
  const files = LISTS.flatMap(([mk, names]) => sourcesOf(join(src, mk), names));
  const objDir = join(OPUS_BUILD_DIR, 'obj');
  rmSync(OPUS_BUILD_DIR, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const t0 = Date.now();
  log(`[build:win] compiling libopus ${OPUS_VERSION} for Windows (${files.length} files, mingw-w64)`);
  const includes = ['include', 'celt', 'silk', 'silk/float', 'src', '.'].map((d) => `-I${join(src, d)}`);
  const objects = files.map((f, i) => join(objDir, `${i}.o`));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      await run(WIN_CC, ['-O2', '-std=gnu99', '-w', ...DEFINES, ...includes, '-c', join(src, files[i]), '-o', objects[i]]);
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  const tmp = join(OPUS_BUILD_DIR, 'opus.dll.tmp');
  await run(WIN_CC, ['-shared', '-static-libgcc', '-o', tmp, ...objects, '-lm']);
  copyFileSync(tmp, OPUS_DLL_CACHED);
  rmSync(tmp);
  rmSync(objDir, { recursive: true, force: true });
  log(`[build:win] opus.dll built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return OPUS_DLL_CACHED;
}
