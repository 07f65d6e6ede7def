// The C test game's arguments that make it launch the Windows sidecar as the plugin does
// (coop_launch_logged): the launch log, then node.exe, its Node flags, the bundle and the
// bundle's arguments. Used by the tests under wine and bench:sidecar:win.
import { WIN_NODE_EXE, WIN_SIDECAR_BUNDLE } from '../../scripts/win/paths.mjs';
import { winPath } from './file-output-proc.js';

export interface WinSidecarLaunch {
  /** The launch log (Linux path): the sidecar's output lands there. */
  log: string;
  /** host:port of the coop-server. */
  server: string;
  /** The bridge session the game opened. */
  session: string;
  name: string;
  /** The sidecar's --data-dir (Linux path). */
  dataDir: string;
  /** Node flags before the bundle (the launcher's: SIDECAR_NODE_FLAGS). */
  nodeFlags?: readonly string[];
  /** More coop-sidecar arguments. */
  args?: readonly string[];
}

/** The game's arguments from --launch-log on (they end its own). */
export function winSidecarLaunchArgs(o: WinSidecarLaunch): string[] {
  return [
    '--launch-log',
    winPath(o.log),
    '--',
    winPath(WIN_NODE_EXE),
    ...(o.nodeFlags ?? []),
    winPath(WIN_SIDECAR_BUNDLE),
    '--server',
    o.server,
    '--bridge',
    o.session,
    '--name',
    o.name,
    '--data-dir',
    winPath(o.dataDir),
    ...(o.args ?? []),
  ];
}
