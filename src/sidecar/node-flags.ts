// The Node/V8 flags the sidecar is started with beside the game. The RED4ext plugin's launcher
// (native-shims/plugin/supervise.c) passes the same; test/sidecar/node-flags.test.ts keeps them
// in step. Measured with bench:sidecar (docs/sidecar.md): the young generation otherwise grows to
// 2 × 4 MB under the city's snapshot traffic although ≈ 0.7 MB of it is live; capped at 1 MB it
// costs ≈ 6 MB less RSS and no measurable CPU. One V8 worker thread (--v8-pool-size=1, for
// TurboFan's background compiles and GC helpers; default 4) costs ≈ 2 MB less RSS and no
// measurable CPU once warm: the sidecar's heap is small. --lite-mode saved 17 MB but doubled the CPU;
// --max-old-space-size is left alone (a heap limit beside the game would only turn a leak into
// a crash).
export const SIDECAR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1'];
