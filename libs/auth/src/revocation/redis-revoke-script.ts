/**
 * The revoke script, one atomic step: record (a later until wins), trim what expired, tell every
 * replica. Time is Redis's own (TIME), never the writer's clock: a replica hours fast would otherwise
 * trim the others' live entries, and one hours slow would record revocations already over for
 * everyone else. ARGV: lifetime (seconds), channel, then key, until pairs, where until '+' means now
 * plus the lifetime; the message is the pairs, flat, with each until as recorded.
 */
export const REVOKE_SCRIPT = `
local now = tonumber(redis.call('TIME')[1])
local recorded = {}
for i = 3, #ARGV, 2 do
  local expiry = ARGV[i + 1]
  if expiry == '+' then expiry = tostring(now + tonumber(ARGV[1])) end
  redis.call('ZADD', KEYS[1], 'GT', expiry, ARGV[i])
  recorded[#recorded + 1] = ARGV[i]
  recorded[#recorded + 1] = expiry
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PUBLISH', ARGV[2], cjson.encode(recorded))
return 1`;

/** The until a revoke sends the script: the given one, or '+' for Redis's now plus the lifetime. */
export type ScriptUntil = number | '+';
