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

# -- pacing (bot/delivery/pacing.py) ---------------------------------------------------
# Every pacing script reads the time once, from Redis (TIME), so that every process
# decides on the same clock; ARGV[1] = '' asks for it, tests pass a virtual time in
# ms instead. Times and rates are stored as decimal strings (ms, posts/s).
_PACE_CLOCK = """
local function now_ms()
  if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function ms(x) return string.format('%.3f', x) end
local LINGER = 2000  -- ms a pause or channel key outlives its time, then it is gone
"""

PACE_TURN = (
    _PACE_CLOCK
    + """
-- KEYS: lanes, pause, channel.
-- ARGV: now, lane, ceiling, interactive rate, interactive burst, channel spacing (ms).
-- Returns {wait ms, held, epoch, bulk rate, channel mark, now}. held = 1: this send
-- has its slot (of the lane and of the channel) at now + wait; held = 0: nothing is
-- held (a pause, or the channel is busy), ask again after wait.
local now = now_ms()
local lane = ARGV[2]
local ceiling = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'rate', 'epoch', 'bulk', lane)
local rate = math.min(tonumber(s[1]) or ceiling, ceiling)
local epoch = s[2] or '0'
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return {math.ceil(pause - now), 0, epoch, ms(rate), '', ms(now)} end
local free = tonumber(redis.call('GET', KEYS[3]) or '0')
if free > now then return {math.ceil(free - now), 0, epoch, ms(rate), '', ms(now)} end
-- The lane's budget, a token bucket kept as its next free slot (GCRA).
local per_s, burst = rate, 1
if lane == 'interactive' then per_s, burst = tonumber(ARGV[4]), tonumber(ARGV[5]) end
local interval = 1000 / per_s
local tat = math.max(tonumber(s[4]) or 0, now)
local slot = math.max(now, tat - (burst - 1) * interval)
redis.call('HSET', KEYS[1], lane, ms(tat + interval))
if lane == 'interactive' then
  -- Bulk makes room for it, so that both together keep under the ceiling.
  redis.call('HSET', KEYS[1], 'bulk', ms(math.max(tonumber(s[3]) or 0, now) + 1000 / rate))
end
local mark = ms(slot + tonumber(ARGV[6]))
redis.call('SET', KEYS[3], mark, 'PX', math.ceil(slot + tonumber(ARGV[6]) - now) + LINGER)
return {math.ceil(slot - now), 1, epoch, ms(rate), mark, ms(now)}
"""
)

PACE_CONFIRM = (
    _PACE_CLOCK
    + """
-- After waiting for a held slot. KEYS: lanes, pause, channel.
-- ARGV: now, lane, epoch when held, channel mark held.
-- Returns {1, now} if the slot still stands; {0, now} if a 429 came meanwhile (a
-- pause, or bulk slowed down since): the channel is freed and the send asks again.
local now = now_ms()
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = redis.call('HGET', KEYS[1], 'epoch') or '0'
if pause > now or (ARGV[2] == 'bulk' and epoch ~= ARGV[3]) then
  if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
  return {0, ms(now)}
end
return {1, ms(now)}
"""
)

PACE_THROTTLE = (
    _PACE_CLOCK
    + """
-- A 429. KEYS: lanes, pause. ARGV: now, retry after (ms), ceiling, floor.
-- Pauses every send until now + retry after (a longer pause already set stands);
-- halves the bulk rate (not below the floor) once per pause: the other sends that
-- were in flight were paced at the old rate and say nothing new.
-- Returns {now, bulk rate}.
local now = now_ms()
local ceiling = tonumber(ARGV[3])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
local rate = math.min(tonumber(redis.call('HGET', KEYS[1], 'rate') or ARGV[3]), ceiling)
if pause <= now then
  rate = math.max(math.min(tonumber(ARGV[4]), ceiling), rate / 2)
  redis.call('HSET', KEYS[1], 'rate', ms(rate))
  redis.call('HINCRBY', KEYS[1], 'epoch', 1)
end
local till = now + tonumber(ARGV[2])
if till > pause then
  redis.call('SET', KEYS[2], ms(till), 'PX', math.ceil(till - now) + LINGER)
  if (tonumber(redis.call('HGET', KEYS[1], 'bulk') or '0')) < till then
    redis.call('HSET', KEYS[1], 'bulk', ms(till))
  end
end
return {ms(now), ms(rate)}
"""
)

