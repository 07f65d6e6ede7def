// Reading a connected UDP socket on demand: recv(2) with MSG_DONTWAIT (Linux's libc through
// koffi) takes whatever datagrams wait in the socket's OS buffer, at once and in the caller's
// turn. With dgram's own reading stopped, datagrams then wake nobody: a sidecar reads them on the
// game's frames, which wake it anyway (src/sidecar/receive-gate.ts). Where this is not at hand
// (not Linux, no glibc, Node's socket hides its descriptor) openSocketReader says why and the
// caller keeps dgram's reading.
import type { Socket } from 'node:dgram';
import { loadLibc, socketFd } from './udp-native.js';

type Recv = (fd: number, buf: Uint8Array, len: number, flags: number) => number | bigint;

/** Linux's MSG_DONTWAIT: return at once when nothing waits. */
const MSG_DONTWAIT = 0x40;
/** The largest UDP payload (as dgram reads them): a longer one cannot exist. */
export const SOCKET_READER_BUFFER_BYTES = 65_536;
/** Datagrams taken per readWaiting() call, so a flood cannot hold the caller's turn. */
export const SOCKET_READER_MAX_PER_CALL = 256;

let libc: { recv: Recv } | string | null = null;

/** libc's recv, or why there is none here. */
async function loadRecv(): Promise<{ recv: Recv } | string> {
  if (libc !== null) return libc;
  const lib = await loadLibc('reading on demand');
  libc = typeof lib === 'string' ? lib : { recv: lib.func('intptr_t recv(int fd, void *buf, size_t len, int flags)') as Recv };
  return libc;
}

export class SocketReader {
  readonly #recv: Recv;
  readonly #fd: number;
  /** One buffer for every read: each datagram is copied out of it for the handler. */
  readonly #buf = new Uint8Array(SOCKET_READER_BUFFER_BYTES);

  constructor(recv: Recv, fd: number) {
    this.#recv = recv;
    this.#fd = fd;
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

/** A reader for this bound, connected socket, or the reason there is none. */
export async function openSocketReader(socket: Socket): Promise<SocketReader | string> {
  const lib = await loadRecv();
  if (typeof lib === 'string') return lib;
  const fd = socketFd(socket);
  if (fd < 0) return "Node's socket does not show its descriptor";
  return new SocketReader(lib.recv, fd);
}
