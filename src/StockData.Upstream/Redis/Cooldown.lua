-- Shared 429 cooldown: extend-only, so one replica's short pause never cuts another's longer one.
--
-- KEYS[1] cooldown, KEYS[2] strikes
-- ARGV[1] requested pause in ms (Retry-After), or -1 for the default doubled per strike
-- ARGV[2] default ms, ARGV[3] cap ms, ARGV[4] strikes TTL ms, ARGV[5] 1 = a 429 (counts a strike), 0 = a plain extend
--
-- Returns {pause left in ms, strikes, 1 if this call moved the expiry later}.
local requested = tonumber(ARGV[1])
local current = redis.call('PTTL', KEYS[1])
local strikes = tonumber(redis.call('GET', KEYS[2])) or 0

if ARGV[5] == '1' then
  -- Only a 429 outside a running cooldown starts a new episode: the 429s of requests already in flight when the
  -- first one came back (from every replica at once) are the same episode and must not double the pause again.
  if current <= 0 or strikes == 0 then
    strikes = redis.call('INCR', KEYS[2])
  end
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end

local duration = requested
if duration < 0 then
  local doublings = strikes - 1
  if doublings < 0 then
    doublings = 0
  end
  -- Capped before the power can overflow anything: 2^40 ms is already decades.
  if doublings > 40 then
    doublings = 40
  end
  duration = tonumber(ARGV[2]) * 2 ^ doublings
end
local cap = tonumber(ARGV[3])
if duration > cap then
  duration = cap
end
duration = math.ceil(duration)

-- PTTL is -2 for a missing key and -1 for one without expiry (never written by us): both are overwritten.
-- A zero pause (Retry-After: 0) sets nothing.
local extended = 0
if duration >= 1 and duration > current then
  redis.call('SET', KEYS[1], strikes, 'PX', duration)
  current = duration
  extended = 1
end
if current < 0 then
  current = 0
end
return {current, strikes, extended}
