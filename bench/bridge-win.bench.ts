// bench:bridge:win — the bridge between two Windows processes under wine, beside the same
// workload between two Linux processes in the same run. The game side is the C test game
// (native-shims/harness, echo mode: C frame API, sleeps on the ring's wake word / event); the
// sidecar side is test/windows/frame-peer.ts (the bridge's TypeScript code): Linux node with
// the .so, or node.exe with coopbridge.dll and koffi's win32 binary. Reported, no goal: wine's
// event wake-ups are wineserver round trips, not Windows' (docs/windows.md).
// Writes bench/results/bridge-win.json (median of REPS runs per platform).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR, WIN_FRAME_PEER_BUNDLE, WIN_GAME_EXE, WIN_NODE_EXE, wineEnv } from '../scripts/win/paths.mjs';
import { ensureWinePrefix } from '../scripts/win/wine-prefix.mjs';
import { median, startBenchReport } from './report.js';
import { startWithFileOutput, type FileOutputProc } from '../test/helpers/file-output-proc.js';

/** 3 by default, as bench:bridge; BENCH_REPS=1 for a quick look. */
const REPS = Number(process.env.BENCH_REPS ?? 3);
const RTT_SAMPLES = 20_000;
const BLAST_MS = 3_000;
const LINUX_GAME = join(ROOT_DIR, 'native-shims', 'build', 'coop-game');
const RESULT_FILE = 'bench/results/bridge-win.json';
/** Wine starts a program in seconds; a minute means something is wrong. */
const GAME_OPEN_WAIT_MS = 60_000;
const POLL_MS = 50;

interface Figures {
  rttP50Us: number;
  rttP99Us: number;
  echoedMsgsPerS: number;
  payloadBytes: number;
}

const dir = mkdtempSync(join(os.tmpdir(), 'coop-bench-win-'));

/** Starts a process with stdout/stderr in files (node.exe under wine dies on a piped stdout). */
const start = (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): FileOutputProc => startWithFileOutput(name, cmd, args, dir, env);

async function runOnce(platform: 'linux' | 'wine', rep: number): Promise<Figures> {
  const session = `bw${process.pid}${platform}${rep}`;
  const peerArgs = ['--mode', 'bench', '--bridge', session, '--rtt-samples', String(RTT_SAMPLES), '--blast-ms', String(BLAST_MS)];
  const wine = platform === 'wine';
  const env = wine ? wineEnv() : process.env;
  const game = wine
    ? start(`game-${session}`, 'wine', [WIN_GAME_EXE, '--bridge', session, '--mode', 'echo'], env)
    : start(`game-${session}`, LINUX_GAME, ['--bridge', session, '--mode', 'echo'], env);
  // The game creates the region first, as in play; the peer attaches to it.
  const openBy = Date.now() + GAME_OPEN_WAIT_MS;
  while (!game.out().includes('"open"')) {
    if (Date.now() > openBy || game.ended()) throw new Error(`${platform}: the game did not open the region: ${game.err().slice(-500)}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const peer = wine
    ? start(`peer-${session}`, 'wine', [WIN_NODE_EXE, WIN_FRAME_PEER_BUNDLE, ...peerArgs], env)
    : start(`peer-${session}`, process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'test/windows/frame-peer.ts'), ...peerArgs], env);
  await peer.exited;
  await game.exited;
  const line = peer
    .out()
    .split('\n')
    .find((l) => l.includes('"bench"'));
  if (!line) throw new Error(`${platform}: no result; peer stderr: ${peer.err().slice(-1000)} game stderr: ${game.err().slice(-500)}`);
  return JSON.parse(line) as Figures;
}

async function main(): Promise<void> {
  ensureWinePrefix(console.log);
  const report = startBenchReport();
  const runs: Record<'linux' | 'wine', Figures[]> = { linux: [], wine: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const p of ['linux', 'wine'] as const) runs[p].push(await runOnce(p, rep));
  }
  const summary = (p: 'linux' | 'wine') => ({
    rtt_p50_us: median(runs[p].map((r) => r.rttP50Us)),
    rtt_p99_us: median(runs[p].map((r) => r.rttP99Us)),
    msgs_per_s: median(runs[p].map((r) => r.echoedMsgsPerS)),
  });
  const result = {
    bench: 'bridge-win',
    date: new Date().toISOString(),
    machine: report.machine(),
    workload: {
      pair: 'C test game (echo) <-> frame-peer (bridge TS)',
      payload_bytes: runs.linux[0]?.payloadBytes,
      reps: REPS,
      rtt_samples: RTT_SAMPLES,
      blast_ms: BLAST_MS,
      msgs_per_s: 'frames echoed back per second, 256 in flight',
    },
    median: { linux: summary('linux'), wine: summary('wine') },
    runs,
  };
  report.printHeader('bench:bridge:win', REPS);
  console.log('                          RTT p50     RTT p99     echoed msgs/s');
  for (const p of ['linux', 'wine'] as const) {
    const s = result.median[p];
    console.log(
      `  ${p === 'linux' ? 'Linux (.so)          ' : 'wine (DLL, events)   '}  ${s.rtt_p50_us.toFixed(1).padStart(7)} us  ${s.rtt_p99_us.toFixed(1).padStart(7)} us  ${Math.round(s.msgs_per_s).toLocaleString('en-US').padStart(12)}`,
    );
  }
  report.write(RESULT_FILE, result);
  rmSync(dir, { recursive: true, force: true });
}

await main();
