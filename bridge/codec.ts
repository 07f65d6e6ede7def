// Cursor types the generated codecs (bridge/generated/codecs.ts) read and write with.
// Little-endian, packed. The reader never reads past `end`: any short read clears `ok` and
// returns a zero value, so a hostile frame decodes to "malformed", never to an exception.

/** Upper bound on any array's item count, whatever its length prefix claims. */
export const CODEC_ARRAY_MAX_ITEMS = 1 << 20;

export class FrameWriter {
  readonly dv: DataView;
  readonly buf: Buffer;
  pos = 0;

  constructor(ab: ArrayBuffer, offset = 0, length = ab.byteLength - offset) {
    this.dv = new DataView(ab, offset, length);
    this.buf = Buffer.from(ab, offset, length);
  }

  u8(v: number): void {
    this.dv.setUint8(this.pos, v);
    this.pos += 1;
  }
  u16(v: number): void {
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  i32(v: number): void {
    this.dv.setInt32(this.pos, v, true);
    this.pos += 4;
  }
  f32(v: number): void {
    this.dv.setFloat32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.dv.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  bool(v: boolean): void {
    this.dv.setUint8(this.pos, v ? 1 : 0);
    this.pos += 1;
  }
  /** The caller reserved strBytes(v) bytes for it. */
  str(v: string): void {
    const n = v.length === 0 ? 0 : this.buf.write(v, this.pos + 4, 'utf8');
    this.dv.setUint32(this.pos, n, true);
    this.pos += 4 + n;
  }
  bytes(v: Uint8Array): void {
    this.dv.setUint32(this.pos, v.byteLength, true);
    this.buf.set(v, this.pos + 4);
    this.pos += 4 + v.byteLength;
  }
}

/** Encoded size of a string field (u32 length + UTF-8). */
export function strBytes(v: string): number {
  return 4 + Buffer.byteLength(v, 'utf8');
}

export class FrameReader {
  readonly dv: DataView;
  readonly buf: Buffer;
  pos = 0;
  end = 0;
  ok = true;

  constructor(ab: ArrayBuffer, offset = 0, length = ab.byteLength - offset) {
    this.dv = new DataView(ab, offset, length);
    this.buf = Buffer.from(ab, offset, length);
  }

  /** Points the cursor at [pos, end) of the underlying buffer. */
  reset(pos: number, end: number): void {
    this.pos = pos;
    this.end = Math.min(end, this.dv.byteLength);
    this.ok = pos <= this.end;
  }

  /** Claims n bytes at the cursor; their offset, or -1 (and ok = false) when short. */
  take(n: number): number {
    const at = this.pos;
    if (!this.ok || at + n > this.end) {
      this.ok = false;
      return -1;
    }
    this.pos = at + n;
    return at;
  }
  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.dv.getUint8(at);
  }
  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.dv.getUint16(at, true);
  }
  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.dv.getUint32(at, true);
  }
  i32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.dv.getInt32(at, true);
  }
  f32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.dv.getFloat32(at, true);
  }
  f64(): number {
    const at = this.take(8);
    return at < 0 ? 0 : this.dv.getFloat64(at, true);
  }
  /** A bool byte at a known offset (fixed-size fast path): only 0 and 1 are valid. */
  boolAt(at: number): boolean {
    const b = this.dv.getUint8(at);
    if (b > 1) this.ok = false;
    return b === 1;
  }
  bool(): boolean {
    const at = this.take(1);
    if (at < 0) return false;
    const b = this.dv.getUint8(at);
    if (b > 1) this.ok = false; // only 0 and 1 re-encode byte-exact
    return b === 1;
  }
  str(): string {
    const n = this.u32();
    const at = this.take(n);
    if (at < 0) return '';
    const s = this.buf.toString('utf8', at, at + n);
    // Invalid UTF-8 decodes to U+FFFD and would not re-encode to the same bytes: reject it.
    if (s.includes('\ufffd') && !Buffer.from(s, 'utf8').equals(this.buf.subarray(at, at + n))) this.ok = false;
    return s;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.take(n);
    if (at < 0) return new Uint8Array(0);
    return new Uint8Array(this.buf.subarray(at, at + n));
  }
  /** An array's item count, refused when the remaining bytes cannot hold that many items. */
  count(minItemBytes: number): number {
    const n = this.u32();
    if (!this.ok) return 0;
    if (n > CODEC_ARRAY_MAX_ITEMS || n * minItemBytes > this.end - this.pos) {
      this.ok = false;
      return 0;
    }
    return n;
  }
}
