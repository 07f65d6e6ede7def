/* coop_api.h — how the shim's functions are exported (building the shim or plugin DLL),
 * imported (a game or test harness linking the DLL) or made visible (the Linux .so); one place
 * for every public header of the shim. */
#ifndef COOP_API_H
#define COOP_API_H

#if defined(_WIN32) && defined(COOP_BUILDING_SHIM)
#define COOP_API __declspec(dllexport)
#elif defined(_WIN32)
#define COOP_API __declspec(dllimport) /* a game (or test harness) linking the DLL */
#else
#define COOP_API __attribute__((visibility("default")))
#endif

#endif
