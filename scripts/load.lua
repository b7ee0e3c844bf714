-- wrk script for scripts/load_test.py: a mix of page reads and members' votes and comments.
--
-- The plan (members with their session and CSRF cookies, collabs, threads, the
-- mix) comes from the Lua file named by LOAD_PLAN, written by load_test.py.
-- Each wrk thread owns the members whose index is its own modulo the thread count, so
-- its counters need no coordination:
--   * votes: each (member, collab) pair is voted on at most once in a run, so every
--     successful answer is a cast, and the final Vote rows must equal that number;
--   * comments: at most COMMENTS_PER_MINUTE per member in any minute, under the site's
--     limit (5 a minute), so the run measures capacity, not the rate limits;
--   * writes stop plan.drain seconds before the end, so none is still in flight when wrk
--     stops counting: every vote the server stored has had its answer counted.
-- done() prints one line starting with "LOAD-RESULT " and a JSON object.

local plan = dofile(os.getenv("LOAD_PLAN"))

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter - 1)
  table.insert(threads, thread)
end

local mine = {}          -- this thread's members
local next_pair = {}     -- per member: index of the next collab to vote for
local comment_times = {} -- per member: times of its recent comments
local rr = 0             -- round robin over this thread's members

local started = nil

statuses = {}
votes_answered = 0
votes_ok = 0
votes_other = 0
comments_ok = 0
reads = 0
votes_sent = 0
comments_sent = 0

function init(args)
  for _, member in ipairs(plan.members) do
    if member.index % plan.threads == thread_index then
      table.insert(mine, member)
      next_pair[member.session] = 1 + ((member.index * 7) % #plan.collabs)
      comment_times[member.session] = {}
    end
  end
  math.randomseed(os.time() + thread_index * 7919)
end

local function cookie(member)
  return "sessionid=" .. member.session .. "; csrftoken=" .. member.csrf
end

local function post(path, member, body)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie(member),
    ["X-CSRFToken"] = member.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

local function read(member)
  local path = plan.reads[math.random(#plan.reads)]
  reads = reads + 1
  if member and math.random() < plan.member_read_share then
    return wrk.format("GET", path, { ["Cookie"] = cookie(member) })
  end
  return wrk.format("GET", path)
end

local function vote(member)
  local k = next_pair[member.session]
  if k == nil then return nil end
  local collab = plan.collabs[k]
  -- Walk this member's collabs once: stop when back where it started.
  local following = k % #plan.collabs + 1
  local first = 1 + ((member.index * 7) % #plan.collabs)
  if following == first then next_pair[member.session] = nil else next_pair[member.session] = following end
  votes_sent = votes_sent + 1
  return post("/collabs/" .. collab.slug .. "/vote/", member, "")
end

local function comment(member)
  local now = os.time()
  local recent = {}
  for _, t in ipairs(comment_times[member.session]) do
    if now - t < 61 then table.insert(recent, t) end
  end
  comment_times[member.session] = recent
  if #recent >= plan.comments_per_minute then return nil end
  table.insert(recent, now)
  local collab = plan.collabs[math.random(#plan.collabs)]
  comments_sent = comments_sent + 1
  return post("/comments/thread/" .. collab.thread .. "/post/", member,
              "body=Load+test+comment+from+" .. member.index)
end

local verified = false

function request()
  if thread_index == 0 and not verified then
    -- wrk calls request() once in thread 0 to check the script and never sends it:
    -- answer with something that spends none of the counted votes or comments.
    verified = true
    return wrk.format("GET", "/robots.txt")
  end
  rr = rr % #mine + 1
  local member = mine[rr]
  local dice = math.random()
  local req = nil
  started = started or os.time()
  if os.time() - started >= plan.duration - plan.drain then
    return read(member)
  end
  if dice < plan.vote_share then
    req = vote(member)
  elseif dice < plan.vote_share + plan.comment_share then
    req = comment(member)
  end
  return req or read(member)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local fragment = not body:find("<html", 1, true)
  if fragment and body:find('<div id="vote-', 1, true) then
    votes_answered = votes_answered + 1
  end
  if status == 200 and fragment and body:find('<div id="vote-', 1, true) then
    if body:find('aria-pressed="true"', 1, true) then
      votes_ok = votes_ok + 1
    else
      votes_other = votes_other + 1
    end
  elseif status == 200 and fragment and body:find("Load test comment from", 1, true) then
    comments_ok = comments_ok + 1
  end
end

function done(summary, latency, requests)
  local total_statuses = {}
  local totals = { votes_ok = 0, votes_other = 0, votes_answered = 0, comments_ok = 0,
                   reads = 0, votes_sent = 0, comments_sent = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    for code, n in pairs(thread:get("statuses")) do
      local key = tostring(code)
      total_statuses[key] = (total_statuses[key] or 0) + n
    end
  end
  local parts = {}
  for name, value in pairs(totals) do table.insert(parts, string.format('"%s": %d', name, value)) end
  local codes = {}
  for code, n in pairs(total_statuses) do table.insert(codes, string.format('"%s": %d', code, n)) end
  table.insert(parts, '"statuses": {' .. table.concat(codes, ", ") .. "}")
  table.insert(parts, string.format('"requests": %d', summary.requests))
  table.insert(parts, string.format('"duration_us": %d', summary.duration))
  table.insert(parts, string.format('"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}',
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
  table.insert(parts, string.format('"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %d}',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
  io.write("LOAD-RESULT {" .. table.concat(parts, ", ") .. "}\n")
end
