/* supervise.h — the sidecar's life beside the game: launched from the plugin's folder, restarted
 * with backoff when it dies, given up on (with a game notification) after too many restarts,
 * stopped with the game. Its log is red4ext/logs/coop-sidecar.log, rotated at each launch. */
#ifndef COOP_SUPERVISE_H
#define COOP_SUPERVISE_H

#include <stdint.h>
#include <wchar.h>

void supervise_start(const wchar_t *plugin_dir, const char *session);
void supervise_tick(uint64_t now_ms);
void supervise_stop(const char *why);

#endif
