// The README's main job (`npm start` → scripts/demo.mjs) as a user runs it, on a free dashboard
// port: coop-master + coop-server + 3 headless games + 3 sidecars. The dashboard lists the three
// players with their paths (two over the UDP port, Judy through coop-master over ICE) and bytes
// moving; Ctrl-C stops everything and the script says so. Needs `npm run build` (pretest does it).
import { describe, expect, it } from 'vitest';
import { proc } from '../helpers/proc.js';

interface Peer {
  name: string;
  net: { path: string; connectMs: number | null; bytesSent: number; bytesReceived: number } | null;
}

const STATUS_POLL_MS = 500;
/** Dashboard polls that may be refused in a row before the test gives up (10 s at 500 ms). */
const STATUS_REFUSALS_MAX = 20;
/** The demo must be up with its three players moving bytes within this. */
const READY_TIMEOUT_MS = 75_000;
/** The demo stops its children within 5 s of Ctrl-C (SIGKILL after): room to see it exit. */
const STOP_TIMEOUT_MS = 15_000;
/** The test's own limits end before vitest's, so that its `finally` always stops the demo (a
 * test vitest abandons at its timeout left coop-master, coturn and coop-server running). */
const RUN_TIMEOUT_MS = READY_TIMEOUT_MS + STOP_TIMEOUT_MS + 5_000;

describe('npm start (scripts/demo.mjs)', () => {
  it(
    'runs master, server and three players; the dashboard shows each path; Ctrl-C stops it',
    async () => {
      const p = proc(['scripts/demo.mjs', '--dash-port', '0'], { command: process.execPath, name: 'demo' });
      const demo = p.child;
      const out = p.lines;
      try {
        const deadline = Date.now() + READY_TIMEOUT_MS;
        const dash = (await p.line(/\[server\] dashboard: (http:\/\/127\.0\.0\.1:\d+)\//, READY_TIMEOUT_MS))[1];
        let peers: Peer[] = [];
        const ready = (): boolean => peers.length === 3 && peers.every((p) => p.net !== null && p.net.bytesSent > 1_000 && p.net.bytesReceived > 500);
        let refused = 0;
        while (!ready() && demo.exitCode === null) {
          if (Date.now() > deadline)
            throw new Error(`not ready after ${READY_TIMEOUT_MS} ms: ${JSON.stringify(peers)}; demo said:\n${out.slice(-30).join('\n')}\n${p.err()}`);
          await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
          try {
            peers = ((await (await fetch(`${dash}/status`)).json()) as { peers: Peer[] }).peers;
            refused = 0;
          } catch (err) {
            // A refused poll or two on a loaded machine is not a failure; a dashboard that stays
            // away is, and the demo's own lines say why.
            if (++refused > STATUS_REFUSALS_MAX)
              throw new Error(`dashboard ${dash} unreachable (${String(err)}); demo said:\n${out.slice(-30).join('\n')}\n${p.err()}`);
          }
        }
        expect(demo.exitCode, `demo exited early: ${out.slice(-20).join('\n')}\n${p.err()}`).toBeNull();
        const byName = new Map(peers.map((p) => [p.name, p.net]));
        expect(byName.get('V')?.path).toBe('udp');
        expect(byName.get('Panam')?.path).toBe('udp');
        expect(byName.get('Judy')?.path).toBe('host');
        expect(byName.get('Judy')?.connectMs).toBeGreaterThan(0);
        expect(out.some((l) => /\[sidecar:Judy\] .*connected: path host/.test(l))).toBe(true);
      } finally {
        demo.kill('SIGINT');
        const stopped = await Promise.race([p.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS))]);
        if (!stopped) demo.kill('SIGKILL');
      }
      expect(await p.exited).toBe(0);
      expect(out).toContain('[demo] stopped');
    },
    RUN_TIMEOUT_MS,
  );
});
