/* The native path's relay between the game's region (sidecar role) and the relay region Node's
 * bridge opens (the thread in the game role): one direction at a time, a frame a full ring did
 * not take held until it does, the heartbeats and the game's pid copied across, and the
 * "wake me" protocol of a ring the thread sleeps on (docs/bridge-ring.md). Internal to
 * native_path.c. */
#ifndef COOP_PATH_RELAY_H
#define COOP_PATH_RELAY_H

#include <stdint.h>

#include "coop_shim.h"

/* One direction: frames read from `from` (its inbound ring) are written to `to` (its outbound). */
typedef struct {
  coop_region *from;
  coop_region *to;
  uint8_t *buf;     /* coop_max_payload(from) bytes */
  uint32_t cap;
  uint16_t held_type; /* a frame read but not yet taken by `to` (held_len valid) */
  uint32_t held_len;
  int holding;
} path_relay;

int path_relay_init(path_relay *r, coop_region *from, coop_region *to);
void path_relay_free(path_relay *r);
/* Writes the held frame if `to` takes it now; 1 while one is still held. */
int path_relay_flush(path_relay *r);
/* Reads the next frame of `from` into r->buf: 1 with *type and *len set, 0 when none (or a frame
 * is held), -1 after a malformed backlog was dropped. */
int path_relay_read(path_relay *r, uint16_t *type, uint32_t *len);
/* Relays the frame just read (r->buf): written now, or held. 1 when held. */
int path_relay_pass(path_relay *r, uint16_t type, uint32_t len);

/* Heartbeats and the game's pid, game region -> relay region (and Node's beat back). */
void path_relay_beats(coop_region *game, coop_region *relay);
/* The relay region's game slot emptied (before it closes: it holds the game's pid, not ours). */
void path_relay_release_pid(coop_region *relay);

/* Tells the writer of `r`'s inbound ring to wake us (`how`: COOP_READER_WAITING_ANY, or
 * COOP_READER_WAITING_NOT_LAZY to sleep through lazy frames); 1 when frames already wait (do not
 * sleep). */
int path_arm_wait(coop_region *r, uint32_t how);

#endif
