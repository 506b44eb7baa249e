-- Shared token bucket as GCRA (generic cell rate algorithm): one number per bucket, the theoretical arrival time
-- (TAT) of the next permit, in microseconds on the Redis server's clock. A bucket of `burst` permits refilled
-- continuously at one permit per `interval` is exactly "a request may go at TAT - burst*interval".
--
-- KEYS[1] bucket (TAT), KEYS[2] cooldown (PTTL = pause left), KEYS[3] strikes (consecutive 429s, read only here)
-- ARGV[1] interval: µs per permit (1e6 / rate), ARGV[2] burst, ARGV[3] permits (0 = only ask whether one is free now),
-- ARGV[4] max wait in µs: a slot further ahead is refused, not reserved
--
-- Returns {granted 0/1, delay µs until the slot (or, refused, until a permit would be free), permits left
-- (negative = reservations queued), cooldown ms left, strikes present 0/1}.
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])

-- The server's clock, not the callers': replicas' skew cannot hand out extra permits (docs/resilience-background.md §1.4).
-- Redis 7 replicates a script's effects, so TIME is safe for replicas and the AOF.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local tat = tonumber(redis.call('GET', KEYS[1])) or now
-- A full bucket has TAT <= now; never let a stale TAT move the clock backwards (go-zero #4072).
if tat < now then
  tat = now
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

local strikes = redis.call('EXISTS', KEYS[3])
local tolerance = burst * interval
local cost = permits
if cost < 1 then
  cost = 1
end
local new_tat = tat + cost * interval
local delay = new_tat - tolerance - now
if delay < 0 then
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
-- would be full again; a missing key reads as a full bucket, so the expiry can never over-admit.
new_tat = math.ceil(new_tat)
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.ceil(delay), math.floor((now + tolerance - new_tat) / interval), cooldown, strikes}
