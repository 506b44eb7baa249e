-- Shared token bucket as GCRA (generic cell rate algorithm): one number per bucket, the theoretical arrival time
-- (TAT) of the next permit, in microseconds on the Redis server's clock. A bucket of `burst` permits refilled
-- continuously at one permit per `interval` is exactly "a request may go at TAT - burst*interval".
--
-- KEYS[1] bucket (TAT), KEYS[2] cooldown (PTTL = pause left), KEYS[3] strikes (consecutive 429s, read only here),
-- KEYS[4] ramp (optional: when the current cold-start ramp began, µs)
-- ARGV[1] interval: µs per permit (1e6 / rate), ARGV[2] burst, ARGV[3] permits (0 = only ask whether one is free now),
-- ARGV[4] max wait in µs: a slot further ahead is refused, not reserved, ARGV[5] instant burst: the most permits
-- ready at once (1..burst; absent = burst), ARGV[6] cold-start ramp in µs (absent or 0 = none)
--
-- Returns {granted 0/1, delay µs until the slot (or, refused, until a permit would be free), permits left
-- (negative = reservations queued), cooldown ms left, strikes present 0/1}.
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local instant = math.max(1, math.min(tonumber(ARGV[5]) or burst, burst))
local ramp = tonumber(ARGV[6]) or 0
if KEYS[4] == nil then
  ramp = 0
end

-- The server's clock, not the callers': replicas' skew cannot hand out extra permits (docs/resilience-background.md §1.4).
-- Redis 7 replicates a script's effects, so TIME is safe for replicas and the AOF.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

-- A missing key is an idle or never-used bucket. It holds `instant` permits, not `burst`: the rest of the burst is the
-- upstream's margin for requests that reach it closer together than their slots, above all a fleet starting cold
-- (its first requests all finishing JIT and connection set-up together). Spending it at the start left the upstream
-- no margin for its first second. Never let a stale TAT move the clock backwards either (go-zero #4072).
local ready = now + (burst - instant) * interval
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = stored or ready
if tat < ready then
  tat = ready
end

-- A 429 cooldown: no slot before it ends, and it ends on an empty bucket, so the replicas resume at the steady
-- rate instead of all sending their burst into an upstream that has just throttled them.
local cooldown = redis.call('PTTL', KEYS[2])
if cooldown > 0 then
  local floor = now + cooldown * 1000 + (burst - 1) * interval
  if tat < floor then
    tat = floor
  end
else
  cooldown = 0
end

-- A cold start ramps the spacing from twice the interval down to the interval over `ramp` µs (slow start). A fleet
-- starting together has every process cold at once: on a small host their first sends stall behind each other's JIT
-- and leave in bunches the upstream's one spare permit cannot absorb (measured: three cold replicas at 40/s met one
-- 429 in their first second in every run; one replica never). Wider slots while the processes warm up absorb those
-- stalls. A ramp begins with the first grant on an empty bucket (a cold start, or after an idle spell), and again at
-- the end of a 429 cooldown: the upstream has just said the fleet went too fast, so it resumes slowly too.
local spacing = interval
local ramp_started = nil
local new_ramp = nil
if ramp > 0 then
  if stored == nil then
    new_ramp = now
  else
    ramp_started = tonumber(redis.call('GET', KEYS[4]))
  end
  if cooldown > 0 then
    local ends = now + cooldown * 1000
    if ramp_started == nil or ramp_started < ends - 1000 then
      new_ramp = ends
    end
  end
  if new_ramp ~= nil then
    ramp_started = new_ramp
  end
  -- Progress is read at the slot being reserved, not at `now`: callers queue reservations ahead, and at `now` a ramp
  -- would last as long again as the queue is deep.
  if ramp_started ~= nil and tat - ramp_started < ramp then
    spacing = interval * (2 - math.max(0, tat - ramp_started) / ramp)
  end
end

local strikes = redis.call('EXISTS', KEYS[3])
local tolerance = burst * interval
local cost = permits
if cost < 1 then
  cost = 1
end
local new_tat = tat + cost * interval
local delay = new_tat - tolerance - now
-- Below a microsecond (the clock's unit) is the floating-point residue of the instant-burst floor, not a wait.
if delay < 1 then
  delay = 0
end

if permits == 0 or delay > max_wait then
  -- Asking or refusing writes nothing: only a grant moves the bucket.
  local granted = 0
  if permits == 0 and delay == 0 then
    granted = 1
  end
  return {granted, math.ceil(delay), math.floor((now + tolerance - tat) / interval), cooldown, strikes}
end

-- Reserve: store the new TAT (rounded up, so rounding never admits early) and let the key expire when the bucket
-- would be full again; a missing key reads as a bucket holding `instant` permits, so the expiry never over-admits.
-- During a ramp the grant itself is on time; the wider spacing moves the next slot.
new_tat = math.ceil(tat + cost * spacing)
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
if new_ramp ~= nil then
  redis.call('SET', KEYS[4], string.format('%.0f', new_ramp), 'PX', math.ceil((new_ramp - now + ramp) / 1000) + 1)
end
return {1, math.ceil(delay), math.floor((now + tolerance - new_tat) / interval), cooldown, strikes}
