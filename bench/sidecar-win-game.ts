// bench:sidecar:win's game side under wine: the C test game's arguments and files (its transform
// at 60 Hz, the progress export it answers with), starting wine programs, and finding the Linux
// processes wine runs them in (node.exe, the prefix's wineserver) to read /proc.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_IDS } from '../bridge/index.js';
import { WINE_PREFIX_DIR, wineEnv } from '../scripts/win/paths.mjs';
import { planLine, startWithFileOutput, winPath, type FileOutputProc } from '../test/helpers/file-output-proc.js';
import { GAME_TRANSFORM_HZ, sleep, transform } from './sidecar-city.js';
import { midGameProgress } from './sidecar-game.js';

/** How often waitFor looks, ms. */
const POLL_MS = 100;

/** `wine program args`, stdout and stderr in files under dir (the game's children inherit nothing else). */
export const startWine = (dir: string, name: string, program: string, args: string[]): FileOutputProc =>
  startWithFileOutput(name, 'wine', [program, ...args], dir, wineEnv());

/** Polls `check` until it gives a value; fails when the game `gone` has ended or after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number, gone?: FileOutputProc): Promise<T> {
  const by = Date.now() + timeoutMs;
  for (;;) {
    const hit = check();
    if (hit !== undefined) return hit;
    if (gone?.ended()) throw new Error(`${what}: the game exited (${gone.child.exitCode}); stderr: ${gone.err().slice(-800)}`);
    if (Date.now() > by) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Linux pids whose command line's first word ends with `exe` and which holds `marker`. */
export function pidsOf(exe: string, marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0].toLowerCase().endsWith(exe) && argv.some((a) => a.includes(marker))) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Our prefix's wineserver (the one the game and node.exe share). */
export function wineserverPid(): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('wineserver')) continue;
      if (readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`WINEPREFIX=${WINE_PREFIX_DIR}`)) return Number(d);
    } catch {
      // gone, or not ours to read
    }
  }
  throw new Error(`no wineserver for ${WINE_PREFIX_DIR}`);
}

/** The game's --repeat (its transform) and --reply (the progress export) files, in dir. */
function gameFiles(dir: string): { repeat: string; reply: string } {
  const repeat = join(dir, 'transform.repeat');
  const reply = join(dir, 'progress.reply');
  writeFileSync(repeat, `${planLine(1000 / GAME_TRANSFORM_HZ, 'PlayerTransform', transform(0))}\n`);
  writeFileSync(reply, `${planLine(0, 'ProgressData', { requestId: 0, ...midGameProgress() })}\n`);
  return { repeat, reply };
}

/** The C test game's arguments: a player at 60 Hz who answers progress requests, for runMs. */
export function gameArgs(dir: string, session: string, runMs: number): string[] {
  const f = gameFiles(dir);
  return [
    '--bridge',
    session,
    '--mode',
    'play',
    '--repeat',
    winPath(f.repeat),
    '--repeat-hz',
    String(GAME_TRANSFORM_HZ),
    '--reply-to',
    String(MESSAGE_IDS.ExportProgressRequest),
    '--reply',
    winPath(f.reply),
    '--quiet-in',
    '--run-ms',
    String(runMs),
  ];
}
