// The durable store's faults, each a clear error and never a crash: a full
// file system and a read-only one (tmpfs mounts this test makes; skipped
// with a message where mount is not permitted), a damaged database (refused
// by name, or moved aside with --state-recover), a torn write at the end of
// the WAL, and a second process on the same state folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { BIN, MODERN, makeRoot } from './lib.mjs';

function start(stateDir, extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--log-level', 'warning',
                             '--state-dir', stateDir, ...extra],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => reject(new Error(`idsd did not start: ${stderr}`)), 20000);
    createInterface({ input: proc.stdout }).on('line', async (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      const client = new Client({ name: 'idsd-faults', version: '1.0.0' },
                                { versionNegotiation: { mode: { pin: MODERN } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(m[1])));
      resolve({
        url: m[1], proc, client, stderr: () => stderr,
        call: async (name, args) => {
          const r = await client.callTool({ name, arguments: args });
          return { ...r, text: r.content?.map((c) => c.text).join('\n') ?? '' };
        },
        kill: async () => { await client.close().catch(() => {}); proc.kill('SIGKILL'); return exited; },
        stop: async () => { await client.close().catch(() => {}); proc.kill('SIGTERM'); return exited; },
      });
    });
    exited.then((r) => { clearTimeout(timer); reject(Object.assign(new Error(`idsd exited (${r.code})`), { ...r, stderr })); });
  });
}

// Runs idsd expecting it to refuse to start; returns { code, stderr }.
function refuse(stateDir, extra = []) {
  const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--state-dir', stateDir, ...extra],
                      { encoding: 'utf8', timeout: 20000 });
  return { code: r.status, stderr: r.stderr };
}

function mountTmpfs(dir, opts) {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || 'mount failed').trim();
}
const remount = (dir, opts) => spawnSync('mount', ['-o', `remount,${opts}`, dir]).status === 0;
const umount = (dir) => spawnSync('umount', ['-l', dir]);

async function newDoc(s) {
  const c = await s.call('create_ids', { title: 'faults' });
  assert.ok(!c.isError, c.text);
  const sid = c.structuredContent.session_id;
  const a = await s.call('add_specification', { session_id: sid, name: 'base', ifc_versions: ['IFC4'] });
  assert.ok(!a.isError, a.text);
  return sid;
}

async function specNames(s, sid) {
  const r = await s.call('get_ids_info', { session_id: sid });
  assert.ok(!r.isError, r.text);
  return r.structuredContent.specifications.map((x) => x.name);
}

test('a full disk fails the edit, keeps the document, and recovers', async (t) => {
  const root = makeRoot();
  const mnt = join(root.dir, 'small');
  const why = mountTmpfs(mnt, 'size=384k');
  if (why) { t.skip(`cannot mount a tmpfs (${why})`); root.cleanup(); return; }
  let s;
  try {
    s = await start(join(mnt, 'state'));
    const sid = await newDoc(s);
    const acked = ['base'];
    let failure = null;
    for (let i = 0; i < 400 && !failure; i++) {
      const name = `big ${i} ` + 'x'.repeat(3000);
      const r = await s.call('add_specification', { session_id: sid, name, ifc_versions: ['IFC4'] });
      if (r.isError) failure = r.text;
      else acked.push(name);
    }
    assert.ok(failure, 'the disk never filled');
    assert.match(failure, /could not be saved.*disk is full/s);
    assert.match(failure, /document is as it was/);
    // The failed edit is not in memory either, and the server still serves.
    assert.deepEqual(await specNames(s, sid), acked);
    const again = await s.call('add_specification', { session_id: sid, name: 'y'.repeat(20000),
                                                        ifc_versions: ['IFC4'] });
    assert.equal(again.isError, true);
    assert.deepEqual(await specNames(s, sid), acked);
    // Room again: edits succeed and survive a kill.
    assert.ok(remount(mnt, 'size=16m'));
    const ok = await s.call('add_specification', { session_id: sid, name: 'after', ifc_versions: ['IFC4'] });
    assert.ok(!ok.isError, ok.text);
    acked.push('after');
    await s.kill();
    s = await start(join(mnt, 'state'));
    assert.deepEqual(await specNames(s, sid), acked);
    const end = await s.stop();
    assert.equal(end.code, 0, s.stderr());
    s = null;
  } finally {
    if (s) await s.kill();
    umount(mnt);
    root.cleanup();
  }
});

