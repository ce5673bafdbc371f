// Cancelling a model check, as each client gives up on a call:
// - stdio, the official SDK v1 client with an AbortSignal: it sends
//   notifications/cancelled, which idsd reads while the check runs;
// - stdio, a bare client: a queued request that is cancelled never runs
//   and is never answered; the one running is answered;
// - legacy HTTP, the SDK v1 client: notifications/cancelled on its own
//   POST, not queued behind the call it names;
// - stateless HTTP (2026-07-28), the SDK v2 client: the aborted fetch
//   closes the stream, which is the cancellation.
// A cancelled check keeps nothing, so the session view (describe_ids)
// shows no check after it; a check left to finish is kept. run_cancel.sh
// writes the model (bench/gen_ifc.py) and the 50 specifications
// (bench/gen_ids.py) into IDSD_CANCEL_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { BIN, MODERN, RawClient } from './lib.mjs';
import { startServer } from './httplib.mjs';

const DIR = process.env.IDSD_CANCEL_DIR;
assert.ok(DIR, 'run through run_cancel.sh');
const MODEL = join(DIR, 'model.ifc');
const IDS = join(DIR, 'spec.ids');

let http;

before(async () => {
  http = await startServer(['--root', DIR]);
});

after(async () => {
  const r = await http.stop();
  assert.equal(r.code, 0, `idsd exit status ${r.code} ${r.signal ?? ''}\n${r.stderr}`);
});

async function use(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, false, `${name}: ${r.content?.[0]?.text}`);
  return r;
}

// Whether the session's view shows a check: describe_ids is what a model
// shows the user.
async function viewHasCheck(client, sessionId) {
  const args = sessionId ? { session_id: sessionId } : {};
  const r = await use(client, 'describe_ids', args);
  return r.content[0].text.includes('IFC check of');
}

async function cancelled(promise) {
  await assert.rejects(promise, (e) => /abort|cancel/i.test(`${e.name} ${e.message}`));
}

async function metric(name) {
  const text = await (await fetch(`${http.base}/metrics`)).text();
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

test('stdio: an aborted check stops and keeps nothing; the next one is kept', async (t) => {
  const transport = new StdioClientTransport({
    command: BIN, args: ['serve', '--stdio', '--root', DIR, '--log-level', 'info'], stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr.on('data', (d) => { stderr += d; });
  const client = new ClientV1({ name: 'idsd-cancel-test', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());   // a failed assertion must not leave idsd running
  await use(client, 'load_ids', { source: IDS });
  await use(client, 'load_ifc_model', { path: 'model.ifc' });

  const ac = new AbortController();
  let steps = 0;
  const started = Date.now();
  await cancelled(client.callTool({ name: 'validate_ifc_model', arguments: {} }, undefined, {
    signal: ac.signal,
    onprogress: (p) => {
      // The first is "0 of 1" before the tool runs; abort after the
      // first specification is done.
      if (/specifications checked/.test(p.message ?? '') && steps++ === 0) ac.abort();
    },
  }));
  assert.equal(steps, 1, 'aborted after the first specification');
  // The server goes on, and the cancelled check left nothing behind.
  assert.equal(await viewHasCheck(client), false, 'a cancelled check is not kept');
  const stopped = Date.now() - started;
  const t0 = Date.now();
  const whole = await use(client, 'validate_ifc_model', {});
  const full = Date.now() - t0;
  assert.equal(whole.structuredContent.passed + whole.structuredContent.failed, 50);
  assert.equal(await viewHasCheck(client), true, 'a finished check is kept');
  assert.match(stderr, /a running request was cancelled by the client/);
  console.log(`# stdio: cancelled check answered the next call after ${stopped} ms; `
              + `a whole check takes ${full} ms`);
});

test('stdio: a queued request that is cancelled is never run nor answered', async (t) => {
  const raw = new RawClient(['serve', '--stdio', '--root', DIR, '--log-level', 'error']);
  t.after(() => raw.proc.kill());
  await raw.request(1, 'initialize', {
    protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' },
  });
  raw.notify('notifications/initialized');
  const load = await raw.request(2, 'tools/call', { name: 'load_ids', arguments: { source: IDS } });
  assert.equal(load.result.isError, false);
  // 3 runs (a whole check of the model, parsed again: long); 4 waits
  // behind it and is cancelled before its turn; 5 is answered.
  const long = raw.request(3, 'tools/call', { name: 'validate_ifc_model',
                                              arguments: { path: 'model.ifc' } });
  raw.proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: {
    name: 'update_ids_info', arguments: { title: 'never' } } }) + '\n');
  raw.notify('notifications/cancelled', { requestId: 4, reason: 'changed my mind' });
  const done = await long;
  assert.equal(done.result.isError, false, JSON.stringify(done).slice(0, 300));
  const info = await raw.request(5, 'tools/call', { name: 'get_ids_info', arguments: {} });
  assert.notEqual(info.result.structuredContent.title, 'never', 'the cancelled edit did not run');
  assert.deepEqual(raw.unmatched, [], 'no answer for the cancelled request');
  // A cancel naming nothing running or queued is ignored.
  raw.notify('notifications/cancelled', { requestId: 99 });
  assert.equal((await raw.request(6, 'ping')).result !== undefined, true);
  const r = await raw.close();
  assert.equal(r.code, 0, raw.stderr);
});

test('legacy HTTP: notifications/cancelled reaches the running check past its queue',
     async (t) => {
  const client = new ClientV1({ name: 'idsd-cancel-legacy', version: '1.0.0' });
  await client.connect(new HttpV1(new URL(http.url)));
  t.after(() => client.close());
  await use(client, 'load_ids', { source: IDS });
  await use(client, 'load_ifc_model', { path: 'model.ifc' });
  const before = await metric('idsd_requests_cancelled_total');
  const ac = new AbortController();
  const call = client.callTool({ name: 'validate_ifc_model', arguments: {} }, undefined,
                               { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await cancelled(call);
  // The cancel lands while the check runs; the check then stops.
  for (let i = 0; i < 50 && await metric('idsd_requests_cancelled_total') === before; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(await metric('idsd_requests_cancelled_total'), before + 1);
  assert.equal(await viewHasCheck(client), false, 'a cancelled check is not kept');
});

test('stateless HTTP: closing the stream cancels the check', async (t) => {
  const client = new Client({ name: 'idsd-cancel-modern', version: '1.0.0' },
                            { versionNegotiation: { mode: { pin: MODERN } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  t.after(() => client.close());
  const sid = (await use(client, 'load_ids', { source: IDS })).structuredContent.session_id;
  await use(client, 'load_ifc_model', { session_id: sid, path: 'model.ifc' });
  const before = await metric('idsd_requests_cancelled_total');
  const ac = new AbortController();
  const call = client.callTool({ name: 'validate_ifc_model', arguments: { session_id: sid } },
                               { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await cancelled(call);
  for (let i = 0; i < 100 && await metric('idsd_requests_cancelled_total') === before; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(await metric('idsd_requests_cancelled_total'), before + 1);
  assert.equal(await viewHasCheck(client, sid), false, 'a cancelled check is not kept');
  // Left to finish, the check is kept.
  await use(client, 'validate_ifc_model', { session_id: sid });
  assert.equal(await viewHasCheck(client, sid), true);
});
