// Past one machine: three idsd instances share their sessions through
// Redis behind HAProxy (deploy/haproxy.cfg). SDK clients of both eras edit
// sessions through the balancer while one instance is killed (SIGKILL)
// and then Redis is restarted. Afterwards every acknowledged edit is in
// its document exactly once, every session id works through the balancer
// and on each instance directly, and edits were acknowledged again after
// each fault without restarting any idsd that was not killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { makeRoot } from './lib.mjs';
import { modern, post, initialize, metric } from './httplib.mjs';
import {
  sleep, freePort, startRedis, startIdsd, startHaproxy, modernClient, editArgs, PREPARE, facetNames,
} from './scalelib.mjs';

const MODERN_WORKERS = 6;
const PHASE_MS = Number(process.env.IDSD_SCALE_PHASE_MS || 3000);
// What a call may answer while Redis is away: a clear, retryable error.
const STORE_DOWN = /session store is not answering|could not be saved/;

async function legacyClient(url) {
  const client = new LegacyClient({ name: 'idsd-scale-legacy', version: '1.0.0' });
  const transport = new LegacyTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

test('three instances behind HAProxy lose no acknowledged edit when one dies and Redis restarts',
     { timeout: 180000 }, async () => {
  const dir = makeRoot();
  const redisPort = await freePort();
  const ports = [await freePort(), await freePort(), await freePort()];
  const lbPort = await freePort();
  let redis = await startRedis(dir.dir, redisPort);
  const idsd = [];
  let lb;
  const clients = [];
  try {
    for (const p of ports) idsd.push(await startIdsd(redisPort, p));
    lb = await startHaproxy(lbPort, ports);

    // Modern sessions, each made and prepared through the balancer.
    const sessions = [];
    for (let i = 0; i < MODERN_WORKERS; i++) {
      const c = await modernClient(lb.url);
      clients.push(c);
      const r = await c.callTool({ name: 'create_ids', arguments: { title: `doc ${i}` } });
      assert.ok(!r.isError, r.content?.[0]?.text);
      const sid = r.structuredContent.session_id;
      for (const [name, args] of PREPARE) {
        const s = await c.callTool({ name, arguments: { session_id: sid, ...args } });
        assert.ok(!s.isError, s.content?.[0]?.text);
      }
      sessions.push({ sid, client: c, acked: [], sent: 0, ackTimes: [] });
    }
    // A legacy session: the SDK v1 client, its Mcp-Session-Id, no session_id.
    const legacy = await legacyClient(lb.url);
    clients.push(legacy.client);
    const lsid = legacy.transport.sessionId;
    assert.match(lsid, /^[0-9a-f]{32}$/);
    for (const [name, args] of [['create_ids', { title: 'legacy doc' }], ...PREPARE]) {
      const r = await legacy.client.callTool({ name, arguments: args });
      assert.ok(!r.isError, r.content?.[0]?.text);
    }
    const lses = { client: legacy.client, acked: [], sent: 0, ackTimes: [], legacy: true };

    const problems = [];
    let stopping = false;
    let storeErrors = 0, thrown = 0;
    async function worker(s, k) {
      while (!stopping) {
        const name = `w${k}-${s.sent++}`;
        const args = s.legacy ? editArgs(name) : { session_id: s.sid, ...editArgs(name) };
        try {
          const r = await s.client.callTool({ name: 'add_property_facet', arguments: args },
                                            undefined, { timeout: 10000 });
          if (!r.isError) {
            s.acked.push(name);
            s.ackTimes.push(Date.now());
          } else if (STORE_DOWN.test(r.content?.[0]?.text ?? '')) {
            storeErrors++;
            await sleep(20);
          } else {
            problems.push(`${name}: ${r.content?.[0]?.text}`);
          }
        } catch {
          // No answer (the instance died mid-call, or a 503 while Redis
          // was away): not acknowledged; carry on.
          thrown++;
          await sleep(20);
        }
      }
    }
    const all = [...sessions, lses];
    const running = all.map((s, k) => worker(s, k));

    const t0 = Date.now();
    await sleep(PHASE_MS);
    const tKill = Date.now();
    idsd[1].proc.kill('SIGKILL');
    assert.equal((await idsd[1].exited).signal, 'SIGKILL');
    await sleep(PHASE_MS);
    const tRedis = Date.now();
    const r1 = await redis.stop('SIGTERM');
    assert.equal(r1.code, 0, redis.stderr());
    await sleep(300); // calls meanwhile fail with a clear error
    redis = await startRedis(dir.dir, redisPort);
    const tRedisBack = Date.now();
    await sleep(PHASE_MS);
    idsd[1] = await startIdsd(redisPort, ports[1]);
    await sleep(PHASE_MS / 2);
    stopping = true;
    await Promise.all(running);
    assert.deepEqual(problems, []);

    const ackedIn = (from, to) => all.reduce((n, s) => n + s.ackTimes.filter((t) => t >= from && t < to).length, 0);
    const before = ackedIn(t0, tKill), afterKill = ackedIn(tKill + 1000, tRedis);
    const afterRedis = ackedIn(tRedisBack, Date.now());
    console.log(`# acknowledged: ${before} before the kill, ${afterKill} after it, ` +
                `${afterRedis} after Redis came back; ${storeErrors} store errors, ${thrown} unanswered`);
    assert.ok(before > 0 && afterKill > 0 && afterRedis > 0, 'edits stopped after a fault');
    assert.ok(all.every((s) => s.ackTimes.some((t) => t >= tRedisBack)),
              'a session did not recover after Redis came back');

    // Every session through the balancer and on each instance directly.
    const direct = [];
    for (const d of idsd) direct.push(await modernClient(d.url));
    clients.push(...direct);
    for (const s of sessions) {
      let first;
      for (const c of [s.client, ...direct]) {
        const r = await c.callTool({ name: 'get_specification', arguments: { session_id: s.sid, spec_id: 1 } });
        assert.ok(!r.isError, `session ${s.sid}: ${r.content?.[0]?.text}`);
        const names = facetNames(r.structuredContent);
        if (first === undefined) first = names;
        else assert.deepEqual(names, first, `instances disagree on ${s.sid}`);
      }
      assert.equal(new Set(first).size, first.length, `an edit applied twice in ${s.sid}`);
      const have = new Set(first);
      for (const a of s.acked) assert.ok(have.has(a), `acknowledged ${a} lost in ${s.sid}`);
      const v = await s.client.callTool({ name: 'validate_ids', arguments: { session_id: s.sid } });
      assert.equal(v.structuredContent.valid, true, `document ${s.sid} invalid`);
    }
    const lr = await legacy.client.callTool({ name: 'get_specification', arguments: { spec_id: 1 } });
    assert.ok(!lr.isError, `legacy session ${lsid}: ${lr.content?.[0]?.text}`);
    assert.equal(legacy.transport.sessionId, lsid, 'the legacy session id changed');
    const lnames = facetNames(lr.structuredContent);
    assert.equal(new Set(lnames).size, lnames.length, 'an edit applied twice in the legacy session');
    const lhave = new Set(lnames);
    for (const a of lses.acked) assert.ok(lhave.has(a), `legacy acknowledged ${a} lost`);

    // close_session through one instance ends the session on all of them.
    const closed = await direct[0].callTool({ name: 'close_session', arguments: { session_id: sessions[0].sid } });
    assert.ok(!closed.isError, closed.content?.[0]?.text);
    for (const c of direct) {
      const r = await c.callTool({ name: 'get_ids_info', arguments: { session_id: sessions[0].sid } });
      assert.equal(r.isError, true, 'a closed session still answers on another instance');
      assert.match(r.content[0].text, /unknown or has expired/);
    }
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    await lb?.stop();
    for (const d of idsd) {
      const r = await d.stop();
      assert.ok(r.code === 0 || r.signal === 'SIGKILL', `idsd exit ${r.code} ${r.signal}: ${d.stderr()}`);
    }
    await redis.stop();
    dir.cleanup();
  }
});

// Redis away, in detail and on both eras: every answer says the store is
// not answering (never "unknown session", which would make a client start
// over), nothing is half-made, and the same processes serve everything
// again once Redis is back.
test('while Redis is away calls fail clearly on both eras, and recover without restart',
     { timeout: 60000 }, async () => {
  const dir = makeRoot();
  const redisPort = await freePort();
  let redis = await startRedis(dir.dir, redisPort);
  const a = await startIdsd(redisPort, await freePort());
  const b = await startIdsd(redisPort, await freePort());
  const LEGACY = '2025-11-25';
  let id = 1;
  const call = (srv, name, args) => modern(srv.url, id++, 'tools/call', { name, arguments: args });
  const text = (r) => r.body?.result?.content?.[0]?.text ?? JSON.stringify(r.body);
  const legacyTool = (srv, sid, name, args) =>
    post(srv.url, { jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } },
         { 'mcp-session-id': sid, 'mcp-protocol-version': LEGACY });
  try {
    const made = await call(a, 'create_ids', { title: 'kept' });
    const sid = made.body.result.structuredContent.session_id;
    for (const [name, args] of PREPARE) {
      const r = await call(a, name, { session_id: sid, ...args });
      assert.equal(r.body.result.isError, false, text(r));
    }
    const lsid = await initialize(a.url, LEGACY);
    assert.equal((await legacyTool(a, lsid, 'create_ids', { title: 'legacy kept' })).body.result.isError, false);

    await redis.stop('SIGTERM');
    // The instance holding the session, and one that never saw it.
    for (const srv of [a, b]) {
      const r = await call(srv, 'add_property_facet', { session_id: sid, ...editArgs('lost') });
      assert.equal(r.body.result.isError, true);
      assert.match(text(r), /session store is not answering \(session store redis:\/\/127\.0\.0\.1:\d+: cannot connect/);
      assert.match(text(r), /nothing was changed/);
    }
    const fresh = await call(a, 'create_ids', { title: 'never made' });
    assert.equal(fresh.body.result.isError, true);
    assert.match(text(fresh), /could not be saved, so it was not made/);
    assert.equal(fresh.body.result.structuredContent?.session_id, undefined, 'a session id handed out unsaved');
    // Legacy: on the instance that has it, a tool error; on the other, 503
    // (404 would tell the client its session is gone).
    const la = await legacyTool(a, lsid, 'get_ids_info', {});
    assert.equal(la.status, 200);
    assert.match(text(la), /session store is not answering/);
    const lb = await legacyTool(b, lsid, 'get_ids_info', {});
    assert.equal(lb.status, 503, JSON.stringify(lb.body));
    const init = await post(b.url, { jsonrpc: '2.0', id: id++, method: 'initialize',
                                     params: { protocolVersion: LEGACY, capabilities: {},
                                               clientInfo: { name: 'raw', version: '1' } } });
    assert.equal(init.status, 503);
    assert.equal(init.headers.get('mcp-session-id'), null);

    redis = await startRedis(dir.dir, redisPort);
    for (const srv of [a, b]) {
      const r = await call(srv, 'get_specification', { session_id: sid, spec_id: 1 });
      assert.equal(r.body.result.isError, false, text(r));
      assert.deepEqual(facetNames(r.body.result.structuredContent), [], 'a failed edit was kept');
      const l = await legacyTool(srv, lsid, 'get_ids_info', {});
      assert.equal(l.status, 200);
      assert.equal(l.body.result.isError, false, text(l));
    }
    const edit = await call(b, 'add_property_facet', { session_id: sid, ...editArgs('after') });
    assert.equal(edit.body.result.isError, false, text(edit));
  } finally {
    for (const srv of [a, b]) {
      const r = await srv.stop();
      assert.equal(r.code, 0, srv.stderr());
    }
    await redis.stop();
    dir.cleanup();
  }
});

// Expiry is the session's, not an instance's: a copy that idles out of
// one instance's memory while the session is busy on another is only a
// cache miss; a session no instance uses expires in Redis, for all.
test('idle expiry through Redis, consistent across instances', { timeout: 60000 }, async () => {
  const dir = makeRoot();
  const redisPort = await freePort();
  const redis = await startRedis(dir.dir, redisPort);
  const short = ['--idle-ttl', '1s', '--reap-interval', '200ms'];
  const a = await startIdsd(redisPort, await freePort(), short);
  const b = await startIdsd(redisPort, await freePort(), short);
  let id = 1;
  const call = (srv, name, args) => modern(srv.url, id++, 'tools/call', { name, arguments: args });
  const text = (r) => r.body?.result?.content?.[0]?.text ?? JSON.stringify(r.body);
  try {
    const made = await call(a, 'create_ids', { title: 'busy elsewhere' });
    const sid = made.body.result.structuredContent.session_id;
    // Busy on B for well past A's TTL: A's reaper evicts its copy.
    for (let i = 0; i < 8; i++) {
      const r = await call(b, 'get_ids_info', { session_id: sid });
      assert.equal(r.body.result.isError, false, text(r));
      await sleep(400);
    }
    assert.ok(await metric(a.url.replace(/\/mcp$/, ''), 'idsd_sessions_evicted_total') >= 1,
              'A never evicted its idle copy');
    const back = await call(a, 'get_ids_info', { session_id: sid });
    assert.equal(back.body.result.isError, false, `evicted on A, alive on B: ${text(back)}`);
    // Idle everywhere past the TTL and its slack (1 s + 2 s): gone for all.
    await sleep(4000);
    for (const srv of [a, b]) {
      const r = await call(srv, 'get_ids_info', { session_id: sid });
      assert.equal(r.body.result.isError, true, 'an idle session outlived its TTL');
      assert.match(text(r), /unknown or has expired/);
    }
  } finally {
    for (const srv of [a, b]) await srv.stop();
    await redis.stop();
    dir.cleanup();
  }
});