PACE_SUCCEEDED = """
-- A send went through. KEYS: lanes. ARGV: ceiling, step (posts/s).
-- Creeps the bulk rate back up, additively, to the ceiling. Returns the rate.
local ceiling = tonumber(ARGV[1])
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or ARGV[1])
if rate >= ceiling then return string.format('%.3f', ceiling) end
rate = math.min(ceiling, rate + tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'rate', string.format('%.3f', rate))
return string.format('%.3f', rate)
"""

# -- shutdown notices: every key of one job shares its slot {nb:<id>} -------------------
# KEYS of every notice script, in this order (a script uses a prefix of them):
#   job, pending, inflight, tries, sent, failed, audit.
# A claim's value in `inflight` is "<token>|" until its send begins, then
# "<token>|<ms it began>": a target found begun after its lease ran out may have been
# posted, and is looked up on the platform before it is sent again.

_NOTICE_FINISH = """
local function finish(at)
  if redis.call('HGET', KEYS[1], 'state') == 'running' and redis.call('ZCARD', KEYS[2]) == 0 then
    local job = redis.call('HMGET', KEYS[1], 'sent', 'failed')
    redis.call('HSET', KEYS[1], 'state', 'done', 'finished_at', at)
    redis.call('XADD', KEYS[7], '*', 'at', at, 'actor', 'stopbot', 'action', 'done',
               'detail', 'sent ' .. job[1] .. ', failed ' .. job[2])
    return true
  end
  return false
end
"""

NOTICE_CREATE = """
-- KEYS: job, pending, audit. ARGV: send at (ms), created at (ms), actor, detail,
-- field count, fields (name value ...), targets...
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], unpack(ARGV, 6, 5 + fields))
local total, batch = 0, {}
-- ZADD in chunks: unpack() of tens of thousands of values overflows Lua's stack.
for i = 6 + fields, #ARGV do
  batch[#batch + 1] = ARGV[1]
  batch[#batch + 1] = ARGV[i]
  if #batch >= 1000 then
    total = total + redis.call('ZADD', KEYS[2], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then total = total + redis.call('ZADD', KEYS[2], unpack(batch)) end
redis.call('HSET', KEYS[1], 'state', 'scheduled', 'total', total, 'sent', 0, 'failed', 0)
redis.call('XADD', KEYS[3], '*', 'at', ARGV[2], 'actor', ARGV[3], 'action', 'created',
           'detail', ARGV[4])
return 1
"""

NOTICE_CLAIM = (
    _NOTICE_FINISH
    + """
-- KEYS: job, pending, inflight, tries, sent, failed, audit.
-- ARGV: now (ms), lease end (ms), most targets, token.
-- Starts a scheduled job whose time has come. Returns {state} or, for a running job,
-- {'running' (or 'started' when this call started it), target, previous claim ('' or
-- token|began), attempts, ...}.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
if state == 'scheduled' then
  if tonumber(redis.call('HGET', KEYS[1], 'at')) > tonumber(ARGV[1]) then return {state} end
  redis.call('HSET', KEYS[1], 'state', 'running', 'started_at', ARGV[1])
  redis.call('XADD', KEYS[7], '*', 'at', ARGV[1], 'actor', 'stopbot', 'action', 'started',
             'detail', redis.call('HGET', KEYS[1], 'total') .. ' targets')
  state = 'started'
end
if state ~= 'running' and state ~= 'started' then return {state} end
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {state}
for _, target in ipairs(due) do
  redis.call('ZADD', KEYS[2], ARGV[2], target)
  local before = redis.call('HGET', KEYS[3], target) or ''
  local attempts = redis.call('HGET', KEYS[4], target) or '0'
  if string.find(before, '|', 1, true) and string.sub(before, -1) ~= '|' then
    -- Its send had begun and never settled: that was an attempt too.
    attempts = redis.call('HINCRBY', KEYS[4], target, 1)
  end
  out[#out + 1] = target
  out[#out + 1] = before
  out[#out + 1] = attempts
  redis.call('HSET', KEYS[3], target, ARGV[4] .. '|')
end
if #due == 0 and finish(ARGV[1]) then return {'done'} end
return out
"""
)

