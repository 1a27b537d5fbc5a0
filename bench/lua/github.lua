-- wrk script: cycle through a pregenerated list of GitHub-API requests.
--
--   wrk -t1 -c32 -d5s -s bench/lua/github.lua http://127.0.0.1:PORT
--
-- The list is one "METHOD PATH" a line (bench/report.py writes it with
-- http_apps.write_requests): 203 routes x 20 distinct concrete paths (ids
-- vary), shuffled.  Its file is $WRK_REQUESTS, or bench/lua/github_requests.txt
-- relative to the current directory.  Each wrk thread starts at a different
-- offset so threads do not send the same path at the same time.

local requests = {}
local counter = 1

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
  counter = (math.random(#requests) - 1)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
