// bench:wake:win — what one bridge wake costs under wine, by the way the game wakes the sidecar
// (docs/windows.md "What a wake costs under wine"). A Windows writer (bench/native/wake-writer.c,
// the game's side) wakes a node.exe reader (bench/wake-win-reader.mjs, the sidecar's side) 60
// times a second, for each variant in turn: today's named event with koffi's async wait, a 1-byte
// loopback UDP datagram to a node:dgram socket, a byte down a named pipe a node:net server reads,
// and for scale a reader on a 60 Hz timer with no wake at all and an idle pair (the baseline).
// Measured from the Linux side by pid (under wine /proc/self is wineserver's): node.exe's,
// wineserver's and the writer's CPU over the window, and the writer's wall time per wake call.
// All variants in the same run, REPS repetitions, median. Writes bench/results/wake-win.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR, WIN_NODE_EXE, WIN_SHIM_DLL, WIN_SIDECAR_DIR, wineEnv } from '../scripts/win/paths.mjs';
import { ensureWinePrefix } from '../scripts/win/wine-prefix.mjs';
import { winPath } from '../test/helpers/file-output-proc.js';
import { procStat } from '../test/helpers/proc-stat.js';
import { median, startBenchReport } from './report.js';
import { sleep } from './sidecar-city.js';
import { startWine, waitFor, wineserverPid } from './sidecar-win-game.js';

const REPS = Number(process.env.WAKE_BENCH_REPS ?? 3);
const MEASURE_S = Number(process.env.WAKE_BENCH_MEASURE_S ?? 20);
/** From the writer's start to the window (both programs past their start-up). */
const WARMUP_S = 3;
/** The game's frame rate: one wake a frame. */
const WAKE_HZ = 60;
/** The writer outlives the window by this much; the reader outlives the writer by as much again. */
const TAIL_S = 4;
const READY_WAIT_MS = 30_000;
const VARIANTS = ['idle', 'event', 'udp', 'pipe', 'timer'] as const;
type Variant = (typeof VARIANTS)[number];
/** What the writer does for each reader variant ('none': no wake). */
const WRITER_VARIANT: Record<Variant, string> = { idle: 'none', event: 'event', udp: 'udp', pipe: 'pipe', timer: 'none' };
const WRITER_SRC = join(ROOT_DIR, 'bench', 'native', 'wake-writer.c');
/** Beside coopbridge.dll, which it links (a Windows program finds its DLLs in its own folder). */
const WRITER_EXE = join(ROOT_DIR, 'native-shims', 'build', 'wake-writer.exe');
const READER = join(ROOT_DIR, 'bench', 'wake-win-reader.mjs');
const RESULT_FILE = 'bench/results/wake-win.json';

interface Row {
  rep: number;
  variant: Variant;
  nodeCpuPct: number;
  wineserverCpuPct: number;
  writerCpuPct: number;
  /** The writer's wall time per wake call, µs (what the game's frame pays). */
  wakeMeanUs: number;
  wakeMaxUs: number;
  wakesSent: number;
  wakeFails: number;
  wakesSeen: number;
}

