// bench:sidecar:win's figures: one window's medians over the repetitions (the Windows sidecar
// under wine, wineserver, the test game, the Linux sidecar beside them) and their table. The
// bench may measure two windows a repetition (SIDECAR_BENCH_COMPARE_ARGS): each summed up alike.
import { median } from './report.js';
import { mapMedian, type RssPart } from './rss-map.js';
import { windowMedians, type WindowFigures } from './sidecar-city.js';

/** The test game under wine with nothing attached, over the bench's GAME_ALONE_S. */
export interface GameAlone {
  wineserverCpuPct: number;
  gameCpuPct: number;
}

/** One window: the game under wine launching the Windows sidecar, the Linux sidecar beside it. */
export interface Window {
  win: WindowFigures;
  linux: WindowFigures;
  wineserverCpuPct: number;
  gameCpuPct: number;
  /** From the game's exit line: transforms sent a second from the attach on, progress exports
   * answered, frames read from the sidecar a second. */
  game: { transformHz: number; progressReplies: number; inboundPerS: number };
  /** The Linux baseline's game: proxies held at the window's end, progress exports answered. */
  linuxGame: { proxies: number; progressExports: number; voiceFramesPerS: number };
  winJoinS: number;
}

/** What the sidecar adds on the machine under wine: node.exe plus wineserver's extra over the game alone. */
export const withWineserverPct = (w: Window, alone: GameAlone): number => w.win.cpuPct + w.wineserverCpuPct - alone.wineserverCpuPct;

/** The windows' medians (2 decimals); windows[i] ran in the repetition that measured alone[i]. */
export function windowSummary(windows: readonly Window[], alone: readonly GameAlone[]) {
  const at = windows.map((w, i) => ({ w, a: alone[i] }));
  const m = (f: (x: { w: Window; a: GameAlone }) => number): number => +median(at.map(f)).toFixed(2);
  return {
    ...windowMedians(
      'win_sidecar',
      windows.map((w) => w.win),
    ),
    wineserver_cpu_pct: m(({ w }) => w.wineserverCpuPct),
    wineserver_game_alone_cpu_pct: m(({ a }) => a.wineserverCpuPct),
    win_sidecar_with_wineserver_cpu_pct: m(({ w, a }) => withWineserverPct(w, a)),
    game_harness_cpu_pct: m(({ w }) => w.gameCpuPct),
    game_harness_alone_cpu_pct: m(({ a }) => a.gameCpuPct),
    ...windowMedians(
      'linux_sidecar',
      windows.map((w) => w.linux),
    ),
    cpu_ratio_win_linux: m(({ w }) => w.win.cpuPct / w.linux.cpuPct),
    cpu_ratio_win_with_wineserver_linux: m(({ w, a }) => withWineserverPct(w, a) / w.linux.cpuPct),
    rss_ratio_win_linux: m(({ w }) => w.win.rssMb / w.linux.rssMb),
    game_transform_hz: m(({ w }) => w.game.transformHz),
    game_progress_replies: m(({ w }) => w.game.progressReplies),
    game_frames_read_per_s: m(({ w }) => w.game.inboundPerS),
    linux_game_proxies: m(({ w }) => w.linuxGame.proxies),
    linux_game_progress_exports: m(({ w }) => w.linuxGame.progressExports),
    linux_game_voice_frames_per_s: m(({ w }) => w.linuxGame.voiceFramesPerS),
    win_join_s: m(({ w }) => w.winJoinS),
    win_sidecar_rss_map_mb: mapMedian(windows.map((w) => w.win.map!)),
    linux_sidecar_rss_map_mb: mapMedian(windows.map((w) => w.linux.map!)),
  };
}

export type WindowSummary = ReturnType<typeof windowSummary>;

/** One window's line for a repetition's progress. */
export function windowLine(x: Window, alone: GameAlone): string {
  return `wine node.exe ${x.win.cpuPct.toFixed(2)} % ${x.win.rssMb.toFixed(1)} MB ${x.win.wakesPerS.toFixed(0)} wakes/s, wineserver ${x.wineserverCpuPct.toFixed(2)} % (game alone ${alone.wineserverCpuPct.toFixed(2)} %); linux ${x.linux.cpuPct.toFixed(2)} % ${x.linux.rssMb.toFixed(1)} MB ${x.linux.wakesPerS.toFixed(0)} wakes/s; game ${x.game.transformHz.toFixed(1)} Hz, ${x.game.progressReplies} progress replies, join ${x.winJoinS.toFixed(1)} s`;
}

/** The table of one window's medians, under a title naming its sidecar arguments. */
export function printSummary(title: string, s: WindowSummary): void {
  const row = (k: string, win: number, lin: number, goal: string): string =>
    `${k.padEnd(22)} ${String(win).padStart(10)} ${String(lin).padStart(10)} ${(win / lin).toFixed(2).padStart(7)}  ${goal}`;
  console.log(`\n${title}`);
  console.log(`${'figure'.padEnd(22)} ${'wine'.padStart(10)} ${'linux'.padStart(10)} ${'ratio'.padStart(7)}  goal`);
  console.log(row('cpu % of a core', s.win_sidecar_cpu_pct, s.linux_sidecar_cpu_pct, '≤ 1'));
  console.log(row('  + wineserver extra', s.win_sidecar_with_wineserver_cpu_pct, s.linux_sidecar_cpu_pct, ''));
  console.log(row('rss MB', s.win_sidecar_rss_mb, s.linux_sidecar_rss_mb, '≤ 64'));
  console.log(row('rss MB, mean', s.win_sidecar_rss_mean_mb, s.linux_sidecar_rss_mean_mb, ''));
  console.log(row('loop wakes/s', s.win_sidecar_wakes_per_s, s.linux_sidecar_wakes_per_s, ''));
  console.log(
    `rss split, MB: wine ${s.win_sidecar_rss_anon_mb} anon / ${s.win_sidecar_rss_file_mb} file / ${s.win_sidecar_rss_shmem_mb} shmem; linux ${s.linux_sidecar_rss_anon_mb} / ${s.linux_sidecar_rss_file_mb} / ${s.linux_sidecar_rss_shmem_mb}`,
  );
  console.log(
    `wineserver: ${s.wineserver_cpu_pct} % of a core in the window, ${s.wineserver_game_alone_cpu_pct} % with the test game alone; the test game ${s.game_harness_cpu_pct} % (alone ${s.game_harness_alone_cpu_pct} %)`,
  );
  console.log(
    `game: ${s.game_transform_hz} transforms/s, ${s.game_progress_replies} progress exports, ${s.game_frames_read_per_s} frames read/s; linux game: ${s.linux_game_proxies} proxies, ${s.linux_game_voice_frames_per_s} voice frames/s`,
  );
  console.log(`${'rss by mapping, MB'.padEnd(20)} ${'wine'.padStart(8)} ${'linux'.padStart(8)}`);
  for (const k of Object.keys(s.win_sidecar_rss_map_mb) as RssPart[])
    console.log(`${k.padEnd(20)} ${s.win_sidecar_rss_map_mb[k].toFixed(2).padStart(8)} ${s.linux_sidecar_rss_map_mb[k].toFixed(2).padStart(8)}`);
}
