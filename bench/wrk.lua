-- Counts responses by status class and prints exact figures for bench/wrk.py to parse.
-- With BENCH_PATHS set (paths separated by spaces) each request takes the next path in
-- turn: the soak's mix of pages.
local threads = {}
local paths = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2, s3, s4, s5 = 0, 0, 0, 0
  local list = os.getenv("BENCH_PATHS")
  if list then
    for p in string.gmatch(list, "%S+") do table.insert(paths, p) end
  end
end

function request()
  if #paths == 0 then return wrk.format() end
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local t = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("s2")
    t[2] = t[2] + thread:get("s3")
    t[3] = t[3] + thread:get("s4")
    t[4] = t[4] + thread:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d " ..
    "s2=%d s3=%d s4=%d s5=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, t[1], t[2], t[3], t[4], e.connect, e.read, e.write, e.timeout))
end
