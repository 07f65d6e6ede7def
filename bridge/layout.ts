// The shared region's byte layout, mirrored from native-shims/include/coop_shim.h (the test
// suite checks they agree). See docs/bridge-ring.md.

export const BRIDGE_MAGIC = 0x50424f43;
export const BRIDGE_ABI_VERSION = 1;

export const OFF_MAGIC = 0;
export const OFF_ABI = 4;
export const OFF_SCHEMA = 8;
export const OFF_HEADER_BYTES = 12;
export const OFF_RING_BYTES = 16;
export const OFF_PID_GAME = 32;
export const OFF_PID_SIDECAR = 36;
export const OFF_BEAT_GAME = 40;
export const OFF_BEAT_SIDECAR = 44;
export const OFF_RING0_CTRL = 64; // game -> sidecar
export const OFF_RING1_CTRL = 192; // sidecar -> game
export const CTRL_WRITE_IDX = 0;
export const CTRL_WAKE_SEQ = 4;
export const CTRL_READER_WAITING = 8;
/** The reader-waiting word's values: the writer wakes a reader that waits for any frame, and one
 * that sleeps through lazy frames only for a frame that is not lazy (docs/bridge-ring.md). */
export const READER_NOT_WAITING = 0;
export const READER_WAITING_ANY = 1;
export const READER_WAITING_NOT_LAZY = 2;
export const CTRL_READ_IDX = 64;
export const HEADER_BYTES = 512;
export const RING_MIN_BYTES = 4096;
export const RING_MAX_BYTES = 64 * 1024 * 1024;
/** Each ring's capacity when the creator does not say (COOP_RING_DEFAULT_BYTES: the game's plugin,
 * coop-sim and the benches create rings of this size). A frame may carry a quarter of it
 * (maxPayloadBytes: 256 KiB, a progress export or 1024 entity states), and a game that stops
 * reading for ≈ 3 s of the city's entity states (≈ 300 KB/s) fills it: then the sidecar's states
 * wait (dropped, sent again whole) and its commands queue in the outbox. Each process keeps the
 * pages of both rings it has touched resident (4 MiB rings cost the sidecar 4.4 MB of RSS). */
export const RING_DEFAULT_BYTES = 1024 * 1024;

export const FRAME_HEADER_BYTES = 8; // u32 payload length, u16 type, u16 flags
export const FRAME_ALIGN_BYTES = 8;
export const FRAME_TYPE_PAD = 0xffff;

export type Role = 'game' | 'sidecar';
export const ROLE_CODE: Record<Role, number> = { game: 0, sidecar: 1 };
/** Ring 0 carries game -> sidecar, ring 1 sidecar -> game. */
export const OUT_RING: Record<Role, 0 | 1> = { game: 0, sidecar: 1 };
export const IN_RING: Record<Role, 0 | 1> = { game: 1, sidecar: 0 };
export const PID_OFF: Record<Role, number> = { game: OFF_PID_GAME, sidecar: OFF_PID_SIDECAR };
export const BEAT_OFF: Record<Role, number> = { game: OFF_BEAT_GAME, sidecar: OFF_BEAT_SIDECAR };

export function ringCtrlOffset(ring: 0 | 1): number {
  return ring === 0 ? OFF_RING0_CTRL : OFF_RING1_CTRL;
}

export function ringDataOffset(ring: 0 | 1, ringBytes: number): number {
  return HEADER_BYTES + (ring === 0 ? 0 : ringBytes);
}

/** Largest payload one frame may carry: a quarter of the ring. */
export function maxPayloadBytes(ringBytes: number): number {
  return ringBytes / 4 - FRAME_HEADER_BYTES;
}

export function alignFrame(n: number): number {
  return (n + FRAME_ALIGN_BYTES - 1) & ~(FRAME_ALIGN_BYTES - 1);
}

export const PEER_NAME: Record<Role, Role> = { game: 'sidecar', sidecar: 'game' };
