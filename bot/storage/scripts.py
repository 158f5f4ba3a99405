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

CONSOLE_SHOW = """
-- A message with buttons the console printed. KEYS: entries hash, order sorted set.
-- ARGV: id ('' = a new one), meta, buttons, how many to keep, ttl (s).
-- One script, so processes sharing a DATA_DIR each add their own entries, never
-- overwrite the others', and the oldest beyond the bound go with their fields.
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local id = ARGV[1]
if id == '' then id = 'm:' .. seq end
redis.call('HSET', KEYS[1], 'meta:' .. id, ARGV[2], 'buttons:' .. id, ARGV[3])
redis.call('ZADD', KEYS[2], seq, id)
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) do
    redis.call('HDEL', KEYS[1], 'meta:' .. old, 'buttons:' .. old)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return id
"""

CONSOLE_REBUTTON = """
-- A card rewritten: its new buttons, if it is still remembered. KEYS: entries hash.
-- ARGV: id, buttons. Returns 1 when rewritten.
if redis.call('HEXISTS', KEYS[1], 'meta:' .. ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'buttons:' .. ARGV[1], ARGV[2])
return 1
"""

CONSOLE_FORM_OPEN = """
-- KEYS: the user's form hash. ARGV: form (JSON), ttl (s). Replaces any earlier form
-- with its answers.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'form', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

CONSOLE_FORM_ANSWER = """
-- KEYS: the user's form hash. ARGV: field name, answer, ttl (s). Only while the form
-- is open: an answer never outlives its form. Returns 1 when kept.
if redis.call('HEXISTS', KEYS[1], 'form') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'v:' .. ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""
