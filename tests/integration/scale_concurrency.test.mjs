// One writer at a time across instances: 8 SDK clients edit ONE session at
// once, each connected to one of three idsd instances sharing it through
// Redis. Each instance keeps its own parsed copy; the compare-and-set on
// the stored version makes the losers of a race re-apply their edit on the
// winner's document. At the end every edit is in the document exactly
// once, in every instance's view, and no call failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRoot } from './lib.mjs';
import { metric } from './httplib.mjs';
import { freePort, startRedis, startIdsd, modernClient, editArgs, PREPARE, facetNames } from './scalelib.mjs';

const CLIENTS = 8;
const EDITS = Number(process.env.IDSD_SCALE_EDITS || 25); // per client

test(`${CLIENTS} clients on one session through three instances`, { timeout: 120000 }, async () => {
  const dir = makeRoot();
  const redisPort = await freePort();
  const redis = await startRedis(dir.dir, redisPort);
  const idsd = [];
  const clients = [];
  try {
    for (let i = 0; i < 3; i++) idsd.push(await startIdsd(redisPort, await freePort()));
    for (let i = 0; i < CLIENTS; i++) clients.push(await modernClient(idsd[i % 3].url));

    const made = await clients[0].callTool({ name: 'create_ids', arguments: { title: 'shared' } });
    assert.ok(!made.isError, made.content?.[0]?.text);
    const sid = made.structuredContent.session_id;
    for (const [name, args] of PREPARE) {
      const r = await clients[1].callTool({ name, arguments: { session_id: sid, ...args } });
      assert.ok(!r.isError, r.content?.[0]?.text);
    }

    const failures = [];
    await Promise.all(clients.map(async (c, k) => {
      for (let e = 0; e < EDITS; e++) {
        const name = `c${k}-${e}`;
        const r = await c.callTool({ name: 'add_property_facet', arguments: { session_id: sid, ...editArgs(name) } });
        if (r.isError) failures.push(`${name}: ${r.content?.[0]?.text}`);
      }
    }));
    assert.deepEqual(failures, []);
    // The race happened (some instance lost a compare-and-set and made its
    // edit again) and copies went stale (each instance saw the others').
    let conflicts = 0, stale = 0;
    for (const d of idsd) {
      const base = d.url.replace(/\/mcp$/, '');
      conflicts += await metric(base, 'idsd_store_conflicts_total');
      stale += await metric(base, 'idsd_store_stale_total');
    }
    console.log(`# ${conflicts} compare-and-set conflicts retried, ${stale} stale copies refreshed`);
    assert.ok(stale > 0, 'no instance ever saw another one\'s edit');

    const expected = [];
    for (let k = 0; k < CLIENTS; k++) for (let e = 0; e < EDITS; e++) expected.push(`c${k}-${e}`);
    for (let i = 0; i < 3; i++) {
      const r = await clients[i].callTool({ name: 'get_specification', arguments: { session_id: sid, spec_id: 1 } });
      assert.ok(!r.isError, r.content?.[0]?.text);
      const names = facetNames(r.structuredContent);
      assert.equal(names.length, expected.length, `instance ${i}: ${names.length} facets, expected ${expected.length}`);
      assert.deepEqual([...names].sort(), [...expected].sort(), `instance ${i}: an edit lost or doubled`);
      // Each client's own edits keep the order it made them in.
      for (let k = 0; k < CLIENTS; k++) {
        const mine = names.filter((n) => n.startsWith(`c${k}-`));
        assert.deepEqual(mine, expected.filter((n) => n.startsWith(`c${k}-`)), `client ${k}'s order`);
      }
    }
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    for (const d of idsd) {
      const r = await d.stop();
      assert.equal(r.code, 0, `idsd exit ${r.code} ${r.signal}: ${d.stderr()}`);
    }
    await redis.stop();
    dir.cleanup();
  }
});

// Handles (S3, F7) are the session's, not an instance's: after removals
// renumbered nothing on the instance that made them, another instance
// that parses the stored document gives the same handles.
test('handles mean the same on every instance', { timeout: 60000 }, async () => {
  const dir = makeRoot();
  const redisPort = await freePort();
  const redis = await startRedis(dir.dir, redisPort);
  const idsd = [];
  const clients = [];
  try {
    for (let i = 0; i < 2; i++) idsd.push(await startIdsd(redisPort, await freePort()));
    for (const d of idsd) clients.push(await modernClient(d.url));
    const [a, b] = clients;
    const ok = async (c, name, args) => {
      const r = await c.callTool({ name, arguments: args });
      assert.ok(!r.isError, `${name}: ${r.content?.[0]?.text}`);
      return r.structuredContent;
    };
    const sid = (await ok(a, 'create_ids', { title: 'handles' })).session_id;
    const specs = [];
    for (const name of ['one', 'two', 'three'])
      specs.push((await ok(a, 'add_specification', { session_id: sid, name, ifc_versions: ['IFC4'] })).spec_id);
    const f1 = (await ok(a, 'add_entity_facet', { session_id: sid, spec_id: specs[2], location: 'applicability',
                                                  entity_name: 'IFCWALL' })).facet_id;
    const f2 = (await ok(a, 'add_attribute_facet', { session_id: sid, spec_id: specs[2], location: 'requirements',
                                                     attribute_name: 'Name' })).facet_id;
    await ok(a, 'remove_specification', { session_id: sid, spec_id: specs[1] });
    await ok(a, 'remove_facet', { session_id: sid, facet_id: f1 });
    // B has never seen the session: it parses the stored document.
    const three = await ok(b, 'get_specification', { session_id: sid, spec_id: specs[2] });
    assert.equal(three.spec_name, 'three');
    assert.equal(three.spec_id, specs[2]);
    assert.deepEqual(three.specification.requirements.map((f) => f.facet_id), [f2]);
    const gone = await b.callTool({ name: 'get_specification', arguments: { session_id: sid, spec_id: specs[1] } });
    assert.equal(gone.isError, true, 'a removed handle names another specification');
    // A handle minted on B is new to A too.
    const four = (await ok(b, 'add_specification', { session_id: sid, name: 'four', ifc_versions: ['IFC4'] })).spec_id;
    assert.ok(!specs.includes(four), `handle ${four} given twice`);
    assert.equal((await ok(a, 'get_specification', { session_id: sid, spec_id: four })).spec_name, 'four');
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    for (const d of idsd) await d.stop();
    await redis.stop();
    dir.cleanup();
  }
});
