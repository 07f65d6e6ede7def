// What the UDP transport reaches below node:dgram, in one place: the libuv handle dgram keeps in
// its internal state (no public API: its descriptor for sendmmsg and recv, its recvStop/recvStart
// to pause reading) and Linux's libc through koffi, loaded on first use, so a plain UDP user of
// ENet never loads koffi. Callers say why they fall back when either is missing.
import type { Socket } from 'node:dgram';
import type KoffiModule from 'koffi';

export type Koffi = typeof KoffiModule;
export type LibraryHandle = ReturnType<Koffi['load']>;

/** The libuv handle of a dgram socket, as far as this project uses it. */
export interface DgramHandle {
  fd?: unknown;
  recvStart?: unknown;
  recvStop?: unknown;
}

/** The socket's libuv handle: dgram keeps it in its state, under a symbol described
 * 'state symbol' (Node 12–22); undefined where this Node's dgram keeps it elsewhere. */
export function dgramHandle(socket: Socket): DgramHandle | undefined {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  return sym === undefined ? undefined : (socket as unknown as Record<symbol, { handle?: DgramHandle } | undefined>)[sym]?.handle;
}

/** The socket's file descriptor, or -1. */
export function socketFd(socket: Socket): number {
  const fd = dgramHandle(socket)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

let koffi: Koffi | undefined;

export async function loadKoffi(): Promise<Koffi> {
  koffi ??= ((await import('koffi')) as { default: Koffi }).default;
  return koffi;
}

let libc: LibraryHandle | string | null = null;

/** Linux's glibc through koffi, or why there is none here (`what`: the caller's use, for the reason). */
export async function loadLibc(what: string): Promise<LibraryHandle | string> {
  if (libc === null) {
    if (process.platform !== 'linux') return `${what} uses Linux's libc (this is ${process.platform})`;
    try {
      libc = (await loadKoffi()).load('libc.so.6');
    } catch (err) {
      libc = `no glibc: ${(err as Error).message}`;
    }
  }
  return typeof libc === 'string' ? `${what}: ${libc}` : libc;
}
