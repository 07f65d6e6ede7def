/* Launcher (unix): the game's plugin starts the sidecar beside it. The child is given the
 * parent-death signal before it execs (Linux prctl), so a game that crashes or is killed never
 * leaves a sidecar running; exec failures come back through a close-on-exec pipe, so the caller
 * gets -errno instead of a child that silently exits 127. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "coop_shim.h"

/* Exit code of a child whose exec failed (as shells use). */
#define LAUNCH_EXEC_FAILED 127
/* Exit code base of a child killed by a signal (128 + signal, as shells report). */
#define LAUNCH_SIGNAL_BASE 128

static int32_t launch_with(const char *const *argv, int log_fd);

static void child_after_fork(const char *const *argv, pid_t parent, int report_fd, int log_fd) {
#ifdef __linux__
  /* SIGTERM lets the sidecar say goodbye to the server; it arrives when the game thread dies. */
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(LAUNCH_EXEC_FAILED);
#else
  (void)parent;
#endif
  /* The host may have marked its standard streams close-on-exec (libuv does); the sidecar
   * writes its lines to the same streams as the game. */
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  if (log_fd >= 0 && (dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)) _exit(LAUNCH_EXEC_FAILED);
  execv(argv[0], (char *const *)argv);
  int err = errno;
  ssize_t ignored = write(report_fd, &err, sizeof err);
  (void)ignored;
  _exit(LAUNCH_EXEC_FAILED);
}

/* Mode of a log file the launcher creates. */
#define LAUNCH_LOG_MODE 0644

COOP_API int32_t coop_launch_logged(const char *const *argv, const char *log_path) {
  if (argv == NULL || argv[0] == NULL) return -EINVAL;
  int log_fd = -1;
  if (log_path != NULL && (log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, LAUNCH_LOG_MODE)) < 0) return -errno;
  int32_t pid = launch_with(argv, log_fd);
  if (log_fd >= 0) close(log_fd);
  return pid;
}

COOP_API int32_t coop_launch(const char *const *argv) { return coop_launch_logged(argv, NULL); }

static int32_t launch_with(const char *const *argv, int log_fd) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return -errno;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(report[0]);
    close(report[1]);
    return -err;
  }
  if (pid == 0) {
    close(report[0]);
    child_after_fork(argv, parent, report[1], log_fd);
  }
  close(report[1]);
  int child_errno = 0;
  ssize_t n;
  do n = read(report[0], &child_errno, sizeof child_errno); while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == (ssize_t)sizeof child_errno) { /* exec failed: reap the child, report why */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return -child_errno;
  }
  return (int32_t)pid;
}

COOP_API int32_t coop_launch_status(int32_t pid) {
  if (pid <= 0) return COOP_LAUNCH_UNKNOWN;
  int status = 0;
  pid_t r = waitpid((pid_t)pid, &status, WNOHANG);
  if (r == 0) return COOP_LAUNCH_RUNNING;
  if (r < 0) return COOP_LAUNCH_UNKNOWN;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return LAUNCH_SIGNAL_BASE + WTERMSIG(status);
  return COOP_LAUNCH_UNKNOWN;
}
