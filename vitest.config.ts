import { defineConfig } from 'vitest/config';

// Two projects, told apart by file name:
//   unit    `*.test.ts`: the code under test runs inside the test's own process (native libraries
//           through koffi included); `npm run test:unit` runs these alone.
//   system  `*.system.test.ts`: real processes (coop-server, coop-sidecar, coop-sim, the CLIs,
//           tsc) or real services (coturn, network namespaces, Chromium); `*.slow.test.ts`: long
//           in-process runs (fuzz volumes, soak).
// `npm test` runs both.
const SLOW = ['test/**/*.system.test.ts', 'test/**/*.slow.test.ts'];

export default defineConfig({
  test: {
    // Real child processes and native handles (koffi): forks isolate them best.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: SLOW, isolate: false } },
      { extends: true, test: { name: 'system', include: SLOW } },
    ],
  },
});
