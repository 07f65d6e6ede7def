/* Linux: POSIX shared memory (shm_open + mmap) and a futex on the ring's wake word. Not
 * FUTEX_PRIVATE: the word lives in a mapping shared between two processes. */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
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

/* Wake pipes: FIFOs beside the region in /dev/shm, one per ring. */
#define COOP_SHM_DIR "/dev/shm"
static void fifo_path(char *out, size_t cap, const char *shm_name, int ring) {
  snprintf(out, cap, COOP_SHM_DIR "%s.wake%d", shm_name, ring);
}

int coop_plat_wake_fd(coop_region *r, int ring) {
  char path[160];
  fifo_path(path, sizeof path, r->name, ring);
  if (mkfifo(path, COOP_SHM_MODE) != 0 && errno != EEXIST) {
    r->os_error = errno;
    return -1;
  }
  /* O_RDWR (Linux): this end is also a writer, so the pipe never reports end-of-file. */
  return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static void wake_pipe(coop_region *r, int ring) {
  if (r->wake_wr[ring] < 0) {
    char path[160];
    fifo_path(path, sizeof path, r->name, ring);
    /* ENXIO: nobody reads it (a futex reader, or none yet); ENOENT: never created. */
    r->wake_wr[ring] = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (r->wake_wr[ring] < 0) return;
  }
  static const char byte = 1;
  if (write(r->wake_wr[ring], &byte, 1) < 0 && errno == EPIPE) {
    close(r->wake_wr[ring]); /* the reader went away: reopen next time */
    r->wake_wr[ring] = -1;
  }
}

void coop_plat_release(coop_region *r) {
  for (int i = 0; i < 2; i++) {
    if (r->wake_wr[i] >= 0) close(r->wake_wr[i]);
    r->wake_wr[i] = -1;
  }
}

int coop_plat_unlink(const char *shm_name) {
  char path[160];
  for (int i = 0; i < 2; i++) {
    fifo_path(path, sizeof path, shm_name, i);
    unlink(path);
  }
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
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
  wake_pipe(r, ring);
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

/* A region is stale when it is old enough, carries our magic, and neither role's pid is alive. */
static int stale(const char *file, time_t now, int min_age_s) {
  char path[300];
  snprintf(path, sizeof path, COOP_SHM_DIR "/%s", file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  int verdict = 0;
  if (fstat(fd, &st) == 0 && now - st.st_mtime >= min_age_s && st.st_size >= (off_t)COOP_HEADER_BYTES) {
    uint32_t *h = mmap(NULL, COOP_HEADER_BYTES, PROT_READ, MAP_SHARED, fd, 0);
    if (h != MAP_FAILED) {
      uint32_t magic = __atomic_load_n(&h[COOP_OFF_MAGIC / 4], __ATOMIC_ACQUIRE);
      uint32_t g = __atomic_load_n(&h[COOP_OFF_PID_GAME / 4], __ATOMIC_ACQUIRE);
      uint32_t s = __atomic_load_n(&h[COOP_OFF_PID_SIDECAR / 4], __ATOMIC_ACQUIRE);
      verdict = magic == COOP_MAGIC && !coop_plat_pid_alive(g) && !coop_plat_pid_alive(s);
      munmap(h, COOP_HEADER_BYTES);
    }
  }
  close(fd);
  return verdict;
}

int coop_plat_sweep_stale(int min_age_s) {
  DIR *d = opendir(COOP_SHM_DIR);
  if (!d) return 0;
  time_t now = time(NULL);
  int removed = 0;
  static const char prefix[] = "coop-bridge-";
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0 || strstr(e->d_name, ".wake")) continue;
    if (!stale(e->d_name, now, min_age_s)) continue;
    char shm[300];
    snprintf(shm, sizeof shm, "/%s", e->d_name);
    if (coop_plat_unlink(shm) == 0) removed++;
  }
  closedir(d);
  return removed;
}
