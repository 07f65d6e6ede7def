// Named limits and format constants of the progress model, the .dat container and the CLI.

/** Version of the progress model (session file, .dat payload, conflicts and answers files). */
export const MERGE_SCHEMA_VERSION = 1;

/** `.dat` container: magic, then format version, flags, payload length, payload CRC-32. */
export const DAT_MAGIC = Buffer.from('CBSP', 'ascii');
export const DAT_FORMAT_VERSION = 1;
export const DAT_MAGIC_BYTES = 4;
export const DAT_VERSION_BYTES = 2;
export const DAT_FLAGS_BYTES = 2;
export const DAT_LENGTH_BYTES = 4;
export const DAT_CRC_BYTES = 4;
export const DAT_HEADER_BYTES = DAT_MAGIC_BYTES + DAT_VERSION_BYTES + DAT_FLAGS_BYTES + DAT_LENGTH_BYTES + DAT_CRC_BYTES;
/** Largest `.dat` payload the parser accepts (checked before allocating). */
export const DAT_MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
/** Largest JSON input (session, conflicts, answers) read from disk. */
export const JSON_MAX_BYTES = 64 * 1024 * 1024;

/** Model limits: keep hostile files from blowing up memory or the summary. */
export const MAX_ITEMS = 100_000;
export const MAX_QUESTS = 100_000;
export const MAX_PARTY = 64;
export const MAX_MODS_PER_ITEM = 64;
export const MAX_ATTRS_PER_ITEM = 256;
export const MAX_NAME_CHARS = 256;
export const MAX_QUEST_STAGE = 0xffff_ffff;
export const MAX_XP = 0xffff_ffff;
export const MAX_LEVEL = 1000;
export const MAX_QUANTITY = 0xffff_ffff;

/** Session ids become file names: keep them to a safe alphabet. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const PLAYER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Exit codes of coop-merge (the policy of src/cli/command.ts: 3 and up are a tool's own). */
export const EXIT_MERGED = 0;
export const EXIT_ERROR = 1;
export const EXIT_CONFLICTS = 3;

/** Where the server keeps session files, under its data folder. */
export const SESSION_SAVE_SUBDIR = ['SavedGames', 'Coop'] as const;
