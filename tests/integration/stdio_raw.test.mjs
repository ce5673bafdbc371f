// The stdio transport and the protocol core seen from outside, with
// hand-built JSON lines: framing, error codes, both eras, the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, MODERN, META, RawClient } from './lib.mjs';

test('command line: --version, --help, bad flags exit 2 with one line', () => {
  let r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^idsd \d+\.\d+\.\d+\n$/);
  r = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const flag of ['--stdio', '--idle-ttl', '--reap-interval', '--max-sessions',
                      '--max-doc-bytes', '--root', '--xsd', '--log-level', '--listen', '--path',
                      '--allow-origin', '--auth-token', '--max-connections',
                      '--connection-timeout', '--threads']) {
    assert.ok(r.stdout.includes(flag), `--help documents ${flag}`);
  }
  const bad = [
    [['serve', '--stdio', '--idle-ttl', 'soon']],
    [['serve', '--stdio', '--reap-interval', '0s']],
    [['serve', '--stdio', '--max-sessions', '-3']],
    [['serve', '--stdio', '--max-doc-bytes', '12Q']],
    [['serve', '--stdio', '--root', '/no/such/folder/anywhere']],
    [['serve', '--stdio', '--log-level', 'loud']],
    [['serve', '--stdio', '--frobnicate']],
    [['serve', '--stdio', '--idle-ttl']],
    // `idsd serve` alone serves HTTP now (run_http.sh); its bad values exit 2 too.
    [['serve', '--listen', 'nowhere']],
    [['serve', '--listen', '127.0.0.1:99999']],
    [['serve', '--threads', 'many']],
    [['serve', '--auth-token', 'short']],
    [['serve', '--path', 'no-slash']],
    [['serve'], { IDSD_LISTEN: 'localhost' }],
    [['bogus']],
    [['serve', '--stdio'], { IDSD_IDLE_TTL: 'forever' }],
  ];
  for (const [args, env] of bad) {
    r = spawnSync(BIN, args, { encoding: 'utf8', input: '', env: { ...process.env, ...(env || {}) } });
    assert.equal(r.status, 2, `${args.join(' ')} exits 2`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  // Flags override the environment.
  r = spawnSync(BIN, ['serve', '--stdio', '--idle-ttl', '15m'],
                { encoding: 'utf8', input: '', env: { ...process.env, IDSD_IDLE_TTL: '90s' } });
  assert.equal(r.status, 0, r.stderr);
});

test('framing: parse errors, invalid requests, notifications, unknown methods', async () => {
  const c = new RawClient();
  try {
    let r = await c.sendText('{"jsonrpc":"2.0",', null);
    assert.equal(r.error.code, -32700);
    assert.equal(r.id, null);
    r = await c.sendText('{"jsonrpc":"2.0","id":"a","method":"p\u00e9"', null);
    assert.equal(r.error.code, -32700);
    r = await c.sendText('{"id":1,"method":"ping"}', 1);
    assert.equal(r.error.code, -32600);
    r = await c.sendText('{"jsonrpc":"2.0","id":null,"method":"ping"}', null);
    assert.equal(r.error.code, -32600);
    r = await c.sendText('{"jsonrpc":"2.0","id":2,"method":"ping","params":"x"}', 2);
    assert.equal(r.error.code, -32600);
    // Notifications get nothing back: the next line is the ping's answer.
    c.notify('notifications/initialized');
    c.notify('notifications/whatever', { x: 1 });
    r = await c.request(3, 'ping');
    assert.deepEqual(r, { jsonrpc: '2.0', id: 3, result: {} });
    // Before initialize and without modern _meta: invalid params.
    r = await c.request(4, 'tools/list');
    assert.equal(r.error.code, -32602);
    r = await c.request(5, 'initialize', { protocolVersion: '2025-06-18', capabilities: {},
                                          clientInfo: { name: 'raw', version: '1' } });
    assert.equal(r.result.protocolVersion, '2025-06-18');
    r = await c.request(6, 'no/such/method');
    assert.equal(r.error.code, -32601);
    r = await c.request(7, 'tools/call', { name: 'no_such_tool', arguments: {} });
    assert.equal(r.error.code, -32602);
    r = await c.request(8, 'resources/read', { uri: 'ids://session/ffffffffffffffffffffffffffffffff' });
    assert.equal(r.error.code, -32602);
    assert.equal(r.error.data.uri, 'ids://session/ffffffffffffffffffffffffffffffff');
    // 2025-06-18 has no batches.
    r = await c.sendText('[{"jsonrpc":"2.0","id":9,"method":"ping"}]', null);
    assert.equal(r.error.code, -32600);
    assert.deepEqual(c.unmatched, []);
  } finally {
    const { code } = await c.close();
    assert.equal(code, 0);
  }
});