NOTICE_BEGIN = """
-- KEYS: job, pending, inflight. ARGV: target, token, now (ms), lease end (ms).
-- Records that the send begins, if the claim is still ours and the job still runs.
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] .. '|' then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
redis.call('ZADD', KEYS[2], 'XX', ARGV[4], ARGV[1])
return 1
"""

NOTICE_SETTLE = (
    _NOTICE_FINISH
    + """
-- KEYS: job, pending, inflight, tries, sent, failed, audit.
-- ARGV: target, 'sent' or 'failed', reference or reason, now (ms).
-- Returns 0 (already settled, or not a target of this job), 1 (recorded),
-- 2 (recorded, and that was the job's last target).
if redis.call('HEXISTS', KEYS[5], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[6], ARGV[1]) == 1 then
  return 0
end
-- A cancelled job has no pending set left, but what was in flight may still settle.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) and redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then
  return 0
end
if ARGV[2] == 'sent' then
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'sent', 1)
else
  redis.call('HSET', KEYS[6], ARGV[1], ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'failed', 1)
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if finish(ARGV[4]) then return 2 end
return 1
"""
)

NOTICE_RETRY = """
-- KEYS: job, pending, inflight, tries. ARGV: target, token, when it may be claimed (ms).
-- A transient failure: the target waits for its backoff. Returns its attempts so far,
-- or -1 when the claim is no longer ours.
local claim = redis.call('HGET', KEYS[3], ARGV[1])
if not claim or string.sub(claim, 1, #ARGV[2] + 1) ~= ARGV[2] .. '|' then return -1 end
redis.call('HDEL', KEYS[3], ARGV[1])
local attempts = redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
return attempts
"""

NOTICE_RELEASE = """
-- KEYS: job, pending, inflight. ARGV: token, now (ms), targets...
-- Gives back claimed targets whose send never began (a worker stopping), due at once.
local released = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[3], ARGV[i]) == ARGV[1] .. '|' then
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[i])
    released = released + 1
  end
end
return released
"""

NOTICE_CANCEL = """
-- KEYS: job, pending, audit. ARGV: who, now (ms).
-- Returns {1, state before}, {0, state} when it had ended already, {-1} when missing.
-- Targets already sent stay sent; those in flight settle as they come back.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {-1} end
if state ~= 'scheduled' and state ~= 'running' then return {0, state} end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished_at', ARGV[2], 'cancelled_by', ARGV[1])
redis.call('DEL', KEYS[2])
local job = redis.call('HMGET', KEYS[1], 'sent', 'total')
redis.call('XADD', KEYS[3], '*', 'at', ARGV[2], 'actor', ARGV[1], 'action', 'cancelled',
           'detail', 'sent ' .. job[1] .. ' of ' .. job[2])
return {1, state}
"""

NOTICE_PROGRESS_TURN = """
-- KEYS: job. ARGV: now (ms), next turn (ms). 1 when it is this caller's turn to update
-- the admin's progress message (every process shares the one message, at a set pace).
local next = tonumber(redis.call('HGET', KEYS[1], 'progress_next') or '0')
if tonumber(ARGV[1]) < next then return 0 end
redis.call('HSET', KEYS[1], 'progress_next', ARGV[2])
return 1
"""
