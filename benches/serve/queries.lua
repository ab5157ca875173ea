-- wrk script for benches/serve/run.sh: each request is GET /api/search?q=… with the next of
-- the 64 bench queries (../shared/bench/queries.txt, path in $QUERIES), round-robin per
-- connection; any answer but 200 is counted and its first body printed. done() prints the
-- figures the README quotes.
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  if line:match("%S") then
    queries[#queries + 1] = line
  end
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paths = {}
for i, q in ipairs(queries) do
  paths[i] = "/api/search?q=" .. encode(q)
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  n = id * 7
  bad = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    if bad == 0 then
      io.stderr:write("status " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT queries=%d requests=%d non200=%d socket_errors=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    #queries, summary.requests, bad_total, socket, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
