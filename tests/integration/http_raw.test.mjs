// The HTTP transport's own rules against the real binary, with bare fetch:
// legacy sessions (missing 400, unknown 404, DELETE frees, metrics show it),
// both eras on one server, header checks, Origin 403, bearer 401, body 413,
// capacity 503, /healthz, /metrics, GET streams and clean shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeRoot } from './lib.mjs';
import { startServer, post, modern, initialize, metric, JSON_HEADERS } from './httplib.mjs';

let srv, root;

before(async () => {
  root = makeRoot();
  srv = await startServer(['--root', root.dir, '--max-body-bytes', '256k', '--max-sessions', '50']);
});

after(async () => {
  const r = await srv.stop();
  root.cleanup();
  assert.equal(r.code, 0, `idsd exit status ${r.code} ${r.signal ?? ''}\n${r.stderr}`);
});

test('healthz and metrics answer', async () => {
  const h = await fetch(`${srv.base}/healthz`);
  assert.equal(h.status, 200);
  assert.equal(await h.text(), 'ok\n');
  const m = await (await fetch(`${srv.base}/metrics`)).text();
  for (const name of ['idsd_sessions_live', 'idsd_sessions_created_total', 'idsd_sessions_ended_total',
                      'idsd_sessions_evicted_total', 'idsd_sessions_expired_total',
                      'idsd_sessions_rejected_total', 'idsd_document_bytes',
                      'idsd_request_duration_seconds_bucket', 'idsd_tool_calls_total'])
    assert.match(m, new RegExp(`^${name}`, 'm'), name);
});

test('legacy: missing session 400, unknown session 404, notifications 202', async () => {
  const noSid = await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
  assert.equal(noSid.status, 400);
  assert.equal(noSid.body.error.code, -32600);
  const unknown = await post(srv.url, { jsonrpc: '2.0', id: 3, method: 'tools/list' },
                             { 'mcp-session-id': '0123456789abcdef0123456789abcdef' });
  assert.equal(unknown.status, 404);
  const sid = await initialize(srv.url);
  assert.match(sid, /^[0-9a-f]{32}$/);
  const note = await post(srv.url, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } },
                          { 'mcp-session-id': sid });
  assert.equal(note.status, 202);
  const wrongVersion = await post(srv.url, { jsonrpc: '2.0', id: 4, method: 'tools/list' },
                                  { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' });
  assert.equal(wrongVersion.status, 400);
  const ok = await post(srv.url, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, { 'mcp-session-id': sid });
  assert.equal(ok.status, 200);
  assert.ok(ok.body.result.tools.length > 5);
});

test('legacy: DELETE frees the session and its document (metrics show it)', async () => {
  const sid = await initialize(srv.url);
  const created = await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'tools/call',
                                        params: { name: 'create_ids', arguments: { title: 'gone soon' } } },
                             { 'mcp-session-id': sid });
  assert.equal(created.body.result.structuredContent.session_id, sid);
  const live = await metric(srv.base, 'idsd_sessions_live');
  const ended = await metric(srv.base, 'idsd_sessions_ended_total');
  const del = await fetch(srv.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
  assert.equal(del.status, 200);
  assert.equal(await metric(srv.base, 'idsd_sessions_live'), live - 1);
  assert.equal(await metric(srv.base, 'idsd_sessions_ended_total'), ended + 1);
  const after = await post(srv.url, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-session-id': sid });
  assert.equal(after.status, 404);
  const again = await fetch(srv.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
  assert.equal(again.status, 404);
  // A modern call naming the ended session gets a tool error, not a document.
  const read = await modern(srv.url, 4, 'resources/read', { uri: `ids://session/${sid}` });
  assert.equal(read.body.error.code, -32602);
});

test('modern: header checks, 404 for unknown and removed methods, GET/DELETE 405', async () => {
  const list = await modern(srv.url, 1, 'tools/list');
  assert.equal(list.status, 200);
  assert.equal(list.body.result.resultType, 'complete');
  assert.equal(list.headers.get('mcp-session-id'), null);
  const mismatch = await modern(srv.url, 2, 'tools/list', {}, { 'mcp-method': 'prompts/list' });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.error.code, -32020);
  const b64 = await modern(srv.url, 3, 'prompts/get', { name: 'author_ids', arguments: { requirement: 'x' } },
                           { 'mcp-name': `=?base64?${Buffer.from('author_ids').toString('base64')}?=` });
  assert.equal(b64.status, 200, JSON.stringify(b64.body));
  const unknown = await modern(srv.url, 4, 'no/such');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, -32601);
  const init = await modern(srv.url, 5, 'initialize');
  assert.equal(init.status, 404);
  const unsupported = await post(srv.url, { jsonrpc: '2.0', id: 6, method: 'tools/list',
                                            params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01',
                                                               'io.modelcontextprotocol/clientCapabilities': {} } } },
                                 { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' });
  assert.equal(unsupported.status, 400);
  assert.equal(unsupported.body.error.code, -32022);
  assert.ok(unsupported.body.error.data.supported.includes('2026-07-28'));
  const get = await fetch(srv.url, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2026-07-28' } });
  assert.equal(get.status, 405);
  const del = await fetch(srv.url, { method: 'DELETE', headers: { 'mcp-protocol-version': '2026-07-28' } });
  assert.equal(del.status, 405);
  // Mcp-Param-Session must mirror the session_id argument.
  const bad = await modern(srv.url, 7, 'tools/call', { name: 'export_ids', arguments: { session_id: 'a'.repeat(32) } },
                           { 'mcp-param-session': 'b'.repeat(32) });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, -32020);
});

