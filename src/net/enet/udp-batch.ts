// Many IPv4 datagrams in one sendmmsg(2) (Linux's libc through koffi), for a UDP socket that
// sends a burst at once: a server tick sends one datagram to each of its players. Node's dgram
// costs a JavaScript round of its own per datagram (≈ 1.4 ms for 272 datagrams here, against
// ≈ 1.0 ms for the same bytes in one sendmmsg: bench:server). The messages live in one native
// slab laid out once (koffi knows the ABI's struct layout): per datagram only its bytes, its
// length and its address are written. Where any of this is missing (not Linux, no glibc, not an
// IPv4 socket, Node's socket hides its descriptor) openSendBatch says why and the caller keeps
// dgram, which sends the same bytes.
import type { Socket } from 'node:dgram';
import { loadKoffi, loadLibc, socketFd, type Koffi } from './udp-native.js';

/** koffi, set by the first batch asked for (udp-native.ts loads it on first use). */
let koffi: Koffi;

/** Datagrams gathered before a send must go out. */
export const SEND_BATCH_MAX_DATAGRAMS = 1024;
/** Bytes of datagrams gathered before a send must go out. */
export const SEND_BATCH_DATA_BYTES = 1 << 20;
const AF_INET = 2;
const TWO_32 = 2 ** 32;

export interface Sendmmsg {
  (fd: number, msgvec: unknown, vlen: number, flags: number): number;
}

let libc: { sendmmsg: Sendmmsg } | string | null = null;

/** libc's sendmmsg, or why there is none here. */
async function loadSendmmsg(): Promise<{ sendmmsg: Sendmmsg } | string> {
  if (libc !== null) return libc;
  const lib = await loadLibc('sendmmsg');
  libc = typeof lib === 'string' ? lib : { sendmmsg: lib.func('int sendmmsg(int fd, void *msgvec, unsigned int vlen, int flags)') as Sendmmsg };
  return libc;
}

/** An IPv4 literal as a 32-bit number, or -1. */
export function ipv4Number(a: string): number {
  let v = 0,
    part = 0,
    digits = 0,
    dots = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      part = part * 10 + c;
      if (++digits > 3 || part > 255) return -1;
    } else if (c === -2 && digits > 0 && dots < 3) {
      v = v * 256 + part;
      part = digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? v * 256 + part : -1;
}

/** The ABI's sizes and offsets of the structs sendmmsg reads (koffi computes them). */
interface Layout {
  mm: number;
  iov: number;
  sa: number;
  name: number;
  namelen: number;
  iovPtr: number;
  iovlen: number;
  family: number;
}
let layout: Layout | null = null;
function abiLayout(): Layout {
  if (layout !== null) return layout;
  const iovec = koffi.struct({ base: 'void *', len: 'size_t' });
  const sockaddrIn = koffi.struct({ family: 'uint16', port: 'uint16', addr: 'uint32', zero: koffi.array('uint8', 8) });
  const msghdr = koffi.struct({ name: 'void *', namelen: 'uint32', iov: 'void *', iovlen: 'size_t', control: 'void *', controllen: 'size_t', flags: 'int' });
  const mmsghdr = koffi.struct({ hdr: msghdr, len: 'uint32' });
  const hdr = koffi.offsetof(mmsghdr, 'hdr');
  return (layout = {
    mm: koffi.sizeof(mmsghdr),
    iov: koffi.sizeof(iovec),
    sa: koffi.sizeof(sockaddrIn),
    name: hdr + koffi.offsetof(msghdr, 'name'),
    namelen: hdr + koffi.offsetof(msghdr, 'namelen'),
    iovPtr: hdr + koffi.offsetof(msghdr, 'iov'),
    iovlen: hdr + koffi.offsetof(msghdr, 'iovlen'),
    family: koffi.offsetof(sockaddrIn, 'family'),
  });
}

export type UnsentDatagram = (data: Uint8Array, ip: number, port: number) => void;

export class SendBatch {
  readonly #sendmmsg: Sendmmsg;
  readonly #fd: number;
  readonly #ptr: unknown;
  readonly #u8: Uint8Array;
  readonly #dv: DataView;
  readonly #L: Layout;
  readonly #offIov: number;
  readonly #offSa: number;
  readonly #offData: number;
  /** The slab's address as two 32-bit halves (iovec pointers are written as halves). */
  readonly #baseLo: number;
  readonly #baseHi: number;
  /** Per queued datagram: where its bytes are, how many, and its address (for the unsent). */
  readonly #dataOff: Uint32Array;
  readonly #len: Uint32Array;
  readonly #ip: Uint32Array;
  readonly #port: Uint16Array;
  readonly #maxDatagrams: number;
  readonly #dataBytes: number;
  #count = 0;
  #dataUsed = 0;
  #closed = false;

