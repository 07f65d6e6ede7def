// The datagram being built for one peer (ENet keeps these fields on the host), written straight
// into a slab shared by every datagram the host sends: a datagram handed to the transport is a
// view the transport may keep (SimNetwork delays it, node:dgram may queue it), so its bytes are
// never written again; the rest of the slab serves the next datagrams, and a full slab is
// replaced by a new one. One allocation per slab instead of one buffer per datagram.
import { HOST_DATAGRAM_ALIGN_BYTES, HOST_DATAGRAM_SLAB_BYTES } from './constants.js';
import { CHECKSUM_SIZE, HEADER_SIZE } from './protocol.js';

/** Room before the first command for the largest header (sent time and checksum). */
export const HEADER_RESERVE = HEADER_SIZE + CHECKSUM_SIZE;

export class DatagramBuilder {
  /** The datagram being built: header room, then commands from `HEADER_RESERVE` on. */
  buffer: Uint8Array;
  /** Write position in `buffer` (commands start at HEADER_RESERVE). */
  offset = HEADER_RESERVE;
  headerFlags = 0;
  commandCount = 0;
  bufferCount = 1;
  /** ENet's packetSize: the full header plus every command and payload so far. */
  packetSize = HEADER_SIZE;
  continueSending = false;
  readonly #slabBytes: number;
  #slab: ArrayBuffer;
  /** Bytes of `#slab` handed over so far (never written again). */
  #slabUsed = 0;
  /** Set once `buffer` went to the transport: the next datagram takes fresh slab bytes. */
  #handedOver = true;

  constructor(slabBytes = HOST_DATAGRAM_SLAB_BYTES) {
    this.#slabBytes = slabBytes;
    this.#slab = new ArrayBuffer(slabBytes);
    this.buffer = new Uint8Array(this.#slab, 0, 0);
  }

  /** Start a datagram for a link of `mtu` bytes. */
  begin(mtu: number): void {
    const size = HEADER_RESERVE + mtu + CHECKSUM_SIZE;
    if (this.#handedOver || this.buffer.length < size) {
      if (this.#slabUsed + size > this.#slab.byteLength) {
        this.#slab = new ArrayBuffer(Math.max(this.#slabBytes, size));
        this.#slabUsed = 0;
      }
      this.buffer = new Uint8Array(this.#slab, this.#slabUsed, size);
      this.#handedOver = false;
    }
    this.offset = HEADER_RESERVE;
    this.headerFlags = 0;
    this.commandCount = 0;
    this.bufferCount = 1;
    this.packetSize = HEADER_SIZE;
  }

  /** The finished datagram `buffer[start, end)`, now the transport's: its bytes are not reused. */
  handOver(start: number, end: number): Uint8Array {
    const at = this.buffer.byteOffset;
    this.#handedOver = true;
    this.#slabUsed = Math.ceil((at + end) / HOST_DATAGRAM_ALIGN_BYTES) * HOST_DATAGRAM_ALIGN_BYTES;
    return new Uint8Array(this.#slab, at + start, end - start);
  }
}
