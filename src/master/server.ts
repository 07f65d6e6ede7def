// coop-master as a library: one HTTP server carrying the lobby API, the TURN credential endpoint
// and the WebSocket signalling channel (/ws). Tests start it in-process on port 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { MASTER_SWEEP_MS } from './constants.js';
import { HttpApi } from './http.js';
import { SignalHub } from './signal.js';
import { MemoryStore } from './store/memory-store.js';
import { openStore } from './store/open-store.js';
import type { MasterStore } from './store/types.js';
import { MasterStats } from './stats.js';
import { TurnCredIssuer } from './turn-cred.js';

export interface MasterOptions {
  host: string;
  port: number;
  /** Lobby state file of the embedded store (snapshot + journal); undefined keeps it in memory. */
  statePath?: string;
  /** `embedded` (default) or redis://HOST:PORT: the lobby shared by every instance on it. */
  store?: string;
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
  readonly store: MasterStore;
  close(): Promise<void>;
}

export async function startMaster(opts: MasterOptions): Promise<MasterServer> {
  const now = opts.now ?? Date.now;
  const stats = new MasterStats();
  const store = openStore({ store: opts.store, statePath: opts.statePath, now, log: opts.log });
  const restored = await store.load();
  const issuer = new TurnCredIssuer({ secret: opts.turnSecret, uris: opts.turnUris, ttlS: opts.turnTtlS, now });
  const api = new HttpApi({
    store,
    issuer,
    stats,
    now,
    onCredIssued: (playerId) => opts.log?.info({ playerId }, 'turn credentials issued'),
  });
  const hub = new SignalHub(store, stats, now);
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
    issuer.sweep();
    store.sweep().then(
      (expired) => {
        if (expired) opts.log?.info({ expired }, 'sessions expired');
      },
      () => undefined,
    ); // store away: the next sweep tries again
  }, MASTER_SWEEP_MS);
  sweeper.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    clearInterval(sweeper);
    await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const staleTempsRemoved = store instanceof MemoryStore ? store.staleTempsRemoved : undefined;
  opts.log?.info(
    { host: opts.host, port, restored, staleTempsRemoved, relay: issuer.enabled, store: store.kind, instance: store.bus?.instanceId },
    'coop-master listening',
  );
  return {
    port,
    url: `http://${hostPart}:${port}`,
    stats,
    store,
    async close() {
      clearInterval(sweeper);
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
