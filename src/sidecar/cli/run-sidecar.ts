// coop-sidecar's composition root: options, then the bridge and the player identity, then
// either --import or a server session (./session-wiring.ts). Every exit path (a signal, the game
// going away, a refusal, a fatal error, the end of --import) settles one ExitLatch and runs the
// one Teardown list, so the bridge and the ENet host are closed the same way whatever ended it.
// The NAT path (ICE, werift-ice, ws) and --import (the merge code, zod) are loaded with import()
// only when asked for: a direct --server join never loads them (≈ 15 MB of RSS and start-up).
import pino from 'pino';
import { BridgeError, openBridge, type Bridge, type BridgeIntervals } from '../../../bridge/index.js';
import { runCommand, EXIT_OK, EXIT_RUNTIME, oneLine } from '../../cli/command.js';
import type { CliIo } from '../../cli/io.js';
import { ExitLatch, Teardown } from '../../cli/teardown.js';
import { UdpTransport } from '../../net/enet/index.js';
import type { DatagramAddress, DatagramTransport } from '../../net/enet/transport.js';
import { fingerprint } from '../../protocol/identity.js';
import { loadOrCreateIdentity } from '../../protocol/identity-store.js';
import type { joinThroughMaster } from '../nat-join.js';
import { WakeTimers } from '../../util/wake-timers.js';
import { NativePath } from '../native-path.js';
import { runSession } from './session-wiring.js';
import { defaultDataDir, sidecarHelp, sidecarOptionsFrom, type SidecarOptions } from './sidecar-options.js';

const NAME = 'coop-sidecar';
const DEFAULT_CLOSE_REASON = 'sidecar stopping';

/** What the sidecar opens in the outside world; tests replace parts to watch them close. */
export interface SidecarDeps {
  openBridge(opts: { name: string; role: 'sidecar'; intervals?: BridgeIntervals }): Bridge;
  /** The UDP socket ENet rides on for a direct --server join, connected to that server when
   * given (its sends skip a per-datagram address lookup). */
  bindUdp(server?: DatagramAddress): Promise<DatagramTransport>;
  joinThroughMaster: typeof joinThroughMaster;
  loadIdentity: typeof loadOrCreateIdentity;
}

export const SIDECAR_DEPS: SidecarDeps = {
  openBridge,
  bindUdp: (server) => UdpTransport.bind({ address: '0.0.0.0', port: 0, connectTo: server }),
  joinThroughMaster: async (o) => (await import('../nat-join.js')).joinThroughMaster(o),
  loadIdentity: loadOrCreateIdentity,
};

export async function runSidecar(argv: readonly string[], io: CliIo, deps: SidecarDeps = SIDECAR_DEPS): Promise<number> {
  return runCommand(NAME, io, async () => {
    const o = sidecarOptionsFrom(argv, io.env);
    if (o === 'help') {
      io.stdout(`${sidecarHelp(defaultDataDir(io.env))}\n`);
      return EXIT_OK;
    }
    const teardown = new Teardown({ onError: (name, err) => io.stderr(`${NAME}: closing ${name}: ${oneLine(err)}\n`) });
    const exit = new ExitLatch();
    teardown.add(
      'signal handlers',
      io.onSignal(() => exit.finish(EXIT_OK)),
    );
    // Not awaited: the wiring waits on the game and the network, and any exit path may end
    // the program meanwhile; what it opens after that is closed as soon as it is registered.
    start(o, io, deps, teardown, exit).catch((err: unknown) => {
      if (!exit.done) io.stderr(`${NAME}: ${oneLine(err)}\n`);
      exit.finish(EXIT_RUNTIME);
    });
    const code = await exit.code;
    await teardown.run();
    return code;
  });
}

async function start(o: SidecarOptions, io: CliIo, deps: SidecarDeps, teardown: Teardown, exit: ExitLatch): Promise<void> {
  const say = (line: string): void => io.stdout(`${NAME}[${o.name}]: ${line}\n`);
  // The slow timers (the bridge's heartbeat check first) ride on the game's frames: the session
  // calls timers.wake() on each (session-wiring.ts); without frames they fire on their own. The
  // import mode has no frames to ride: its bridge keeps Node's timers (a check every 200 ms).
  const timers = new WakeTimers();
  const path = o.pace === 'native' && !o.import ? openNativePath(o.bridge, say) : null;
  // the path closes after the bridge on its relay region (newest first)
  if (path) teardown.add('native path', () => path.close());
  const bridge = deps.openBridge({ name: path?.relayName ?? o.bridge, role: 'sidecar', intervals: o.import ? undefined : timers });
  teardown.add('bridge', () => bridge.close(exit.reason ?? DEFAULT_CLOSE_REASON).catch(() => undefined));
  const identity = deps.loadIdentity(o.dataDir);
  if (identity.created) say('made a new player identity');
  if (o.import) {
    const { runImportMode } = await import('../import-mode.js');
    const code = await runImportMode({ bridge, sessionPath: o.import, playerId: fingerprint(identity.keys.publicKeyRaw), out: o.out, say });
    exit.finish(code, 'import done');
    return;
  }
  const log = pino({ level: o.logLevel, base: { svc: NAME, name: o.name } }, pino.destination(2));
  await runSession({ o, deps, bridge, identity: identity.keys, teardown, exit, say, log, timers, path });
}

/** The native path on the game's bridge, or null (said why) where it cannot run: the frames then
 * wake Node. A bridge that cannot be opened fails as openBridge would. */
function openNativePath(bridgeName: string, say: (line: string) => void): NativePath | null {
  try {
    const path = NativePath.open(bridgeName, performance.now());
    say(`native path: the game's frames and the server's snapshots are handled in a native thread (relay ${path.relayName})`);
    return path;
  } catch (err) {
    if (err instanceof BridgeError) throw err;
    say(`native path unavailable (${oneLine(err)}): the game's frames wake the sidecar`);
    return null;
  }
}
