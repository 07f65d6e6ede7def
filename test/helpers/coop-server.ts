// The coop-server the end-to-end tests start: its argv (127.0.0.1, an ephemeral port unless one
// is given, no dashboard and no console unless asked, an empty world unless NPCs are asked for)
// and the UDP port it says it listens on. One place, so a new server flag reaches every test.
import type { Proc } from './proc.js';

export interface TestServerOptions {
  dataDir: string;
  port?: number;
  /** The interface to bind; null gives no --host (the server's 0.0.0.0: a NAT lab namespace). */
  host?: string | null;
  /** null gives no --npcs (the server's default world). */
  npcs?: number | null;
  /** null gives no --vehicles (the server's default world). */
  vehicles?: number | null;
  areaM?: number;
  logLevel?: 'silent' | 'warn' | 'info';
  /** Keep the admin console on stdin (tests that type admin commands). */
  console?: boolean;
  /** Serve the dashboard on an ephemeral port instead of none. */
  dash?: boolean;
  /** Any further flags (a password file, a player limit). */
  extra?: readonly string[];
}

/** ['--flag', value], or nothing for null (the server's default). */
const flag = (name: string, value: string | number | null): string[] => (value === null ? [] : [name, String(value)]);

export function testServerArgs(o: TestServerOptions): string[] {
  return [
    'src/server/main.ts',
    '--port',
    String(o.port ?? 0),
    ...flag('--host', o.host === undefined ? '127.0.0.1' : o.host),
    ...(o.dash ? ['--dash-port', '0'] : ['--no-dash']),
    ...(o.console ? [] : ['--no-console']),
    '--data-dir',
    o.dataDir,
    ...flag('--npcs', o.npcs === undefined ? 0 : o.npcs),
    ...flag('--vehicles', o.vehicles === undefined ? 0 : o.vehicles),
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
