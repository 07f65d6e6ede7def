// The coop-server the end-to-end tests start: its argv (127.0.0.1, an ephemeral port unless one
// is given, no dashboard and no console unless asked, an empty world unless NPCs are asked for)
// and the UDP port it says it listens on. One place, so a new server flag reaches every test.
import type { Proc } from './proc.js';

export interface TestServerOptions {
  dataDir: string;
  port?: number;
  npcs?: number;
  areaM?: number;
  logLevel?: 'silent' | 'warn' | 'info';
  /** Keep the admin console on stdin (tests that type admin commands). */
  console?: boolean;
  /** Serve the dashboard on an ephemeral port instead of none. */
  dash?: boolean;
  /** Any further flags (a password file, a player limit). */
  extra?: readonly string[];
}

export function testServerArgs(o: TestServerOptions): string[] {
  return [
    'src/server/main.ts',
    '--port',
    String(o.port ?? 0),
    '--host',
    '127.0.0.1',
    ...(o.dash ? ['--dash-port', '0'] : ['--no-dash']),
    ...(o.console ? [] : ['--no-console']),
    '--data-dir',
    o.dataDir,
    '--npcs',
    String(o.npcs ?? 0),
    '--vehicles',
    '0',
    ...(o.areaM === undefined ? [] : ['--area-m', String(o.areaM)]),
    '--log-level',
    o.logLevel ?? 'warn',
    ...(o.extra ?? []),
  ];
}

/** The UDP port from the server's "listening on udp HOST:PORT" line. */
export async function listeningPort(server: Proc, timeoutMs?: number): Promise<number> {
  return Number((await server.line(/listening on udp [^:\s]+:(\d+)/, timeoutMs))[1]);
}
