/* Internal: the region handle and the per-platform seam (one file per OS, as ENet has unix.c
 * and win32.c): platform_unix.c in libcoopbridge.so, platform_win32.c in coopbridge.dll. */
#ifndef COOP_INTERNAL_H
#define COOP_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "coop_shim.h"

#define COOP_NAME_MAX_CHARS 64
#define COOP_OPEN_WAIT_MS 1000 /* how long an opener waits for a creator to finish the header */

struct coop_region {
  uint8_t *base;
  uint32_t size;
  int role;
  int status;
  int os_error;
  int created;
  uint32_t found_abi;
  uint32_t found_schema;
  uint32_t holder_pid;
  uint32_t self_pid;
  char name[COOP_NAME_MAX_CHARS + 32];
  int wake_wr[2]; /* wake pipe write fds per ring, -1 when not open (unix) */
  void *plat;     /* platform state: handles on win32 */
};

static inline _Atomic uint32_t *coop_word(const coop_region *r, uint32_t off) {
  return (_Atomic uint32_t *)(void *)(r->base + off);
}

static inline uint32_t coop_ring_ctrl(int ring) { return ring == 0 ? COOP_OFF_RING0_CTRL : COOP_OFF_RING1_CTRL; }

/* Platform seam. Each returns a coop_status; os_error receives errno/GetLastError. */
int coop_plat_create(coop_region *r, uint32_t total_bytes); /* COOP_ERR_SHM with EEXIST when taken */
int coop_plat_open(coop_region *r);                          /* maps the whole existing region */
void coop_plat_unmap(coop_region *r);
int coop_plat_unlink(const char *shm_name); /* also removes the wake pipes */
int coop_plat_wait(coop_region *r, int ring, _Atomic uint32_t *word, uint32_t expected, int timeout_ms);
void coop_plat_wake(coop_region *r, int ring, _Atomic uint32_t *word);
int coop_plat_wake_fd(coop_region *r, int ring); /* -1 where unsupported */
void coop_plat_release(coop_region *r);          /* closes wake fds / handles, before unmap */
int coop_plat_pid_alive(uint32_t pid);
uint32_t coop_plat_self_pid(void);
void coop_plat_sleep_ms(int ms);
int coop_plat_exists_error(int os_error); /* 1 when os_error means "name already exists" */
int coop_plat_sweep_stale(int min_age_s);

#endif
