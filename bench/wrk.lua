-- The wrk script of bench.load: replays one scenario's requests and reports what the benchmark
-- needs besides wrk's own latency histogram.
--
--   wrk -c 16 -t 2 -d 20s -s bench/wrk.lua http://127.0.0.1:8000 -- REQUESTS.tsv
--
-- REQUESTS.tsv holds one request per line: METHOD, path, Cookie header, X-CSRFToken header and
-- (for POST) a form body in which "{n}" is replaced by a number unique within the run and "{key}" by
-- a fresh idempotency key. Every connection draws a random line per request. Each thread counts the
-- status codes and the SQL queries the benchmark build reports in X-Bench-Queries; done() prints one
-- JSON object.

local threads = {}
local requests = {}
local counter = 0

thread_id = 0

statuses = {}
errors_by_status = 0
queries_min = -1
queries_max = -1
queries_sum = 0
queries_seen = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, cookie, csrf, body = line:match("^(%u+)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    if method then
      table.insert(requests, { method = method, path = path, cookie = cookie, csrf = csrf, body = body })
    end
  end
  math.randomseed(os.time() + thread_id * 7919)
  local host = wrk.host .. ":" .. wrk.port
  -- Production runs behind a TLS proxy: the same header makes the prod settings see HTTPS.
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Origin"] = "https://" .. host
  wrk.headers["Referer"] = "https://" .. host .. "/"
end

-- A UUID-shaped idempotency key: unique within the run by thread and counter, random across runs.
function submission_key()
  return string.format(
    "%08x-%04x-4%03x-a%03x-%04x%08x",
    math.random(0, 0x7fffffff), thread_id % 0x10000, math.random(0, 0xfff), math.random(0, 0xfff),
    math.random(0, 0xffff), counter % 0x100000000
  )
end

function request()
  local r = requests[math.random(#requests)]
  -- wrk.format uses wrk.headers only when no headers are given: copy them.
  local headers = { ["Cookie"] = r.cookie }
  for name, value in pairs(wrk.headers) do headers[name] = value end
  if r.method == "POST" then
    counter = counter + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = r.csrf
    local body = r.body:gsub("{n}", thread_id .. "-" .. counter)
    body = body:gsub("{key}", submission_key())
    return wrk.format("POST", r.path, headers, body)
  end
  return wrk.format("GET", r.path, headers)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local value = tonumber(headers["X-Bench-Queries"] or headers["x-bench-queries"] or "")
  if value then
    if queries_min < 0 or value < queries_min then queries_min = value end
    if value > queries_max then queries_max = value end
    queries_sum = queries_sum + value
    queries_seen = queries_seen + 1
  end
end

local function json_object(pairs_table)
  local parts = {}
  for key, value in pairs(pairs_table) do
    table.insert(parts, string.format("%q:%s", key, tostring(value)))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, _)
  local all_statuses, qmin, qmax, qsum, qseen = {}, -1, -1, 0, 0
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      all_statuses[key] = (all_statuses[key] or 0) + count
    end
    local tmin, tmax = thread:get("queries_min"), thread:get("queries_max")
    if tmin >= 0 and (qmin < 0 or tmin < qmin) then qmin = tmin end
    if tmax > qmax then qmax = tmax end
    qsum = qsum + thread:get("queries_sum")
    qseen = qseen + thread:get("queries_seen")
  end
  local e = summary.errors
  io.write("BENCH-RESULT ", json_object({
    seconds = summary.duration / 1e6,
    requests = summary.requests,
    p50_ms = latency:percentile(50) / 1000,
    p95_ms = latency:percentile(95) / 1000,
    p99_ms = latency:percentile(99) / 1000,
    mean_ms = latency.mean / 1000,
    max_ms = latency.max / 1000,
    statuses = json_object(all_statuses),
    socket_errors = json_object({ connect = e.connect, read = e.read, write = e.write, timeout = e.timeout }),
    queries_min = qmin,
    queries_max = qmax,
    queries_mean = qseen > 0 and qsum / qseen or -1,
  }), "\n")
end
