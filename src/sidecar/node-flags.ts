// The Node/V8 flags the sidecar is started with beside the game. The RED4ext plugin's launcher
// (native-shims/plugin/supervise.c) passes the same; test/sidecar/node-flags.test.ts keeps them
// in step. Measured with bench:sidecar (docs/sidecar.md), each against the flags before it:
// - --max-semi-space-size=1: the young generation otherwise grows to 2 × 4 MB under the city's
//   snapshot traffic although ≈ 0.7 MB of it is live; ≈ 6 MB less RSS, no measurable CPU.
// - --v8-pool-size=1: one V8 worker thread (TurboFan's background compiles, GC helpers; default
//   4), ≈ 2 MB less once warm: the sidecar's heap is small.
// - --no-expose-wasm: protobufjs's 64-bit helper (long.js) compiles a WebAssembly module at load
//   when it can (it falls back to plain JS), which pages in V8's wasm compiler: 0.7 MB. Nothing
//   in the sidecar uses WebAssembly (test/sidecar/node-flags.system.test.ts loads every chunk).
// - --compact-on-every-full-gc: V8's full collections free objects but keep the half-empty pages
//   they were on; with it each one moves the live objects together and hands the emptied pages
//   back (≈ 2.5 MB less in the city; its rare collections cost no measurable CPU). A trim calling
//   gc() every 2 MiB of growth (--expose-gc) kept the sawtooth lower still over minutes (−2 MB)
//   but cost 7–14 % more CPU (re-optimisation after each collection): not kept.
// - --no-sparkplug: no baseline-compiled code beside the bytecode; what is hot enough gets
//   TurboFan's code as before: 1.2 MB less of V8's heap pages, no measurable CPU.
// Not kept: --lite-mode (17 MB less, twice the CPU), --single-threaded-gc and
// --optimize-for-size (no change over 30 s after a 60 s warm-up),
// --max-old-space-size (a heap limit beside the game only turns a leak into a crash), --max-lazy
// (nothing more than --no-sparkplug), --single-threaded (0.6 MB less, but TurboFan's compiles
// and the GC's helpers would run on the event loop: their pauses are not measured).
export const SIDECAR_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
  '--no-expose-wasm',
  '--compact-on-every-full-gc',
  '--no-sparkplug',
];
