// CRC-32/IEEE (zlib's, and ENet's enet_crc32 in packet.c): the reflected polynomial, initial
// value 0xFFFFFFFF, final complement. ENet stores the result in network byte order, so the
// checksum field of a datagram holds this value big-endian; the merge's .dat header holds it
// little-endian. Here rather than node:zlib's crc32: the sidecar loads no zlib for it (≈ 0.15 MB
// of node's built-in code and heap beside the game).

const CRC32_POLYNOMIAL_REFLECTED = 0xedb88320;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32_POLYNOMIAL_REFLECTED : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32 of `data[start, end)`. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xff];
  return ~crc >>> 0;
}