test('legacy negotiation: each version echoed, others get the newest legacy one', async () => {
  for (const [asked, answered] of [['2025-03-26', '2025-03-26'], ['2025-06-18', '2025-06-18'],
                                   ['2025-11-25', '2025-11-25'], ['2024-11-05', '2025-11-25'],
                                   [MODERN, '2025-11-25']]) {
    const c = new RawClient();
    const r = await c.request(1, 'initialize', { protocolVersion: asked, capabilities: {},
                                                clientInfo: { name: 'raw', version: '1' } });
    assert.equal(r.result.protocolVersion, answered, `asked ${asked}`);
    assert.equal(r.result.serverInfo.name, 'idsd');
    assert.equal(r.result.resultType, undefined);
    await c.close();
  }
});

test('batches in 2025-03-26', async () => {
  const c = new RawClient();
  try {
    await c.request(1, 'initialize', { protocolVersion: '2025-03-26', capabilities: {},
                                      clientInfo: { name: 'raw', version: '1' } });
    c.notify('notifications/initialized');
    const r = await c.sendText(JSON.stringify([
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } },
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { jsonrpc: '2.0', id: 4, method: 'nope' },
    ]), 'batch');
    assert.equal(r.length, 3);
    assert.deepEqual(r[0], { jsonrpc: '2.0', id: 2, result: {} });
    assert.ok(Array.isArray(r[1].result.tools));
    assert.equal(r[2].error.code, -32601);
  } finally {
    await c.close();
  }
});

test('modern era: discover, resultType, cache hints, -32022, removed methods', async () => {
  const c = new RawClient();
  try {
    let r = await c.modern('d', 'server/discover');
    assert.equal(r.result.resultType, 'complete');
    assert.ok(r.result.supportedVersions.includes(MODERN));
    assert.ok(r.result.capabilities.tools);
    assert.equal(typeof r.result.ttlMs, 'number');
    assert.ok(['public', 'private'].includes(r.result.cacheScope));
    assert.equal(r.result._meta['io.modelcontextprotocol/serverInfo'].name, 'idsd');
    for (const [i, m] of ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list'].entries()) {
      r = await c.modern(10 + i, m);
      assert.equal(r.result.resultType, 'complete', m);
      assert.ok(r.result.ttlMs >= 0, m);
      assert.ok(['public', 'private'].includes(r.result.cacheScope), m);
    }
    r = await c.modern(20, 'resources/read', { uri: 'ids://session/0123' });
    assert.equal(r.error.code, -32602);
    assert.equal(r.error.data.uri, 'ids://session/0123');
    r = await c.request(21, 'tools/list', { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } });
    assert.equal(r.error.code, -32022);
    assert.ok(r.error.data.supported.includes(MODERN));
    assert.equal(r.error.data.requested, '2099-01-01');
    r = await c.request(22, 'tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } });
    assert.equal(r.error.code, -32602, 'clientCapabilities is required');
    for (const [i, m] of ['ping', 'logging/setLevel', 'resources/subscribe'].entries()) {
      r = await c.modern(30 + i, m, { level: 'debug', uri: 'x' });
      assert.equal(r.error.code, -32601, m);
    }
    r = await c.modern(40, 'prompts/get', { name: 'author_ids', arguments: { requirement: 'Doors need a FireRating' } });
    assert.equal(r.result.resultType, 'complete');
    assert.match(r.result.messages[0].content.text, /Doors need a FireRating/);
    // Modern requests did not initialize the connection: a legacy request
    // still needs the handshake.
    r = await c.request(41, 'tools/list');
    assert.equal(r.error.code, -32602);
  } finally {
    await c.close();
  }
});

test('a message over --max-body-bytes is refused and the stream goes on', async () => {
  const c = new RawClient(['serve', '--stdio', '--log-level', 'error', '--max-body-bytes', '4k']);
  try {
    let r = await c.sendText(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(10000) } }), null);
    assert.equal(r.error.code, -32600);
    r = await c.request(2, 'ping');
    assert.deepEqual(r.result, {});
  } finally {
    await c.close();
  }
});

test('shutdown: end of input and SIGTERM both exit 0', async () => {
  let c = new RawClient();
  await c.request(1, 'ping');
  assert.equal((await c.close()).code, 0);
  c = new RawClient();
  await c.request(1, 'ping');
  c.proc.kill('SIGTERM');
  const { code } = await c.exited;
  assert.equal(code, 0);
});
