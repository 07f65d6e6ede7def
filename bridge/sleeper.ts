// How the reader sleeps between bursts without blocking the event loop. Two ways, same contract:
// - PipeSleeper (Linux default): the event loop itself polls the ring's wake pipe (a FIFO the
//   writer's coop_wake writes a byte to): one thread hop per wake. The bytes are read into one
//   reused buffer (net.Socket's `onread`), past the stream machinery: no Buffer, no 'data'
//   event per wake.
// - FutexSleeper: a futex wait on libuv's pool through koffi `.async`, in finite slices: two
//   hops per wake (pool thread, then the loop), and it holds a pool thread while asleep. On
//   Windows (no wake pipe) this is the sleeper, and coop_wait waits on the ring's named event.
// Either way a lost wake costs at most one slice: the bridge re-checks the ring on every
// heartbeat tick too.
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import type { NativeShim, RegionHandle } from './native.js';

export interface Sleeper {
  readonly kind: 'pipe' | 'futex';
  /** Sleeps until woken (onWake is called once), having seen wake word `seq`. */
  sleep(seq: number, onWake: () => void): void;
  /** Ends a sleep early (onWake is not called); onSettled runs once no native wait is pending
   * any more (at once, or when the woken wait returns): only then may the region be unmapped. */
  cancel(onSettled: () => void): void;
  readonly sleeping: boolean;
  close(): void;
}

/** The wake bytes of one read (a writer writes one per wake; a few may pile up). */
const WAKE_READ_BYTES = 64;

export class PipeSleeper implements Sleeper {
  readonly kind = 'pipe';
  #sock: Socket;
  #onWake: (() => void) | undefined;

  constructor(fd: number) {
    // `onread` is honoured by the constructor too (Node ≥ 12), though typed only for connect()
    const opts: SocketConstructorOpts & { onread: OnReadOpts } = {
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer: Buffer.alloc(WAKE_READ_BYTES),
        callback: () => {
          this.#fire();
          return true;
        },
      },
    };
    this.#sock = new Socket(opts);
    this.#sock.on('error', () => this.#fire());
  }

  get sleeping(): boolean {
    return this.#onWake !== undefined;
  }

  sleep(_seq: number, onWake: () => void): void {
    this.#onWake = onWake;
  }

  /** Heartbeat-tick fallback: wake if data is waiting but no byte came. */
  poke(): void {
    this.#fire();
  }

  #fire(): void {
    const cb = this.#onWake;
    this.#onWake = undefined;
    cb?.();
  }

  cancel(onSettled: () => void): void {
    this.#onWake = undefined;
    onSettled();
  }

  close(): void {
    this.#onWake = undefined;
    this.#sock.destroy();
  }
}

export class FutexSleeper implements Sleeper {
  readonly kind = 'futex';
  #pending = false;
  #onWake: (() => void) | undefined;
  #onSettled: (() => void) | undefined;

  constructor(
    private readonly native: NativeShim,
    private readonly handle: RegionHandle,
    private readonly ring: number,
    private readonly sliceMs: number,
  ) {}

  get sleeping(): boolean {
    return this.#pending;
  }

  sleep(seq: number, onWake: () => void): void {
    this.#pending = true;
    this.#onWake = onWake;
    this.native.waitAsync(this.handle, this.ring, seq, this.sliceMs, () => {
      this.#pending = false;
      const settled = this.#onSettled;
      const cb = this.#onWake;
      this.#onWake = this.#onSettled = undefined;
      if (settled) settled();
      else cb?.();
    });
  }

  cancel(onSettled: () => void): void {
    this.#onWake = undefined;
    if (!this.#pending) return onSettled();
    this.#onSettled = onSettled;
    this.native.wake(this.handle, this.ring); // the pending wait returns now
  }

  close(): void {
    this.#onWake = undefined;
  }
}

/** The reader's sleeper for `ring`: the wake pipe when asked for and the shim has one (Linux),
 * otherwise the futex (Windows: the ring's event) wait in slices of `sliceMs`. */
export function createSleeper(native: NativeShim, handle: RegionHandle, ring: number, wake: 'pipe' | 'futex' | undefined, sliceMs: number): Sleeper {
  const fd = wake === 'futex' ? -1 : native.wakeFd(handle, ring);
  return fd >= 0 ? new PipeSleeper(fd) : new FutexSleeper(native, handle, ring, sliceMs);
}
