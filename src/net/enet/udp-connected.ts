// A connected UDP socket (a sidecar's, to its one server) read and written through Linux's libc
// (koffi), beside node:dgram:
// - Reading on demand: recv(2) with MSG_DONTWAIT takes whatever datagrams wait in the socket's OS
//   buffer, at once and in the caller's turn. With dgram's own reading stopped, datagrams then
//   wake nobody: a sidecar reads them on the game's frames or its paced ticks, which wake it
//   anyway (src/sidecar/receive-gate.ts).
// - Sending: send(2) with MSG_DONTWAIT, one call, where dgram's send runs a JavaScript round of
//   its own per datagram (an address lookup path, a send wrap, async hooks: ≈ a fifth of a paced
//   sidecar's JavaScript time). A send the kernel does not take at once (a full buffer, an error
//   the socket reported) goes through dgram instead, which queues it or reports as before.
// Where this is not at hand (not Linux, no glibc, Node's socket hides its descriptor)
// openConnectedSocket says why and the caller keeps dgram.
import type { Socket } from 'node:dgram';
import { loadLibc, socketFd } from './udp-native.js';

type Recv = (fd: number, buf: Uint8Array, len: number, flags: number) => number | bigint;
type Send = (fd: number, buf: Uint8Array, len: number, flags: number) => number | bigint;

/** Linux's MSG_DONTWAIT: return at once when nothing waits. */
const MSG_DONTWAIT = 0x40;
/** The largest UDP payload (as dgram reads them): a longer one cannot exist. */
export const SOCKET_READER_BUFFER_BYTES = 65_536;
/** Datagrams taken per readWaiting() call, so a flood cannot hold the caller's turn. */
export const SOCKET_READER_MAX_PER_CALL = 256;

interface Libc {
  recv: Recv;
  send: Send;
}
let libc: Libc | string | null = null;

/** libc's recv and send, or why there are none here. */
async function loadCalls(): Promise<Libc | string> {
  if (libc !== null) return libc;
  const lib = await loadLibc('reading on demand');
  libc =
    typeof lib === 'string'
      ? lib
      : {
          recv: lib.func('intptr_t recv(int fd, void *buf, size_t len, int flags)') as Recv,
          send: lib.func('intptr_t send(int fd, const void *buf, size_t len, int flags)') as Send,
        };
  return libc;
}

export class ConnectedSocket {
  readonly #recv: Recv;
  readonly #send: Send;
  readonly #fd: number;
  /** One buffer for every read: each datagram is copied out of it for the handler. */
  readonly #buf = new Uint8Array(SOCKET_READER_BUFFER_BYTES);
  /** Sends the kernel did not take at once (left to dgram). */
  sendsDeferred = 0;

  constructor(calls: Libc, fd: number) {
    this.#recv = calls.recv;
    this.#send = calls.send;
    this.#fd = fd;
  }

  /** The socket's descriptor (for a reader in another thread: the sidecar's native path). */
  get fd(): number {
    return this.#fd;
  }

  /** Sends one datagram to the connected peer now; false when the kernel did not take it whole
   * (the caller sends it through dgram instead). */
  send(data: Uint8Array): boolean {
    if (Number(this.#send(this.#fd, data, data.length, MSG_DONTWAIT)) === data.length) return true;
    this.sendsDeferred++;
    return false;
  }

  /** Hands each waiting datagram (a copy) to `onDatagram`; returns how many. A failed recv (nothing
   * waits, or an error the socket reported, e.g. ICMP port unreachable) ends the pass. */
  readWaiting(onDatagram: (data: Uint8Array) => void): number {
    let n = 0;
    while (n < SOCKET_READER_MAX_PER_CALL) {
      const len = Number(this.#recv(this.#fd, this.#buf, this.#buf.length, MSG_DONTWAIT));
      if (len < 0) break;
      n++;
      onDatagram(this.#buf.slice(0, len));
    }
    return n;
  }
}

/** libc's view of this bound, connected socket, or the reason there is none. */
export async function openConnectedSocket(socket: Socket): Promise<ConnectedSocket | string> {
  const lib = await loadCalls();
  if (typeof lib === 'string') return lib;
  const fd = socketFd(socket);
  if (fd < 0) return "Node's socket does not show its descriptor";
  return new ConnectedSocket(lib, fd);
}
