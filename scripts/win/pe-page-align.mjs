// Re-lays a Windows executable (PE32+) out so that every section's bytes start on a 4 KiB file
// boundary, for the sidecar's node.exe. Why: node.exe is linked with 512-byte file alignment;
// wine (so Proton, so a Steam Deck) cannot map such sections from the file and copies all of
// them, ≈ 70 MB, into anonymous memory at start (bench:sidecar:win: 128 MB RSS, 108 MB of it
// anonymous). Page-aligned, wine maps them from the file: pages touched stay file-backed (the
// kernel can drop them under pressure) and the rest is never read. Windows loads either layout
// the same way. Only the layout changes: the headers, each section's bytes and the debug
// directory's file offsets; the Authenticode signature (whose hash covers the old layout) is
// dropped, and the header checksum (not checked for programs) is cleared. docs/windows.md.

/** The page size the sections are aligned to in the file (wine's mapping unit). */
export const PE_PAGE_BYTES = 0x1000;
const PE_SIGNATURE = 0x00004550; // "PE\0\0"
const PE32_PLUS_MAGIC = 0x20b;
const SECTION_HEADER_BYTES = 40;
const DEBUG_ENTRY_BYTES = 28;
const DIR_SECURITY = 4;
const DIR_DEBUG = 6;

/** The offsets of a PE32+ image's headers; throws a clear error on anything else. */
function headersOf(b) {
  const at = (what, off, bytes) => {
    if (off < 0 || off + bytes > b.length) throw new Error(`not a PE image: ${what} is past the end (${b.length} bytes)`);
    return off;
  };
  if (b.length < 0x40 || b.readUInt16LE(0) !== 0x5a4d) throw new Error('not a PE image: no MZ header');
  const pe = b.readUInt32LE(0x3c);
  if (b.readUInt32LE(at('PE signature', pe, 4)) !== PE_SIGNATURE) throw new Error('not a PE image: no PE signature');
  const coff = pe + 4;
  const sections = b.readUInt16LE(at('COFF header', coff, 20) + 2);
  const optional = coff + 20;
  const optionalBytes = b.readUInt16LE(coff + 16);
  if (b.readUInt16LE(at('optional header', optional, 112)) !== PE32_PLUS_MAGIC) throw new Error('not a PE32+ (64-bit) image');
  const dirs = optional + 112;
  const dirCount = b.readUInt32LE(optional + 108);
  const table = optional + optionalBytes;
  at('section table', table, sections * SECTION_HEADER_BYTES);
  return { optional, dirs, dirCount, table, sections };
}

/** The image's file alignment (its optional header's FileAlignment). */
export function peFileAlignment(b) {
  return b.readUInt32LE(headersOf(b).optional + 36);
}

const up = (n) => Math.ceil(n / PE_PAGE_BYTES) * PE_PAGE_BYTES;

/** A copy of image `b` (a Buffer) with every section's raw data on a PE_PAGE_BYTES boundary. */
export function pageAlignPe(b) {
  const h = headersOf(b);
  const o = h.optional;
  const headerBytes = b.readUInt32LE(o + 60);
  let size = up(headerBytes);
  const moves = [];
  const placed = [];
  for (let i = 0; i < h.sections; i++) {
    const s = h.table + i * SECTION_HEADER_BYTES;
    const rawBytes = b.readUInt32LE(s + 16);
    const rawAt = b.readUInt32LE(s + 20);
    if (rawBytes === 0) continue;
    if (rawAt + rawBytes > b.length) throw new Error(`section ${i} runs past the end of the file`);
    moves.push({ from: rawAt, to: rawAt + rawBytes, at: size });
    placed.push({ header: s, at: size, bytes: up(rawBytes), data: b.subarray(rawAt, rawAt + rawBytes) });
    size += up(rawBytes);
  }
  const out = Buffer.alloc(size);
  b.copy(out, 0, 0, headerBytes);
  for (const p of placed) {
    p.data.copy(out, p.at);
    out.writeUInt32LE(p.bytes, p.header + 16);
    out.writeUInt32LE(p.at, p.header + 20);
  }
  // the debug directory's entries name their data by file offset too
  if (h.dirCount > DIR_DEBUG) {
    const rva = out.readUInt32LE(h.dirs + DIR_DEBUG * 8);
    const bytes = out.readUInt32LE(h.dirs + DIR_DEBUG * 8 + 4);
    const base = rva === 0 ? -1 : fileOffsetOf(out, h, rva);
    for (let e = 0; base >= 0 && e + DEBUG_ENTRY_BYTES <= bytes; e += DEBUG_ENTRY_BYTES) {
      const ptr = out.readUInt32LE(base + e + 24);
      const m = moves.find((x) => ptr >= x.from && ptr < x.to);
      if (m) out.writeUInt32LE(m.at + ptr - m.from, base + e + 24);
    }
  }
  if (h.dirCount > DIR_SECURITY) out.fill(0, h.dirs + DIR_SECURITY * 8, h.dirs + DIR_SECURITY * 8 + 8);
  out.writeUInt32LE(PE_PAGE_BYTES, o + 36); // FileAlignment
  out.writeUInt32LE(up(headerBytes), o + 60); // SizeOfHeaders
  out.writeUInt32LE(0, o + 64); // CheckSum
  return out;
}

/** The file offset of an address in the (already re-laid) image, or -1 when no section holds it. */
function fileOffsetOf(out, h, rva) {
  for (let i = 0; i < h.sections; i++) {
    const s = h.table + i * SECTION_HEADER_BYTES;
    const va = out.readUInt32LE(s + 12);
    const virtualBytes = out.readUInt32LE(s + 8);
    if (rva >= va && rva < va + virtualBytes) return out.readUInt32LE(s + 20) + rva - va;
  }
  return -1;
}
