-- wrk script: the same get_ids_info tool call on each of 64 sessions, as
-- 2026-07-28 requests (envelope + headers), round robin. The session ids
-- come from the environment (IDSD_BENCH_SESSIONS, space-separated), made by
-- bench/http/run.sh.
local ids = {}
for id in string.gmatch(os.getenv("IDSD_BENCH_SESSIONS") or "", "%S+") do ids[#ids + 1] = id end
local n = 0
request = function()
  n = n + 1
  local sid = ids[(n % #ids) + 1]
  local body = '{"jsonrpc":"2.0","id":' .. n .. ',"method":"tools/call","params":{"name":"get_ids_info",' ..
    '"arguments":{"session_id":"' .. sid .. '"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",' ..
    '"io.modelcontextprotocol/clientCapabilities":{}}}}'
  return wrk.format("POST", "/mcp", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = "2026-07-28",
    ["Mcp-Method"] = "tools/call",
    ["Mcp-Name"] = "get_ids_info",
    ["Mcp-Param-Session"] = sid,
  }, body)
end
