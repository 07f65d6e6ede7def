// A host's presence on coop-master: announce, heartbeat, and the signalling socket joiners reach
// it through, kept alive across masters. When its master goes away (socket closed, heartbeat
// unanswered) it binds the same session on the next master of its list; masters sharing one
// Redis know the session, so the lobby id stays. A master that does not know it (an embedded
// master, or a lobby lost with its Redis) gets a fresh announce, and the new id is reported.
import type { AnnounceBody } from '../../protocol/master-wire.js';
import { NAT_REBIND_RETRY_MS } from './constants.js';
import { MasterPool } from './master-pool.js';
import { MasterError, MasterSignal, announceLobby, heartbeatLobby, type Announced } from './master-client.js';

export interface HostBindingOptions {
  /** coop-master base URLs in failover order. */
  master: string | readonly string[];
  /** What to announce (read again at each announce). */
  body: () => AnnounceBody;
  /** Players in the session now (sent with each heartbeat). */
  players: () => number;
  /** A joiner arrived through `sig`. */
  onPeer: (sig: MasterSignal, peerId: string) => void;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export class HostBinding {
  readonly #o: HostBindingOptions;
  readonly #pool: MasterPool;
  #announced!: Announced;
  #signal: MasterSignal | undefined;
  #beat: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #binding: Promise<void> | undefined;
  #closed = false;

  private constructor(o: HostBindingOptions) {
    this.#o = o;
    this.#pool = new MasterPool(o.master);
  }

  /** Announces on the first master that answers and binds there; throws if none does. */
  static async start(o: HostBindingOptions): Promise<HostBinding> {
    const h = new HostBinding(o);
    let lastErr: unknown;
    for (let i = 0; i < h.#pool.urls.length; i++) {
      try {
        h.#announced = await announceLobby(h.#pool.current, o.body());
        await h.#bind();
        break;
      } catch (err) {
        lastErr = err;
        h.#pool.advance();
      }
    }
    if (!h.#signal) throw lastErr instanceof Error ? lastErr : new Error('no coop-master answered');
    h.#beat = setInterval(() => h.#heartbeat(), h.#announced.heartbeatMs);
    return h;
  }

  /** The lobby id on the master (changes only when a master did not know it and it was announced again). */
  get lobbyId(): string {
    return this.#announced.lobbyId;
  }

  /** The master this host is bound to now. */
  get master(): string {
    return this.#pool.current;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#beat);
    clearTimeout(this.#retry);
    this.#signal?.close();
  }

  async #bind(): Promise<void> {
    const sig = await MasterSignal.open(this.#pool.current);
    try {
      await sig.host(this.#announced, (peerId) => this.#o.onPeer(sig, peerId));
    } catch (err) {
      sig.close();
      throw err;
    }
    this.#signal = sig;
    sig.onClose(() => {
      if (this.#signal !== sig) return;
      this.#signal = undefined;
      this.#o.log.warn({ event: 'nat.master.lost', master: this.#pool.current }, 'lost the coop-master signalling socket; binding again');
      this.#rebind();
    });
  }

  /** Binds on the current master, else on the next ones in turn; one run at a time. */
  #rebind(): void {
    if (this.#closed || this.#binding) return;
    this.#binding = (async () => {
      for (let i = 0; i < this.#pool.urls.length && !this.#closed; i++) {
        try {
          await this.#bind();
          this.#o.log.info({ event: 'nat.master.bound', master: this.#pool.current, lobbySession: this.lobbyId }, 'bound to coop-master');
          return;
        } catch (err) {
          if ((err as Error).message.includes('unknown_session')) {
            // This master's lobby does not know us: announce here (a new lobby id).
            try {
              this.#announced = await announceLobby(this.#pool.current, this.#o.body());
              await this.#bind();
              this.#o.log.warn(
                { event: 'nat.reannounced', master: this.#pool.current, lobbySession: this.lobbyId },
                'announced again on coop-master under a new lobby id',
              );
              return;
            } catch {
              /* try the next master */
            }
          }
          this.#pool.advance();
        }
      }
      if (!this.#closed) this.#retry = setTimeout(() => this.#rebind(), NAT_REBIND_RETRY_MS);
    })().finally(() => {
      this.#binding = undefined;
    });
  }

  #heartbeat(): void {
    heartbeatLobby(this.#pool.current, this.#announced, this.#o.players())
      .catch(async (err: Error) => {
        if (this.#closed) return;
        this.#o.log.warn({ event: 'nat.heartbeat.fail', master: this.#pool.current, error: err.message }, 'coop-master heartbeat failed');
        if (err instanceof MasterError && err.status === 404) {
          // The master forgot the session (restarted without its state, or Redis lost it).
          this.#announced = await announceLobby(this.#pool.current, this.#o.body());
          this.#o.log.warn(
            { event: 'nat.reannounced', master: this.#pool.current, lobbySession: this.lobbyId },
            'announced again on coop-master under a new lobby id',
          );
          this.#signal?.close(); // its close handler binds the new id
          return;
        }
        // Unreachable or failing: move on, the socket follows.
        this.#pool.advance();
        this.#signal?.close();
        if (!this.#signal) this.#rebind();
      })
      .catch((err: Error) => this.#o.log.warn({ event: 'nat.reannounce.fail', error: err.message }, 'could not announce again'));
    if (!this.#signal) this.#rebind();
  }
}
