"""Every Lua script stopbot runs, in one place. Each touches keys of one hash slot
only (see keys.py), so it runs atomically on Redis Cluster and Sentinel alike."""

from __future__ import annotations

# Shared tail of the two request scripts: KEYS[3] open index, KEYS[4] due index;
# ARGV: id, created score, due score ('' = none), pending flag.
_REINDEX = """
local function reindex(id, created, due, pending)
  if pending == '1' then
    redis.call('ZADD', KEYS[3], created, id)
    if due ~= '' then redis.call('ZADD', KEYS[4], due, id) else redis.call('ZREM', KEYS[4], id) end
  else
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
"""

CREATE = (
    _REINDEX
    + """
-- KEYS: request, audit stream, open, due. ARGV: id, created, due, pending, data, audit...
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'data')
end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 6))
redis.call('HSET', KEYS[1], 'data', ARGV[5], 'version', 1, 'audit', entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return false
"""
)

COMMIT = (
    _REINDEX
    + """
-- KEYS: request, audit stream, open, due.
-- ARGV: id, created, due, pending, expected version, data, audit...
-- Returns {1, new version}, {0, current version, current data} or {-1} (no request).
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {-1} end
if v ~= ARGV[5] then return {0, v, redis.call('HGET', KEYS[1], 'data')} end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 7))
local trail = redis.call('HGET', KEYS[1], 'audit')
redis.call('HSET', KEYS[1], 'data', ARGV[6], 'version', tonumber(v) + 1,
           'audit', trail .. ',' .. entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return {1, tostring(tonumber(v) + 1)}
"""
)

SET_DUE = (
    _REINDEX
    + """
-- Repairs the due index from the request itself (scheduler found nothing due).
-- KEYS: request, unused, open, due. ARGV: id, created, due, pending.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  return 0
end
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return 1
"""
)

DIALOGUE_CAS = """
-- KEYS: draft hash {d = data, v = version token}.
-- ARGV: expected token ('' = no draft), op (keep|set|delete), data, ttl (s), new token.
-- Returns {1} or, when someone else wrote first, {0, current token, current data}.
local v = redis.call('HGET', KEYS[1], 'v') or ''
if v ~= ARGV[1] then
  return {0, v, redis.call('HGET', KEYS[1], 'd') or ''}
end
if ARGV[2] == 'set' then
  redis.call('HSET', KEYS[1], 'd', ARGV[3], 'v', ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
elseif ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
end
return {1}
"""
