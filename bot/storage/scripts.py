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

# Writes the replies a transition owes into its bucket's outbox, leased from birth to
# the process that commits (it delivers them at once). ARGV[at] = n, then n pairs
# (entry id, envelope); returns the index of the first ARGV after them.
_OWE = """
local function owe(outbox, due_index, at, lease_until)
  local n = tonumber(ARGV[at])
  for i = 0, n - 1 do
    local id = ARGV[at + 1 + 2 * i]
    redis.call('HSET', outbox, id, ARGV[at + 2 + 2 * i])
    redis.call('ZADD', due_index, lease_until, id)
  end
  return at + 1 + 2 * n
end
"""

CREATE = (
    _REINDEX
    + _OWE
    + """
-- KEYS: request, audit stream, open, due, outbox, outbox due.
-- ARGV: id, created, due, pending, data, lease until (ms), n, (entry id, envelope) * n,
-- audit...
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'data')
end
local rest = owe(KEYS[5], KEYS[6], 7, ARGV[6])
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, rest))
redis.call('HSET', KEYS[1], 'data', ARGV[5], 'version', 1, 'audit', entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return false
"""
)

COMMIT = (
    _REINDEX
    + _OWE
    + """
-- KEYS: request, audit stream, open, due, outbox, outbox due.
-- ARGV: id, created, due, pending, expected version, data, lease until (ms), n,
-- (entry id, envelope) * n, audit...
-- Returns {1, new version}, {0, current version, current data} or {-1} (no request).
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {-1} end
if v ~= ARGV[5] then return {0, v, redis.call('HGET', KEYS[1], 'data')} end
local rest = owe(KEYS[5], KEYS[6], 8, ARGV[7])
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, rest))
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

# -- the outbox (bot/storage/outbox.py) ----------------------------------------------
# KEYS[1..3] of every outbox script: the bucket's outbox hash, its due index and its
# meta hash. An entry's meta (JSON) holds `e`, the lease epoch: 0 for the process that
# owed it, bumped by every claim, so a process whose lease was taken over can no longer
# mark the entry in flight, put it off or fail it (a fencing token); `a`, attempts;
# `s`, when it was last put in flight (ms; the sent-or-not question after a crash);
# `err`, the last error.
_META = """
local function meta(id)
  local raw = redis.call('HGET', KEYS[3], id)
  if raw then return cjson.decode(raw) end
  return {e = 0, a = 0}
end
local function held(m, epoch)
  return tostring(m.e) == epoch
end
"""

OUTBOX_IN_FLIGHT = (
    _META
    + """
-- Records attempts before the platform calls, for every entry of one request that a
-- process is about to send, and extends their lease. ARGV: now (ms), lease until (ms),
-- then (id, epoch) pairs. Returns the ids marked: those still owed and still ours.
local out = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 1 then
    local m = meta(id)
    if held(m, ARGV[i + 1]) then
      m.a = m.a + 1
      m.s = tonumber(ARGV[1])
      redis.call('HSET', KEYS[3], id, cjson.encode(m))
      redis.call('ZADD', KEYS[2], ARGV[2], id)
      table.insert(out, id)
    end
  end
end
return out
"""
)

OUTBOX_SENT = """
-- Settles entries of one request as delivered and files the cards they placed, at
-- once. KEYS: outbox, due, meta, the request's card references.
-- ARGV: (id, card key ('' = none), card reference) triples. Whoever holds the lease: a
-- send that happened is a fact. Returns how many were still owed.
local settled = 0
for i = 1, #ARGV, 3 do
  local had = redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
  if had == 1 then
    settled = settled + 1
    if ARGV[i + 1] ~= '' then redis.call('HSET', KEYS[4], ARGV[i + 1], ARGV[i + 2]) end
  end
end
return settled
"""

OUTBOX_LATER = (
    _META
    + """
-- Puts an entry off (a transient failure's backoff) or gives its lease back (shutdown).
-- ARGV: id, epoch, next claim (ms), error ('' = keep the last one).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local m = meta(ARGV[1])
if not held(m, ARGV[2]) then return 0 end
if ARGV[4] ~= '' then
  m.err = ARGV[4]
  redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(m))
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
"""
)

OUTBOX_FAILED = (
    _META
    + _OWE
    + """
-- A permanent refusal: the entry moves to the failed hash, the replies telling whoever
-- must know are owed in its place (leased to the caller), and the request's audit
-- trail records it, all at once, so the failure is told exactly once.
-- KEYS: outbox, due, meta, failed, audit stream, request.
-- ARGV: id, epoch, record, lease until (ms), n, (entry id, envelope) * n, audit...
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local m = meta(ARGV[1])
if not held(m, ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
local rest = owe(KEYS[1], KEYS[2], 5, ARGV[4])
local trail = redis.call('HGET', KEYS[6], 'audit')
if trail then
  local entry = redis.call('XADD', KEYS[5], '*', unpack(ARGV, rest))
  redis.call('HSET', KEYS[6], 'audit', trail .. ',' .. entry)
end
return 1
"""
)

OUTBOX_CLAIM = (
    _META
    + """
-- Takes the lease of up to ARGV[3] entries whose lease or backoff is over.
-- ARGV: now (ms), lease until (ms), limit.
-- Returns {id, envelope, epoch, attempts, in flight since (ms, 0 = never)} per entry.
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local envelope = redis.call('HGET', KEYS[1], id)
  if not envelope then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
  else
    local m = meta(id)
    m.e = m.e + 1
    redis.call('HSET', KEYS[3], id, cjson.encode(m))
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    table.insert(out, {id, envelope, tostring(m.e), tostring(m.a), tostring(m.s or 0)})
  end
end
return out
"""
)