test('both eras on one server share one document store', async () => {
  const sid = await initialize(srv.url, '2025-06-18');
  await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'tools/call',
                        params: { name: 'create_ids', arguments: { title: 'Shared' } } }, { 'mcp-session-id': sid });
  const spec = await modern(srv.url, 3, 'tools/call', { name: 'add_specification',
                                                        arguments: { session_id: sid, name: 'From modern', ifc_versions: 'IFC4' } });
  assert.equal(spec.status, 200);
  assert.equal(spec.body.result.isError, false, JSON.stringify(spec.body));
  const read = await post(srv.url, { jsonrpc: '2.0', id: 4, method: 'resources/read',
                                     params: { uri: `ids://session/${sid}` } }, { 'mcp-session-id': sid });
  assert.match(read.body.result.contents[0].text, /From modern/);
});

test('Origin: a foreign one is 403, a loopback one is allowed; Host is checked', async () => {
  const evil = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'http://evil.example' });
  assert.equal(evil.status, 403);
  const local = await modern(srv.url, 2, 'tools/list', {}, { origin: 'http://localhost:3000' });
  assert.equal(local.status, 200);
  assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  const nullOrigin = await post(srv.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, { origin: 'null' });
  assert.equal(nullOrigin.status, 403);
});

test('body limit: Content-Length and chunked bodies over --max-body-bytes get 413', async () => {
  const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(300 * 1024) } });
  const r = await fetch(srv.url, { method: 'POST', headers: JSON_HEADERS, body: big });
  assert.equal(r.status, 413);
  const stream = new ReadableStream({
    start(c) { for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode('x'.repeat(10000))); c.close(); },
  });
  const r2 = await fetch(srv.url, { method: 'POST', headers: JSON_HEADERS, body: stream, duplex: 'half' }).catch((e) => e);
  if (r2 instanceof Error) return;  // the server may close before the upload ends
  assert.equal(r2.status, 413);
});

test('hostile input: garbage bodies and headers never crash the server', async () => {
  const cases = ['', 'null', '[', '{"jsonrpc":"2.0","id":1}', '[]', '\u0000\u0001', '{"a":1,"a":2}',
                 JSON.stringify({ jsonrpc: '2.0', id: {}, method: 'x' })];
  for (const body of cases) {
    const r = await post(srv.url, body, { 'mcp-session-id': 'x'.repeat(100) });
    assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} -> ${r.status}`);
  }
  const weird = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META_BAD() } },
                           { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list', 'mcp-name': '=?base64?!!!?=' });
  assert.equal(weird.status, 400);
  const ct = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(ct.status, 415);
  assert.equal((await fetch(`${srv.base}/elsewhere`)).status, 404);
  assert.equal((await fetch(srv.url, { method: 'PUT', body: 'x' })).status, 405);
  assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
});

function META_BAD() {
  return { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': 7 };
}

test('legacy GET stream delivers resources/updated for subscribed documents', async () => {
  const sid = await initialize(srv.url);
  await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'tools/call',
                        params: { name: 'create_ids', arguments: { title: 'Watched' } } }, { 'mcp-session-id': sid });
  const sub = await post(srv.url, { jsonrpc: '2.0', id: 3, method: 'resources/subscribe',
                                    params: { uri: `ids://session/${sid}` } }, { 'mcp-session-id': sid });
  assert.deepEqual(sub.body.result, {});
  const ac = new AbortController();
  const res = await fetch(srv.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid }, signal: ac.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const second = await fetch(srv.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid } });
  assert.equal(second.status, 409);
  const reader = res.body.getReader();
  let text = '';
  const got = (async () => {
    while (!text.includes('notifications/resources/updated')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  })();
  await post(srv.url, { jsonrpc: '2.0', id: 4, method: 'tools/call',
                        params: { name: 'add_specification', arguments: { name: 'S', ifc_versions: 'IFC4' } } },
             { 'mcp-session-id': sid });
  await got;
  assert.match(text, new RegExp(`ids://session/${sid}`));
  ac.abort();
});

test('capacity: initialize beyond --max-sessions is 503 with a JSON-RPC error', async () => {
  const sids = [];
  let last;
  for (let i = 0; i < 60; i++) {
    last = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'initialize',
                                 params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    if (last.status !== 200) break;
    sids.push(last.headers.get('mcp-session-id'));
  }
  assert.equal(last.status, 503);
  assert.equal(last.body.error.code, -32603);
  assert.ok((await metric(srv.base, 'idsd_sessions_rejected_total')) >= 1);
  for (const sid of sids) await fetch(srv.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
});

test('bearer token: required when configured, WWW-Authenticate on 401', async () => {
  const s2 = await startServer(['--auth-token', 'secret-token-0123456789']);
  try {
    const no = await modern(s2.url, 1, 'tools/list');
    assert.equal(no.status, 401);
    assert.match(no.headers.get('www-authenticate'), /^Bearer/);
    const wrong = await modern(s2.url, 2, 'tools/list', {}, { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    const yes = await modern(s2.url, 3, 'tools/list', {}, { authorization: 'Bearer secret-token-0123456789' });
    assert.equal(yes.status, 200);
    assert.equal((await fetch(`${s2.base}/healthz`)).status, 200);
    assert.equal((await fetch(`${s2.base}/metrics`)).status, 401);
  } finally {
    const r = await s2.stop();
    assert.equal(r.code, 0, r.stderr);
  }
});
