// Signalling between coop-master instances over Redis pub/sub: each instance listens on its own
// channel; the session hash records which instance holds the host's socket. Messages from the
// channel are still parsed and bounded (a misconfigured neighbour on the same Redis is hostile
// input too): anything malformed is counted and dropped.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { MASTER_MAX_WS_MESSAGE_BYTES } from '../constants.js';
import { SignalData } from '../../protocol/master-wire.js';
import type { RelayMessage, SignalBus, TouchResult } from './types.js';
import { hashToken } from './memory-store.js';
import { BIND_HOST_LUA, RELEASE_HOST_LUA, keys as keysOf } from './redis-scripts.js';

const id = z.string().min(4).max(64);
const RelaySchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('join'), sid: id, peer: id, from: id }),
  z.object({ k: z.literal('joined'), peer: id }),
  z.object({ k: z.literal('refused'), peer: id, code: z.enum(['unknown_session', 'session_full']) }),
  z.object({ k: z.literal('sig'), sid: id, peer: id, toHost: z.boolean(), data: SignalData }),
  z.object({ k: z.literal('left'), sid: id, peer: id }),
  z.object({ k: z.literal('gone'), peer: id }),
]);

type Script = (...args: (string | number)[]) => Promise<unknown>;

export class RedisBus implements SignalBus {
  readonly #cmd: Redis;
  readonly #keys: ReturnType<typeof keysOf>;
  #handler: ((m: RelayMessage) => void) | undefined;
  /** Relay messages dropped: malformed, oversized, or not sent because Redis was away. */
  dropped = 0;

  constructor(
    readonly instanceId: string,
    cmd: Redis,
    prefix: string,
  ) {
    this.#cmd = cmd;
    this.#keys = keysOf(prefix);
    cmd.defineCommand('coopBindHost', { numberOfKeys: 1, lua: BIND_HOST_LUA });
    cmd.defineCommand('coopReleaseHost', { numberOfKeys: 1, lua: RELEASE_HOST_LUA });
  }

  /** The channel the store's subscriber must listen on for this instance. */
  get channel(): string {
    return this.#keys.signal(this.instanceId);
  }

  async bindHost(sessionId: string, hostToken: string): Promise<TouchResult> {
    const r = await this.#script('coopBindHost')(this.#keys.session(sessionId), hashToken(hostToken), this.instanceId);
    return r as TouchResult;
  }

  async releaseHost(sessionId: string): Promise<void> {
    await this.#script('coopReleaseHost')(this.#keys.session(sessionId), this.instanceId).catch(() => undefined);
  }

  async hostOf(sessionId: string): Promise<string | undefined> {
    return (await this.#cmd.hget(this.#keys.session(sessionId), 'inst')) ?? undefined;
  }

  send(instanceId: string, m: RelayMessage): void {
    this.#cmd.publish(this.#keys.signal(instanceId), JSON.stringify(m)).catch(() => {
      this.dropped++;
    });
  }

  onMessage(handler: (m: RelayMessage) => void): void {
    this.#handler = handler;
  }

  /** Called by the store's subscriber with each message of this instance's channel. */
  deliver(text: string): void {
    if (text.length > 2 * MASTER_MAX_WS_MESSAGE_BYTES) {
      this.dropped++;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.dropped++;
      return;
    }
    const m = RelaySchema.safeParse(json);
    if (!m.success) {
      this.dropped++;
      return;
    }
    this.#handler?.(m.data);
  }

  #script(name: string): Script {
    return (this.#cmd as unknown as Record<string, Script>)[name].bind(this.#cmd);
  }
}
