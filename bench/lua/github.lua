-- wrk script: cycle through a pregenerated list of GitHub-API requests.
--
--   wrk -t1 -c32 -d5s -s bench/lua/github.lua http://127.0.0.1:PORT
--
-- The list is one "METHOD PATH" a line (bench/report.py writes it with
-- http_apps.write_requests): 203 routes x 20 distinct concrete paths (ids
-- vary), shuffled.  Its file is $WRK_REQUESTS, or bench/lua/github_requests.txt
-- relative to the current directory.  report.py also points $WRK_REQUESTS at
-- the JSON endpoint's list (json_apps.write_requests), written the same way.  Each wrk thread starts at a different
-- offset so threads do not send the same path at the same time.
--
-- $WRK_PIPELINE (default 1): HTTP pipelining, that many requests (the next
-- ones of the list) written together on a connection before their responses
-- are read, as TechEmpower's plaintext test does with 16.  wrk takes the
-- depth from the number of requests in what request() returns.

local requests = {}
local counter = 1
local depth = 1

function init(args)
  local file = os.getenv("WRK_REQUESTS") or "bench/lua/github_requests.txt"
  local f = assert(io.open(file, "r"), "cannot open " .. file)
  for line in f:lines() do
    local method, path = line:match("^(%S+)%s+(%S+)$")
    if method then
      requests[#requests + 1] = wrk.format(method, path)
    end
  end
  f:close()
  assert(#requests > 0, "no requests in " .. file)
  depth = tonumber(os.getenv("WRK_PIPELINE") or "1") or 1
  counter = (math.random(#requests) - 1)
end

local function next_request()
  counter = counter % #requests + 1
  return requests[counter]
end

function request()
  if depth <= 1 then
    return next_request()
  end
  local batch = {}
  for i = 1, depth do
    batch[i] = next_request()
  end
  return table.concat(batch)
end
