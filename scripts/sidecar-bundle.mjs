// The esbuild options of the sidecar's bundle, on Linux (dist/, scripts/build.mjs) and in the
// Windows layout (scripts/win/layout.mjs): it runs beside the game, where every MB counts
// (docs/sidecar.md "Memory"). Its packages are bundled in (node_modules resolution and one file
// per module cost ≈ 8 MB of RSS), all but koffi (native binaries).

/** ESM bundles of CommonJS packages need a require() for Node's built-ins. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __coopCreateRequire } from 'node:module'; const require = __coopCreateRequire(import.meta.url);";

/**
 * zod re-exports the messages of its ≈ 50 locales (`z.locales`, `z.core.locales`: ≈ 300 KB of
 * the bundle's source) although only English is ever configured (zod imports it on its own) and
 * nothing here calls a locale: they resolve to an empty module.
 */
export const noZodLocales = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /zod[\\/]v4[\\/](core|classic)[\\/]/.test(a.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** What the sidecar's pino gets instead of its thread machinery (noPinoThreads). */
const PINO_STUBS = {
  // Only pino.transport() makes one; the sidecar logs to a file descriptor and never calls it.
  'thread-stream': "module.exports = class ThreadStream { constructor() { throw new Error('pino transports are not in the sidecar bundle'); } };",
  // pino asks whether it runs in a worker; the sidecar has no workers.
  worker_threads: 'module.exports = { isMainThread: true };',
  // sonic-boom's one check of a file descriptor.
  assert: 'module.exports = function assert(ok, message) { if (!ok) throw new Error(message); };',
};

/**
 * pino loads its transport machinery at start whether or not a transport is used: thread-stream,
 * and with it Node's worker_threads and assert (≈ 15 built-in modules: their code in node's
 * read-only pages and their objects in the heap, ≈ 0.3 MB). The sidecar logs with
 * pino.destination(2) and starts no transport, so pino's and sonic-boom's requires of these
 * resolve to the small stand-ins above (test/sidecar/lazy-load.system.test.ts checks what loads).
 */
export const noPinoThreads = {
  name: 'no-pino-threads',
  setup(b) {
    b.onResolve({ filter: /^(thread-stream|worker_threads|assert)$/ }, (a) =>
      /[\\/]node_modules[\\/](pino|sonic-boom)[\\/]/.test(a.importer) ? { path: a.path, namespace: 'pino-stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'pino-stub' }, (a) => ({ contents: PINO_STUBS[a.path], loader: 'js' }));
  },
};

/**
 * V8 keeps each module's source text in its heap for as long as the process runs (lazy
 * compilation reads it again), and a source with one non-ASCII character (a comment's "≈") is
 * stored as two bytes a character: without whitespace and comments the sidecar's sources take
 * 1.2 MB of heap instead of 2.7 MB. Names are kept (stack traces name functions); a location is
 * line 1 and a column, which the build's .map (not shipped) turns back into the source line.
 */
export const SIDECAR_BUNDLE_OPTIONS = {
  external: ['koffi'],
  banner: { js: ESM_REQUIRE_BANNER },
  minifyWhitespace: true,
  plugins: [noZodLocales, noPinoThreads],
};