function buildWriter(): void {
  mkdirSync(join(ROOT_DIR, 'native-shims', 'build'), { recursive: true });
  const inc = join(ROOT_DIR, 'native-shims', 'include');
  const lib = join(ROOT_DIR, 'native-shims', 'build', 'libcoopbridge.dll.a');
  execFileSync(
    'x86_64-w64-mingw32-gcc',
    ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${inc}`, '-static-libgcc', '-o', WRITER_EXE, WRITER_SRC, lib, '-lws2_32'],
    {
      stdio: 'inherit',
    },
  );
}

async function oneVariant(dir: string, rep: number, variant: Variant): Promise<Row> {
  const tag = `wake${process.pid}r${rep}${variant}`;
  const target = variant === 'pipe' ? `\\\\.\\pipe\\${tag}` : tag;
  const readerS = WARMUP_S + MEASURE_S + 2 * TAIL_S;
  const reader = startWine(dir, `reader-${tag}`, WIN_NODE_EXE, [
    winPath(READER),
    variant,
    String(readerS),
    target,
    winPath(WIN_SIDECAR_DIR),
    winPath(WIN_SHIM_DLL),
  ]);
  try {
    const ready = await waitFor('reader ready', () => reader.json().find((j) => j.ready === true || j.error !== undefined), READY_WAIT_MS, reader);
    if (ready.error !== undefined) throw new Error(`reader: ${String(ready.error)}`);
    const writerTarget = variant === 'udp' ? String(ready.port) : target;
    const writer = startWine(dir, `writer-${tag}`, WRITER_EXE, [WRITER_VARIANT[variant], String(WARMUP_S + MEASURE_S + TAIL_S), writerTarget, String(WAKE_HZ)]);
    await sleep(WARMUP_S * 1000);
    const pids = { node: reader.child.pid!, writer: writer.child.pid!, ws: wineserverPid() };
    const cpu = () => ({
      node: procStat(pids.node, 'node.exe').cpuS,
      writer: procStat(pids.writer, 'the writer').cpuS,
      ws: procStat(pids.ws, 'wineserver').cpuS,
    });
    const a = cpu();
    await sleep(MEASURE_S * 1000);
    const b = cpu();
    await writer.exited;
    await reader.exited;
    const w = writer.json().find((j) => j.variant !== undefined);
    const r = reader.json().find((j) => j.wakes !== undefined);
    if (w === undefined || r === undefined) throw new Error(`no result line: writer ${writer.out()} ${writer.err()}; reader ${reader.out()} ${reader.err()}`);
    const pct = (s: number): number => +((s / MEASURE_S) * 100).toFixed(2);
    return {
      rep,
      variant,
      nodeCpuPct: pct(b.node - a.node),
      wineserverCpuPct: pct(b.ws - a.ws),
      writerCpuPct: pct(b.writer - a.writer),
      wakeMeanUs: Number(w.wake_mean_us),
      wakeMaxUs: Number(w.wake_max_us),
      wakesSent: Number(w.wakes),
      wakeFails: Number(w.fails),
      wakesSeen: Number(r.wakes),
    };
  } finally {
    await reader.kill();
  }
}

async function main(): Promise<void> {
  ensureWinePrefix(console.log);
  buildWriter();
  const report = startBenchReport();
  const dir = mkdtempSync(join(os.tmpdir(), 'coop-wake-win-bench-'));
  const rows: Row[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++)
      for (const v of VARIANTS) {
        const row = await oneVariant(dir, rep, v);
        rows.push(row);
        console.error(
          `rep ${rep + 1}/${REPS} ${v.padEnd(5)}: node.exe ${row.nodeCpuPct} %, wineserver ${row.wineserverCpuPct} %, writer ${row.writerCpuPct} %, ${row.wakeMeanUs} µs a wake call, ${row.wakesSeen}/${row.wakesSent} seen`,
        );
      }
  } finally {
    spawnSync('wineserver', ['-k'], { env: wineEnv(), stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  const idle = rows.filter((r) => r.variant === 'idle');
  const medians = Object.fromEntries(
    VARIANTS.map((v) => {
      const rs = rows.filter((r) => r.variant === v);
      const m = (f: (r: Row) => number): number => +median(rs.map(f)).toFixed(2);
      // node.exe plus wineserver's CPU above the idle pair's, paired by repetition
      const sidecarSide = m((r) => r.nodeCpuPct + r.wineserverCpuPct - idle[r.rep].wineserverCpuPct);
      return [
        v,
        {
          node_cpu_pct: m((r) => r.nodeCpuPct),
          wineserver_cpu_pct: m((r) => r.wineserverCpuPct),
          node_plus_wineserver_extra_cpu_pct: sidecarSide,
          writer_cpu_pct: m((r) => r.writerCpuPct),
          writer_wake_mean_us: m((r) => r.wakeMeanUs),
          writer_wake_max_us: m((r) => r.wakeMaxUs),
          wakes_seen_per_sent: m((r) => (r.wakesSent ? r.wakesSeen / r.wakesSent : 0)),
          wake_fails: m((r) => r.wakeFails),
        },
      ];
    }),
  );
  report.printHeader('bench:wake:win', REPS);
  console.log(
    `${'variant'.padEnd(8)} ${'node.exe %'.padStart(10)} ${'wineserver %'.padStart(12)} ${'+ws extra %'.padStart(11)} ${'writer %'.padStart(9)} ${'µs a wake'.padStart(10)}`,
  );
  for (const [v, m] of Object.entries(medians))
    console.log(
      `${v.padEnd(8)} ${String(m.node_cpu_pct).padStart(10)} ${String(m.wineserver_cpu_pct).padStart(12)} ${String(m.node_plus_wineserver_extra_cpu_pct).padStart(11)} ${String(m.writer_cpu_pct).padStart(9)} ${String(m.writer_wake_mean_us).padStart(10)}`,
    );
  report.write(RESULT_FILE, {
    bench: 'wake-win',
    date: new Date().toISOString(),
    machine: report.machine(),
    workload: {
      wakes_per_s: WAKE_HZ,
      warmup_s: WARMUP_S,
      measure_s: MEASURE_S,
      writer:
        'bench/native/wake-writer.c under wine: event = coop_wake (SetEvent), udp = non-blocking sendto 127.0.0.1, pipe = WriteFile on a PIPE_NOWAIT handle',
      reader:
        'bench/wake-win-reader.mjs in node.exe under wine: event = koffi .async coop_wait re-armed, udp = node:dgram, pipe = node:net server, timer = setInterval 60 Hz and no wake',
      cpu: 'utime+stime from /proc/<pid>/stat over measure_s, % of one core; +ws extra = node.exe + wineserver minus the idle pair’s wineserver (same repetition)',
      wine: spawnSync('wine', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    },
    repetitions: REPS,
    median: medians,
    runs: rows,
  });
  process.exit(0);
}

await main();
