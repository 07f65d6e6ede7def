// A scripted player for the real-process admin tests: the sidecar's CoopClient over the real
// TS ENet on loopback UDP, without a game. Records chats, notices, admin replies, the close reason.
import { EnetHost, UdpTransport } from '../../src/net/enet/index.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../src/protocol/constants.js';
import { CoopClient, ClientState } from '../../src/sidecar/session.js';
import { generateIdentity, fingerprint, type IdentityKeys } from '../../src/protocol/identity.js';
import type { AdminCmdType } from '../../src/protocol/schema.gen.js';

export interface BotLog {
  chats: string[];
  notices: string[];
  replies: { ok: boolean; text: string }[];
  closed: string[];
}

export class Bot {
  readonly log: BotLog = { chats: [], notices: [], replies: [], closed: [] };
  readonly identity: IdentityKeys;
  readonly fingerprint: string;
  readonly client: CoopClient;
  readonly #host: EnetHost;
  #peer: ReturnType<EnetHost['connect']> | null = null;
  #outcome: Promise<'welcome' | 'refused'>;

  private constructor(host: EnetHost, name: string, identity: IdentityKeys, port: number, at: { x: number; y: number }) {
    this.#host = host;
    this.identity = identity;
    this.fingerprint = fingerprint(identity.publicKeyRaw);
    let settle: (v: 'welcome' | 'refused') => void = () => undefined;
    this.#outcome = new Promise((r) => (settle = r));
    this.client = new CoopClient({
      name,
      identity,
      now: () => performance.now(),
      send: (channel, bytes, reliable) => {
        if (!this.#peer?.connected) return;
        const unreliable = channel === CHANNEL_SNAPSHOT || channel === CHANNEL_VOICE;
        this.#peer.send(channel, bytes, reliable || !unreliable ? { reliable: true } : { unreliableFragment: true });
      },
      events: {
        welcome: () => settle('welcome'),
        closed: (reason) => {
          this.log.closed.push(reason);
          settle('refused');
        },
        chat: (_p, from, text) => this.log.chats.push(`${from}: ${text}`),
        notice: (text) => this.log.notices.push(text),
        other: (kind, msg) => {
          if (kind === 'adminReply') this.log.replies.push({ ok: msg.adminReply?.ok ?? false, text: msg.adminReply?.text ?? '' });
        },
      },
    });
    host.on('connect', () => this.client.start({ x: at.x, y: at.y, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 }));
    host.on('receive', (_p, _ch, data) => this.client.receive(data));
    host.on('disconnect', () => {
      this.log.closed.push('enet disconnect');
      settle('refused');
    });
    this.#peer = host.connect({ address: '127.0.0.1', port }, CHANNEL_COUNT, 0);
  }

  /** Connects and handshakes; resolves once welcomed or refused (see `log.closed`). */
  static async join(port: number, name: string, opts: { identity?: IdentityKeys; at?: { x: number; y: number } } = {}): Promise<Bot> {
    const transport = await UdpTransport.bind({ address: '127.0.0.1', port: 0 });
    const host = new EnetHost({ transport, peerLimit: 1, channelLimit: CHANNEL_COUNT });
    const bot = new Bot(host, name, opts.identity ?? generateIdentity(), port, opts.at ?? { x: 0, y: 0 });
    await bot.#outcome;
    return bot;
  }

  get inWorld(): boolean {
    return this.client.state === ClientState.IN_WORLD;
  }

  get peerId(): number {
    return this.client.peerId;
  }

  chat(text: string): void {
    this.client.sendChat(text);
  }

  admin(cmdType: AdminCmdType, param: number, secs = 0, reason = ''): void {
    this.client.sendRaw({ adminCmd: { cmdType, param, secs, reason } });
  }

  moveTo(x: number, y: number): void {
    this.client.sendPlayerState({ x, y, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
  }

  close(): void {
    try {
      this.client.quit();
      this.#host.flush();
      this.#peer?.disconnectNow?.(0);
    } catch {
      // already gone
    }
    this.#host.destroy();
  }
}

/** vi.waitFor options for the real-process admin tests: generous, real processes. */
export const WAIT = { timeout: 15_000, interval: 20 } as const;
