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

PENDING_FORM_OPEN = """
-- KEYS: the user's form hash. ARGV: form (JSON), ttl (s). Replaces any earlier form
-- with its answers.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'form', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

PENDING_FORM_ANSWER = """
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

PACE_PAUSE_LEFT = (
    _PACE_CLOCK
    + """
-- KEYS: pause. ARGV: now. Returns the ms left of a pause in force (0: none): what an
-- interactive send waits for, booking nothing.
local now = now_ms()
local pause = tonumber(redis.call('GET', KEYS[1]) or '0')
if pause > now then return math.ceil(pause - now) end
return 0
"""
)

PACE_TURN = (
    _PACE_CLOCK
    + """
-- KEYS: lanes, pause, channel.
-- ARGV: now, lane, ceiling, interactive rate, interactive burst, channel spacing (ms;
-- 0: not a post, the channel is neither waited for nor marked).
-- Returns {wait ms, held, epoch, bulk rate, channel mark, now}. held = 1: this send
-- has its slot (of the lane and of the channel) at now + wait; held = 0: nothing is
-- held (a pause, or the channel is busy), ask again after wait.
local now = now_ms()
local spacing = tonumber(ARGV[6])
local lane = ARGV[2]
local ceiling = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'rate', 'epoch', 'bulk', lane)
local rate = math.min(tonumber(s[1]) or ceiling, ceiling)
local epoch = s[2] or '0'
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return {math.ceil(pause - now), 0, epoch, ms(rate), '', ms(now)} end
local free = 0
if spacing > 0 then free = tonumber(redis.call('GET', KEYS[3]) or '0') end
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
local mark = ''
if spacing > 0 then
  mark = ms(slot + spacing)
  redis.call('SET', KEYS[3], mark, 'PX', math.ceil(slot + spacing - now) + LINGER)
end
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

NOTICE_REPORT_TURN = """
-- KEYS: job. ARGV: now (ms), until when the caller holds the turn (ms).
-- 1 when the caller is to send the job's final report: the job has ended, its report
-- has not gone out, and nobody holds the turn (a process that died holding it lets it
-- lapse, so the report is retried, never lost).
local job = redis.call('HMGET', KEYS[1], 'state', 'reported', 'report_until')
if job[1] ~= 'done' and job[1] ~= 'cancelled' then return 0 end
if job[2] then return 0 end
if tonumber(ARGV[1]) < tonumber(job[3] or '0') then return 0 end
redis.call('HSET', KEYS[1], 'report_until', ARGV[2])
return 1
"""

NOTICE_REPORTED = """
-- KEYS: job. ARGV: now (ms). The final report went out: it is not sent again.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'reported', ARGV[1])
redis.call('HDEL', KEYS[1], 'report_until')
return 1
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
