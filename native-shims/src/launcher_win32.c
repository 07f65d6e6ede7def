/* Launcher (Windows, the RED4ext plugin's side): the sidecar is started in a job object that
 * kills it when the job's last handle closes, i.e. when the game exits or crashes. Written for
 * the game; cross-compiled with `make -C native-shims win`, never run here. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "coop_shim.h"

/* Longest command line CreateProcess accepts, in characters. */
#define LAUNCH_CMDLINE_MAX 32767
#define LAUNCH_SIGNAL_BASE 128

static HANDLE launch_job;
static HANDLE launch_process;
static DWORD launch_pid;

/* Appends one argument quoted the way CommandLineToArgvW parses it back. 0 on overflow. */
static int append_arg(char *out, size_t *at, const char *arg) {
  size_t n = *at;
  if (n + 1 >= LAUNCH_CMDLINE_MAX) return 0;
  if (n > 0) out[n++] = ' ';
  out[n++] = '"';
  size_t backslashes = 0;
  for (const char *p = arg; *p; p++) {
    if (n + 2 * backslashes + 3 >= LAUNCH_CMDLINE_MAX) return 0;
    if (*p == '\\') { backslashes++; continue; }
    /* Backslashes before a quote are doubled, and the quote escaped. */
    size_t repeat = *p == '"' ? 2 * backslashes + 1 : backslashes;
    for (size_t i = 0; i < repeat; i++) out[n++] = '\\';
    backslashes = 0;
    out[n++] = *p;
  }
  if (n + 2 * backslashes + 2 >= LAUNCH_CMDLINE_MAX) return 0;
  for (size_t i = 0; i < 2 * backslashes; i++) out[n++] = '\\';
  out[n++] = '"';
  out[n] = '\0';
  *at = n;
  return 1;
}

COOP_API int32_t coop_launch(const char *const *argv) {
  if (argv == NULL || argv[0] == NULL) return -EINVAL;
  char *cmdline = calloc(LAUNCH_CMDLINE_MAX, 1);
  if (cmdline == NULL) return -ENOMEM;
  size_t at = 0;
  for (const char *const *a = argv; *a; a++) {
    if (!append_arg(cmdline, &at, *a)) { free(cmdline); return -E2BIG; }
  }
  if (launch_job == NULL) {
    launch_job = CreateJobObjectA(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    memset(&limits, 0, sizeof limits);
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (launch_job == NULL || !SetInformationJobObject(launch_job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
      free(cmdline);
      return -EPERM;
    }
  }
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  BOOL ok = CreateProcessA(argv[0], cmdline, NULL, NULL, FALSE, CREATE_SUSPENDED | CREATE_NO_WINDOW, NULL, NULL, &si, &pi);
  free(cmdline);
  if (!ok) return GetLastError() == ERROR_FILE_NOT_FOUND ? -ENOENT : -EIO;
  AssignProcessToJobObject(launch_job, pi.hProcess);
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  if (launch_process != NULL) CloseHandle(launch_process);
  launch_process = pi.hProcess;
  launch_pid = pi.dwProcessId;
  return (int32_t)pi.dwProcessId;
}

COOP_API int32_t coop_launch_status(int32_t pid) {
  if (pid <= 0 || launch_process == NULL || (DWORD)pid != launch_pid) return COOP_LAUNCH_UNKNOWN;
  DWORD code = 0;
  if (!GetExitCodeProcess(launch_process, &code)) return COOP_LAUNCH_UNKNOWN;
  if (code == STILL_ACTIVE) return COOP_LAUNCH_RUNNING;
  return (int32_t)(code & 0xff);
}