  /** Use createSendBatch (it loads koffi first). */
  constructor(sendmmsg: Sendmmsg, fd: number, maxDatagrams = SEND_BATCH_MAX_DATAGRAMS, dataBytes = SEND_BATCH_DATA_BYTES) {
    this.#sendmmsg = sendmmsg;
    this.#fd = fd;
    const L = (this.#L = abiLayout());
    const n = (this.#maxDatagrams = maxDatagrams);
    this.#dataBytes = dataBytes;
    this.#dataOff = new Uint32Array(n);
    this.#len = new Uint32Array(n);
    this.#ip = new Uint32Array(n);
    this.#port = new Uint16Array(n);
    this.#offIov = n * L.mm;
    this.#offSa = this.#offIov + n * L.iov;
    this.#offData = this.#offSa + n * L.sa;
    const total = this.#offData + dataBytes;
    this.#ptr = koffi.alloc('uint8', total);
    const ab = koffi.view(this.#ptr, total);
    this.#u8 = new Uint8Array(ab);
    this.#dv = new DataView(ab);
    this.#u8.fill(0);
    const base = koffi.address(this.#ptr) as bigint;
    this.#baseLo = Number(base & 0xffffffffn);
    this.#baseHi = Number(base >> 32n);
    // Each message names its own sockaddr and iovec, laid out once.
    const dv = this.#dv;
    for (let i = 0; i < n; i++) {
      const m = i * L.mm;
      dv.setBigUint64(m + L.name, base + BigInt(this.#offSa + i * L.sa), true);
      dv.setUint32(m + L.namelen, L.sa, true);
      dv.setBigUint64(m + L.iovPtr, base + BigInt(this.#offIov + i * L.iov), true);
      dv.setUint32(m + L.iovlen, 1, true);
      dv.setUint16(this.#offSa + i * L.sa + L.family, AF_INET, true);
    }
  }

  get count(): number {
    return this.#count;
  }

  /** Queues one datagram to an IPv4 address (as ipv4Number gives it); false when it does not fit. */
  add(data: Uint8Array, ip: number, port: number): boolean {
    if (this.#closed || this.#count >= this.#maxDatagrams || this.#dataUsed + data.length > this.#dataBytes) return false;
    const i = this.#count++;
    const off = this.#offData + this.#dataUsed;
    this.#u8.set(data, off);
    this.#dataUsed += data.length;
    this.#dataOff[i] = off;
    this.#len[i] = data.length;
    this.#ip[i] = ip;
    this.#port[i] = port;
    // iov_base = slab + off (two 32-bit halves, carrying), iov_len = the length (its high half stays 0).
    const dv = this.#dv,
      iov = this.#offIov + i * this.#L.iov,
      lo = this.#baseLo + off;
    dv.setUint32(iov, lo % TWO_32, true);
    dv.setUint32(iov + 4, this.#baseHi + Math.floor(lo / TWO_32), true);
    dv.setUint32(iov + 8, data.length, true);
    const sa = this.#offSa + i * this.#L.sa;
    dv.setUint16(sa + 2, port, false);
    dv.setUint32(sa + 4, ip, false);
    return true;
  }

  /**
   * Sends the queued datagrams in one call; those the kernel did not take (a full socket buffer,
   * an error at one of them) go to `unsent` as copies, in order, for the caller's ordinary send.
   * Returns how many the kernel took.
   */
  send(unsent: UnsentDatagram): number {
    const n = this.#count;
    if (n === 0) return 0;
    this.#count = 0;
    this.#dataUsed = 0;
    const took = this.#closed ? 0 : Math.max(0, this.#sendmmsg(this.#fd, this.#ptr, n, 0));
    for (let i = took; i < n; i++) unsent(this.#u8.slice(this.#dataOff[i], this.#dataOff[i] + this.#len[i]), this.#ip[i], this.#port[i]);
    return took;
  }

  /** Frees the slab (queued datagrams are dropped). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#count = 0;
    koffi.free(this.#ptr);
  }
}

/** A batch over `fd` with this `sendmmsg` (libc's, or a test's); the limits default to the SEND_BATCH_ ones. */
export async function createSendBatch(sendmmsg: Sendmmsg, fd: number, maxDatagrams?: number, dataBytes?: number): Promise<SendBatch> {
  koffi = await loadKoffi();
  return new SendBatch(sendmmsg, fd, maxDatagrams, dataBytes);
}

/** A batch for this bound socket, or the reason there is none (the caller keeps dgram). */
export async function openSendBatch(socket: Socket): Promise<SendBatch | string> {
  const lib = await loadSendmmsg();
  if (typeof lib === 'string') return lib;
  if (socket.address().family !== 'IPv4') return 'batched sends are for IPv4 sockets';
  const fd = socketFd(socket);
  if (fd < 0) return "Node's socket does not show its descriptor";
  return createSendBatch(lib.sendmmsg, fd);
}
