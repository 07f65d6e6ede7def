/* Compiles the generated header (its _Static_asserts pin the packed wire sizes) and exports the
 * manifest hash this library was built from, so a stale build is refused by name. */
#include "coop_hooks.h"
#include "coop_shim.h"

COOP_API uint32_t coop_hooks_schema_hash(void);
uint32_t coop_hooks_schema_hash(void) { return COOP_SCHEMA_HASH; }
