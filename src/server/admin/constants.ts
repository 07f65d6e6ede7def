// Limits and defaults of the admin tools and the dashboard, one place.

/** The ban list inside the server's data folder. */
export const ADMIN_BANS_FILE = 'bans.json';
/** Version of the bans.json layout; a file with another version is refused, never guessed at. */
export const ADMIN_BANS_VERSION = 1;
/** The ban list names players: readable by the server's user only. */
export const ADMIN_BANS_FILE_MODE = 0o600;
/** A bans.json larger than this is refused as corrupt (≈ 40 k bans). */
export const ADMIN_BANS_MAX_BYTES = 8 * 1024 * 1024;
/** Longest identity string accepted anywhere (a hex SHA-256 fingerprint is 64). */
export const ADMIN_IDENTITY_MAX_CHARS = 128;
/** Identities are printable tokens: hex/base64/base64url plus a few separators. */
export const ADMIN_IDENTITY_PATTERN = /^[A-Za-z0-9+/=_:.-]{4,128}$/;
/** Longest console or remote command line considered. */
export const ADMIN_LINE_MAX_CHARS = 512;
/** Longest mute accepted: one week. */
export const ADMIN_MUTE_MAX_S = 7 * 24 * 3600;
/** Longest timed ban: ten years (0 = permanent). */
export const ADMIN_BAN_MAX_S = 10 * 365 * 24 * 3600;
/** Longest reason text kept in a ban entry or a refusal. */
export const ADMIN_REASON_MAX_CHARS = 200;
/** Longest chat message relayed; longer ones are cut to this. */
export const CHAT_TEXT_MAX_CHARS = 256; // as ChatMsg.text in coop.proto

/** Dashboard defaults: loopback only unless --dash-host says otherwise. */
export const DASH_DEFAULT_HOST = '127.0.0.1';
export const DASH_DEFAULT_PORT = 7788;
/** The page polls /status this often (the ws pushes in between). */
export const DASH_POLL_MS = 2000;
/** The server pushes a status frame to every /ws client this often. */
export const DASH_PUSH_MS = 500;
/** Largest accepted request body on POST /admin/*. */
export const DASH_BODY_MAX_BYTES = 4 * 1024;
/** A request body must arrive within this time. */
export const DASH_BODY_TIMEOUT_MS = 5000;
/** Most simultaneous /ws clients. */
export const DASH_WS_MAX_CLIENTS = 32;
/** Bytes of randomness in a generated admin token (hex-encoded: twice as many characters). */
export const DASH_TOKEN_BYTES = 24;
/** Shortest COOP_ADMIN_TOKEN accepted from the environment. */
export const DASH_TOKEN_MIN_CHARS = 16;
