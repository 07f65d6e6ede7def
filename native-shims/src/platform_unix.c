/* Linux: POSIX shared memory (shm_open + mmap) and a futex on the ring's wake word. Not
 * FUTEX_PRIVATE: the word lives in a mapping shared between two processes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define COOP_SHM_MODE 0600

static int map_fd(coop_region *r, int fd, uint32_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    r->os_error = errno;
    return COOP_ERR_MAP;
  }
  r->base = p;
  r->size = bytes;
  return COOP_OK;
}

int coop_plat_create(coop_region *r, uint32_t total_bytes) {
  int fd = shm_open(r->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, COOP_SHM_MODE);
  if (fd < 0) {
    r->os_error = errno;
    return COOP_ERR_SHM;
  }
  if (ftruncate(fd, total_bytes) != 0) {
    r->os_error = errno;
    close(fd);
    shm_unlink(r->name);
    return COOP_ERR_SHM;
  }
  int st = map_fd(r, fd, total_bytes);
  close(fd); /* the mapping keeps the memory */
  return st;
}

int coop_plat_open(coop_region *r) {
  int fd = shm_open(r->name, O_RDWR | O_CLOEXEC, COOP_SHM_MODE);
  if (fd < 0) {
    r->os_error = errno;
    return COOP_ERR_SHM;
  }
  struct stat st;
  /* A creator may be between shm_open and ftruncate: wait briefly for the size to appear. */
  for (int waited = 0;; waited++) {
    if (fstat(fd, &st) != 0) {
      r->os_error = errno;
      close(fd);
      return COOP_ERR_SHM;
    }
    if (st.st_size >= (off_t)COOP_HEADER_BYTES) break;
    if (waited >= COOP_OPEN_WAIT_MS) {
      close(fd);
      return COOP_ERR_SIZE;
    }
    coop_plat_sleep_ms(1);
  }
  if (st.st_size > (off_t)(COOP_HEADER_BYTES + 2ull * COOP_RING_MAX_BYTES)) {
    close(fd);
    return COOP_ERR_SIZE;
  }
  int rc = map_fd(r, fd, (uint32_t)st.st_size);
  close(fd);
  return rc;
}

void coop_plat_unmap(coop_region *r) {
  if (r->base) munmap(r->base, r->size);
  r->base = NULL;
  r->size = 0;
}

int coop_plat_unlink(const char *shm_name) {
  if (shm_unlink(shm_name) == 0 || errno == ENOENT) return 0;
  return -1;
}

int coop_plat_wait(coop_region *r, int ring, _Atomic uint32_t *word, uint32_t expected, int timeout_ms) {
  (void)r;
  (void)ring;
  struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
  long rc = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected, &ts, NULL, 0);
  if (rc == 0) return 0;
  if (errno == EAGAIN || errno == EINTR) return 0;
  if (errno == ETIMEDOUT) return 1;
  return -1;
}

void coop_plat_wake(coop_region *r, int ring, _Atomic uint32_t *word) {
  (void)r;
  (void)ring;
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

int coop_plat_pid_alive(uint32_t pid) {
  if (pid == 0) return 0;
  return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

uint32_t coop_plat_self_pid(void) { return (uint32_t)getpid(); }

void coop_plat_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int coop_plat_exists_error(int os_error) { return os_error == EEXIST; }
