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
  plugins: [noZodLocales],
};
