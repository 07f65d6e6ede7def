// coop-master as a library: one HTTP server carrying the lobby API, the TURN credential endpoint
// and the WebSocket signalling channel (/ws). Tests start it in-process on port 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { MASTER_SWEEP_MS } from './constants.js';
import { HttpApi } from './http.js';
import { Registry } from './registry.js';
import { SignalHub } from './signal.js';
import { MasterStats } from './stats.js';
import { TurnCredIssuer } from './turn-cred.js';

export interface MasterOptions {
  host: string;
  port: number;
  /** Lobby state file (atomic JSON); undefined keeps the lobby in memory. */
  statePath?: string;
  /** coturn static-auth-secret; undefined disables /api/turnCred. */
  turnSecret?: string;
  /** TURN URIs handed out with credentials, e.g. `turn:10.0.0.1:3478?transport=udp`. */
  turnUris: string[];
  turnTtlS?: number;
  /** Wall clock (ms); injected in tests. */
  now?: () => number;
  log?: Logger;
}

export interface MasterServer {
  readonly port: number;
  readonly url: string;
  readonly stats: MasterStats;
  readonly registry: Registry;
  close(): Promise<void>;
}

export async function startMaster(opts: MasterOptions): Promise<MasterServer> {
  const now = opts.now ?? Date.now;
  const stats = new MasterStats();
  const registry = new Registry({ now, statePath: opts.statePath });
  const restored = registry.load();
  const issuer = new TurnCredIssuer({ secret: opts.turnSecret, uris: opts.turnUris, ttlS: opts.turnTtlS, now });
  const api = new HttpApi({
    registry, issuer, stats, now,
    onCredIssued: (playerId) => opts.log?.info({ playerId }, 'turn credentials issued'),
  });
  const hub = new SignalHub(registry, stats, now);
  const server: Server = createServer((req, res) => api.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://master').pathname !== '/ws') {
      socket.destroy();
      return;
    }
    hub.wss.handleUpgrade(req, socket, head, (ws) => hub.accept(ws, req));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const sweeper = setInterval(() => {
    const expired = registry.sweep();
    issuer.sweep();
    api.sweep();
    if (expired) opts.log?.info({ expired }, 'sessions expired');
  }, MASTER_SWEEP_MS);
  sweeper.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  opts.log?.info({ host: opts.host, port, restored, staleTempsRemoved: registry.staleTempsRemoved, relay: issuer.enabled }, 'coop-master listening');
  return {
    port,
    url: `http://${hostPart}:${port}`,
    stats,
    registry,
    async close() {
      clearInterval(sweeper);
      registry.flush();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
