// The Redis store's data layout and its Lua scripts (each runs atomically inside Redis, so two
// instances announcing from one IP at once cannot both pass the per-IP limit).
//
//   {P}s:<id>     hash: t = token hash, ip, e = public entry (JSON), inst = instance holding
//                 the host's signalling socket. Expires MASTER_SESSION_EXPIRY_MS after the
//                 last announce/heartbeat: Redis itself forgets a silent host.
//   {P}lobby      sorted set: session id → last seen (ms); the lobby size and what to sweep.
//   {P}list       hash: session id → public entry (JSON); what an instance's mirror loads.
//   {P}ip:<ip>    sorted set: that address's sessions → last seen (per-IP limit).
//   {P}rate:<ip>  counter of announce/heartbeat requests in the current window.
//   {P}events     channel: '+<entry JSON>' (added or changed), '-<id>' (gone).
//   {P}sig:<inst> channel: relayed signalling for one instance.
// Single Redis node (or a primary with replicas); Redis Cluster is not supported (the scripts
// touch keys they compute). The scripts compare token *hashes* with `==`: a timing difference
// could at most reveal a prefix of a SHA-256 digest, which does not help forge the token.
export const keys = (p: string) => ({
  session: (id: string) => `${p}s:${id}`,
  lobby: `${p}lobby`,
  list: `${p}list`,
  ip: (ip: string) => `${p}ip:${ip}`,
  rate: (ip: string) => `${p}rate:${ip}`,
  events: `${p}events`,
  signal: (inst: string) => `${p}sig:${inst}`,
});

/** KEYS: session, lobby, list, ip. ARGV: id, tokenHash, ip, entry, now, expiryMs, maxSessions, maxPerIp, events. */
export const ANNOUNCE_LUA = `
local now = tonumber(ARGV[5]); local expiry = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - expiry)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[7]) then return 'lobby_full' end
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[8]) then return 'ip_limit' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'taken' end
redis.call('HSET', KEYS[1], 't', ARGV[2], 'ip', ARGV[3], 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[1], expiry)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[4], now, ARGV[1])
redis.call('PEXPIRE', KEYS[4], expiry)
redis.call('PUBLISH', ARGV[9], '+' .. ARGV[4])
return 'ok'`;

/** KEYS: session, lobby, list. ARGV: id, tokenHash, now, expiryMs, players ('' = unchanged), events, prefix. */
export const HEARTBEAT_LUA = `
local h = redis.call('HMGET', KEYS[1], 't', 'ip', 'e')
if not h[1] then return 'unknown_session' end
if h[1] ~= ARGV[2] then return 'bad_token' end
local now = tonumber(ARGV[3]); local expiry = tonumber(ARGV[4])
redis.call('PEXPIRE', KEYS[1], expiry)
redis.call('ZADD', KEYS[2], now, ARGV[1])
local ipKey = ARGV[7] .. 'ip:' .. h[2]
redis.call('ZADD', ipKey, now, ARGV[1])
redis.call('PEXPIRE', ipKey, expiry)
if ARGV[5] ~= '' then
  local e = cjson.decode(h[3])
  local p = math.min(tonumber(ARGV[5]), e.maxPlayers)
  if p ~= e.players then
    e.players = p
    local j = cjson.encode(e)
    redis.call('HSET', KEYS[1], 'e', j)
    redis.call('HSET', KEYS[3], ARGV[1], j)
    redis.call('PUBLISH', ARGV[6], '+' .. j)
  end
end
return 'ok'`;

/** KEYS: session, lobby, list. ARGV: id, tokenHash, events, prefix. */
export const REMOVE_LUA = `
local h = redis.call('HMGET', KEYS[1], 't', 'ip')
if not h[1] then return 'unknown_session' end
if h[1] ~= ARGV[2] then return 'bad_token' end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', ARGV[4] .. 'ip:' .. h[2], ARGV[1])
redis.call('PUBLISH', ARGV[3], '-' .. ARGV[1])
return 'ok'`;

/**
 * KEYS: lobby, list. ARGV: cutoff (ms), batch, events, prefix. Index rows whose session key
 * Redis already expired go; a row whose key lives on (another instance's clock runs behind)
 * stays until its key expires.
 */
export const SWEEP_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local n = 0
for _, id in ipairs(ids) do
  if redis.call('EXISTS', ARGV[4] .. 's:' .. id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('PUBLISH', ARGV[3], '-' .. id)
    n = n + 1
  end
end
return n`;

/** KEYS: rate. ARGV: windowMs. Returns the request count of the window (fixed window). */
export const RATE_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return n`;

/** KEYS: session. ARGV: tokenHash, instance. Proves the token and routes the host here. */
export const BIND_HOST_LUA = `
local t = redis.call('HGET', KEYS[1], 't')
if not t then return 'unknown_session' end
if t ~= ARGV[1] then return 'bad_token' end
redis.call('HSET', KEYS[1], 'inst', ARGV[2])
return 'ok'`;

/** KEYS: session. ARGV: instance. Drops the route only if it still points at this instance. */
export const RELEASE_HOST_LUA = `
if redis.call('HGET', KEYS[1], 'inst') == ARGV[1] then redis.call('HDEL', KEYS[1], 'inst') end
return 0`;
