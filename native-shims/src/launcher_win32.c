/* Launcher (Windows, the RED4ext plugin's side): the sidecar is started suspended, put in a job
 * object that kills it when the job's last handle closes (the game exits or crashes: the kernel,
 * or wineserver, closes a dead process's handles), then resumed. No console window; its output
 * goes to a log file (under wine a node.exe whose stdout is a pipe dies at its first write).
 * Built by `make -C native-shims` with mingw-w64 and run under wine by test/windows/. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "coop_shim.h"

/* Longest command line CreateProcess accepts, in characters. */
#define LAUNCH_CMDLINE_MAX 32767
/* Log file a launched sidecar writes to when the caller names none (beside the program). */
#define LAUNCH_DEFAULT_LOG "coop-sidecar.log"
/* Exit code given to a child killed because it could not join the job. */
#define LAUNCH_NOT_IN_JOB_EXIT 126

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

/* The kill-on-close job every launched child joins; created once, never inherited. */
static int ensure_job(void) {
  if (launch_job != NULL) return 1;
  HANDLE job = CreateJobObjectA(NULL, NULL);
  if (job == NULL) return 0;
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
  memset(&limits, 0, sizeof limits);
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
    CloseHandle(job);
    return 0;
  }
  launch_job = job;
  return 1;
}

/* Opens the log for appending as an inheritable handle: default coop-sidecar.log beside argv[0]. */
static HANDLE open_log(const char *program, const char *log_path) {
  char path[MAX_PATH];
  if (log_path == NULL) {
    const char *slash = strrchr(program, '\\'), *fwd = strrchr(program, '/');
    if (fwd > slash) slash = fwd;
    size_t dir = slash ? (size_t)(slash - program) + 1 : 0;
    if (dir + sizeof LAUNCH_DEFAULT_LOG > sizeof path) return INVALID_HANDLE_VALUE;
    memcpy(path, program, dir);
    memcpy(path + dir, LAUNCH_DEFAULT_LOG, sizeof LAUNCH_DEFAULT_LOG);
    log_path = path;
  }
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  return CreateFileA(log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &sa, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* An attribute list naming the one handle the child may inherit; NULL when out of memory. */
static LPPROC_THREAD_ATTRIBUTE_LIST inherit_only(HANDLE *handle) {
  SIZE_T bytes = 0;
  InitializeProcThreadAttributeList(NULL, 1, 0, &bytes); /* asks for the size */
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = bytes ? malloc(bytes) : NULL;
  if (attrs == NULL) return NULL;
  if (!InitializeProcThreadAttributeList(attrs, 1, 0, &bytes)) {
    free(attrs);
    return NULL;
  }
  if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handle, sizeof *handle, NULL, NULL)) {
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
    return NULL;
  }
  return attrs;
}

static int32_t errno_of(DWORD err) {
  if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_INVALID_NAME) return -ENOENT;
  if (err == ERROR_ACCESS_DENIED) return -EACCES;
  if (err == ERROR_BAD_EXE_FORMAT) return -ENOEXEC;
  return -EIO;
}

COOP_API int32_t coop_launch_logged(const char *const *argv, const char *log_path) {
  if (argv == NULL || argv[0] == NULL) return -EINVAL;
  /* Checked first so a missing sidecar is a clear -ENOENT whatever CreateProcess would say. */
  if (GetFileAttributesA(argv[0]) == INVALID_FILE_ATTRIBUTES) return errno_of(GetLastError());
  if (!ensure_job()) return -EPERM;
  char *cmdline = calloc(LAUNCH_CMDLINE_MAX, 1);
  if (cmdline == NULL) return -ENOMEM;
  size_t at = 0;
  for (const char *const *a = argv; *a; a++) {
    if (!append_arg(cmdline, &at, *a)) { free(cmdline); return -E2BIG; }
  }
  HANDLE log = open_log(argv[0], log_path);
  if (log == INVALID_HANDLE_VALUE) { free(cmdline); return errno_of(GetLastError()); }
  /* Only the log handle is inherited, not every inheritable handle the game holds. */
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = inherit_only(&log);
  STARTUPINFOEXA si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = NULL;
  si.StartupInfo.hStdOutput = log;
  si.StartupInfo.hStdError = log;
  si.lpAttributeList = attrs;
  DWORD flags = CREATE_SUSPENDED | CREATE_NO_WINDOW | (attrs ? EXTENDED_STARTUPINFO_PRESENT : 0);
  BOOL ok = attrs && CreateProcessA(argv[0], cmdline, NULL, NULL, TRUE, flags, NULL, NULL, &si.StartupInfo, &pi);
  DWORD err = attrs ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
  if (attrs) {
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
  }
  free(cmdline);
  CloseHandle(log); /* the child holds its own copy */
  if (!ok) return err == ERROR_NOT_ENOUGH_MEMORY ? -ENOMEM : errno_of(err);
  /* A child outside the job would outlive a crashed game: refuse to run it instead. */
  if (!AssignProcessToJobObject(launch_job, pi.hProcess)) {
    TerminateProcess(pi.hProcess, LAUNCH_NOT_IN_JOB_EXIT);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return -EPERM;
  }
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  if (launch_process != NULL) CloseHandle(launch_process);
  launch_process = pi.hProcess;
  launch_pid = pi.dwProcessId;
  return (int32_t)pi.dwProcessId;
}

COOP_API int32_t coop_launch(const char *const *argv) { return coop_launch_logged(argv, NULL); }

COOP_API int32_t coop_launch_status(int32_t pid) {
  if (pid <= 0 || launch_process == NULL || (DWORD)pid != launch_pid) return COOP_LAUNCH_UNKNOWN;
  DWORD code = 0;
  if (!GetExitCodeProcess(launch_process, &code)) return COOP_LAUNCH_UNKNOWN;
  if (code == STILL_ACTIVE) return COOP_LAUNCH_RUNNING;
  return (int32_t)(code & 0xff);
}
