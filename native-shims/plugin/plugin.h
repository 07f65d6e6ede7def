/* plugin.h — what the plugin's parts share: the bridge region the natives write to, the logger,
 * and the natives' registration. Windows only (mingw-w64); see docs/mod.md. */
#ifndef COOP_PLUGIN_H
#define COOP_PLUGIN_H

#include "coop_shim.h"
#include "red4ext-abi.h"

enum plugin_log_level { PLOG_INFO, PLOG_WARN, PLOG_ERROR };
/* Through RED4ext's logger (red4ext/logs/coopbridge-<time>.log); a no-op before Main(Load). */
void plugin_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The region the natives use; NULL while the bridge is closed (sends return false). */
extern coop_region *plugin_region;

/* Asks the engine's RTTI to call back after its own registration; 0 when an address is missing. */
int natives_request_registration(void);
/* Queues a game-bound Notification the scripts get from CoopNativePoll before ring frames. */
void natives_notify(const char *title, const char *text);

#endif
