-- wrk script for deploy/bench/api-bench: POST /api/v1/domains with a unique name per request.
-- The tenant API key comes from the API_KEY environment variable.
local counter = 0
local prefix = ""
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  math.randomseed(os.time() + (thread_id or 0))
  prefix = string.format("t%d-%06x", thread_id or 0, math.random(0, 0xffffff))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("API_KEY")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"%s-%d.create.bench.example","nextHops":[{"host":"mx.bench.example","port":25,"preference":10}]}',
    prefix, counter)
  return wrk.format(nil, nil, nil, body)
end