// A file system goes read-only under a running server only on an error
// (the kernel refuses to remount one with files open for writing), so the
// test makes it read-only between runs: idsd refuses to start on it,
// naming what it could not write, and works again once it is writable.
test('a read-only state folder refuses start-up by name', async (t) => {
  const root = makeRoot();
  const mnt = join(root.dir, 'ro');
  const why = mountTmpfs(mnt, 'size=16m');
  if (why) { t.skip(`cannot mount a tmpfs (${why})`); root.cleanup(); return; }
  let s;
  try {
    s = await start(join(mnt, 'state'));
    const sid = await newDoc(s);
    assert.equal((await s.stop()).code, 0);
    s = null;
    assert.ok(remount(mnt, 'ro'), 'remount read-only');
    const bad = refuse(join(mnt, 'state'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /state folder: cannot open .*idsd\.lock: Read-only file system/);
    const fresh = refuse(join(mnt, 'fresh'));
    assert.equal(fresh.code, 1);
    assert.match(fresh.stderr, /state folder: cannot create .*fresh: Read-only file system/);
    assert.ok(remount(mnt, 'rw'));
    s = await start(join(mnt, 'state'));
    assert.deepEqual(await specNames(s, sid), ['base']);
    assert.equal((await s.stop()).code, 0);
    s = null;
  } finally {
    if (s) await s.kill();
    umount(mnt);
    root.cleanup();
  }
});

test('a damaged database is refused by name, or moved aside with --state-recover', async () => {
  const root = makeRoot();
  const dir = join(root.dir, 'state');
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'idsd.db'), Buffer.alloc(8192, 'not a database at all. '));
    const bad = refuse(dir);
    assert.equal(bad.code, 1);
    assert.ok(bad.stderr.includes(join(dir, 'idsd.db')), bad.stderr);
    assert.match(bad.stderr, /damaged.*--state-recover/s);
    const s = await start(dir, ['--state-recover']);
    assert.match(s.stderr(), /moved aside to .*idsd\.db\.corrupt-/);
    assert.ok(readdirSync(dir).some((f) => f.startsWith('idsd.db.corrupt-')));
    const sid = await newDoc(s);
    await s.kill();
    const again = await start(dir);
    assert.deepEqual(await specNames(again, sid), ['base']);
    await again.stop();
  } finally {
    root.cleanup();
  }
});

test('a torn write at the end of the WAL loses nothing acknowledged', async () => {
  const root = makeRoot();
  const dir = join(root.dir, 'state');
  try {
    let s = await start(dir, ['--state-sync', 'normal']);
    const sid = await newDoc(s);
    for (let i = 0; i < 20; i++) {
      const r = await s.call('add_specification', { session_id: sid, name: `s${i}`, ifc_versions: ['IFC4'] });
      assert.ok(!r.isError, r.text);
    }
    await s.kill();
    const wal = join(dir, 'idsd.db-wal');
    assert.ok(existsSync(wal));
    // Half a frame of a commit that never finished: a header-sized piece
    // of garbage after the last whole frame.
    appendFileSync(wal, Buffer.alloc(2500, 0xa5));
    s = await start(dir);
    const names = await specNames(s, sid);
    assert.deepEqual(names, ['base', ...Array.from({ length: 20 }, (_, i) => `s${i}`)]);
    await s.stop();
  } finally {
    root.cleanup();
  }
});

test('a second idsd on the same state folder refuses to start', async () => {
  const root = makeRoot();
  const dir = join(root.dir, 'state');
  try {
    const s = await start(dir);
    const second = refuse(dir);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /in use by another idsd process/);
    assert.ok(second.stderr.includes(dir));
    const end = await s.stop();
    assert.equal(end.code, 0);
  } finally {
    root.cleanup();
  }
});

test('close_session and DELETE are not undone by a kill', async () => {
  const root = makeRoot();
  const dir = join(root.dir, 'state');
  try {
    let s = await start(dir);
    const closed = await newDoc(s);
    const kept = await newDoc(s);
    const c = await s.call('close_session', { session_id: closed });
    assert.ok(!c.isError, c.text);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(s.url, { method: 'POST', headers, body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'l', version: '1' } } }) });
    const lsid = init.headers.get('mcp-session-id');
    await init.text();
    const del = await fetch(s.url, { method: 'DELETE', headers: { 'mcp-session-id': lsid, 'mcp-protocol-version': '2025-11-25' } });
    assert.equal(del.status, 200);
    await s.kill();
    s = await start(dir);
    const gone = await s.call('get_ids_info', { session_id: closed });
    assert.equal(gone.isError, true);
    assert.match(gone.text, /unknown or has expired/);
    assert.deepEqual(await specNames(s, kept), ['base']);
    const after = await fetch(s.url, { method: 'POST', headers: { ...headers, 'mcp-session-id': lsid, 'mcp-protocol-version': '2025-11-25' },
                                       body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(after.status, 404);
    await s.stop();
  } finally {
    root.cleanup();
  }
});

test('what the session remembers survives a kill', async () => {
  const root = makeRoot();
  const dir = join(root.dir, 'state');
  try {
    let s = await start(dir);
    const sid = await newDoc(s);   // "base" is specification 1
    const b = await s.call('add_specification', { session_id: sid, name: 'second', ifc_versions: ['IFC4'] });
    assert.ok(!b.isError, b.text);
    // An edit of specification 1 by name makes it the current one again.
    const f = await s.call('add_entity_facet', { session_id: sid, spec_id: 'base', location: 'applicability',
                                                  entity_name: 'IFCDOOR' });
    assert.ok(!f.isError, f.text);
    await s.kill();
    s = await start(dir);
    const r = await s.call('get_specification', { session_id: sid });
    assert.ok(!r.isError, r.text);
    assert.equal(r.structuredContent.spec_name, 'base');
    assert.equal(r.structuredContent.spec_id_defaulted, true);
    const cf = r.structuredContent.current_facet;
    assert.equal(cf.location, 'applicability');
    assert.equal(cf.facet_index, 0);
    // Handles come back as they were given.
    assert.equal(cf.facet_id, f.structuredContent.facet_id);
    assert.match(cf.facet_id, /^F\d+$/);
    await s.stop();
  } finally {
    root.cleanup();
  }
});
