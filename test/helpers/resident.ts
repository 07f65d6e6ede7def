// How much of a process's own executable is resident: what the sidecar's working-set trim gives
// back (src/sidecar/working-set.ts), read from /proc/<pid>/smaps (Linux; under wine the Windows
// program's image, node.exe, is a mapping of its file like any other).
import { readFileSync } from 'node:fs';

/** Resident kB of the mappings of `pid`'s executable (node's code, read-only data and data). */
export function executableRssKb(pid: number): number {
  // The first mapping is the executable's first segment, named by its real path.
  const exe = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')[0].split(/\s+/).pop()!;
  return mappedFileRssKb(pid, exe);
}

/** Resident kB of `pid`'s mappings of the file at `path` (its real path). */
export function mappedFileRssKb(pid: number, path: string): number {
  let kb = 0;
  let ours = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) ours = line.endsWith(` ${path}`);
    else if (ours && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb;
}
