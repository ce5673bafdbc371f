// The official TypeScript clients over Streamable HTTP against the real
// binary: the legacy SDK (v1) and the v2 client (2026-07-28) each author a
// complete IDS; two clients edit two documents at once and never see each
// other's; subscriptions deliver notifications/resources/updated in both
// eras (GET stream + resources/subscribe, subscriptions/listen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MODERN, makeRoot } from './lib.mjs';
import { startServer, metric } from './httplib.mjs';

let srv, root;

before(async () => {
  root = makeRoot();
  srv = await startServer(['--root', root.dir]);
});

after(async () => {
  const r = await srv.stop();
  root.cleanup();
  assert.equal(r.code, 0, `idsd exit status ${r.code} ${r.signal ?? ''}\n${r.stderr}`);
});

async function legacyClient() {
  const client = new LegacyClient({ name: 'idsd-http-legacy', version: '1.0.0' });
  const transport = new LegacyTransport(new URL(srv.url));
  await client.connect(transport);
  return { client, transport };
}

async function modernClient(mode = { pin: MODERN }) {
  const client = new Client({ name: 'idsd-http-modern', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(new StreamableHTTPClientTransport(new URL(srv.url)));
  return client;
}

async function call(client, name, args, expectError = false) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content?.map((c) => c.text).join('\n') ?? '';
  if (!expectError) assert.ok(!r.isError, `${name} failed: ${text}`);
  else assert.equal(r.isError, true, `${name} should have failed: ${text}`);
  return { ...r, text };
}

// create -> specification -> every facet kind -> validate -> export -> read.
async function authorFlow(client, title, file, withSession) {
  const created = await call(client, 'create_ids', { title, author: 'tester@example.com' });
  const session_id = created.structuredContent.session_id;
  const s = withSession ? { session_id } : {};
  await call(client, 'add_specification', { ...s, name: `${title} spec`, ifc_versions: 'IFC4' });
  await call(client, 'add_entity_facet', { ...s, location: 'applicability', entity_name: 'IFCWALL' });
  await call(client, 'add_attribute_facet', { ...s, location: 'requirements', attribute_name: 'Name' });
  await call(client, 'add_property_facet', { ...s, location: 'requirements', property_set: 'Pset_WallCommon',
                                            property_name: 'FireRating', data_type: 'IFCLABEL' });
  await call(client, 'add_classification_facet', { ...s, location: 'requirements',
                                                   classification_system: 'Uniclass 2015' });
  await call(client, 'add_material_facet', { ...s, location: 'requirements', material_value: 'concrete' });
  await call(client, 'add_partof_facet', { ...s, location: 'requirements', parent_entity: 'IFCBUILDINGSTOREY',
                                          relation: 'IFCRELCONTAINEDINSPATIALSTRUCTURE' });
  const v = await call(client, 'validate_ids', s);
  assert.equal(v.structuredContent.valid, true, v.text);
  await call(client, 'export_ids', { ...s, output_path: file });
  assert.ok(existsSync(join(root.dir, file)));
  const res = await client.readResource({ uri: `ids://session/${session_id}` });
  assert.match(res.contents[0].text, new RegExp(title));
  return session_id;
}

test('legacy SDK client: a full authoring flow over HTTP', async () => {
  const { client, transport } = await legacyClient();
  try {
    assert.match(transport.sessionId, /^[0-9a-f]{32}$/);
    assert.equal(client.getServerVersion().name, 'idsd');
    assert.ok(client.getServerCapabilities().resources.subscribe);
    const sid = await authorFlow(client, 'Legacy walls', 'legacy.ids', false);
    assert.equal(sid, transport.sessionId, 'the document session is the Mcp-Session-Id');
    const listed = (await client.listResources()).resources;
    assert.equal(listed[0].uri, `ids://session/${sid}`);
    await client.ping();
    await client.setLoggingLevel('info');
  } finally {
    await transport.terminateSession();
    await client.close();
  }
});

test('v2 client at 2026-07-28: a full authoring flow, handle passed each time', async () => {
  const client = await modernClient();
  try {
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
    await authorFlow(client, 'Modern walls', 'modern.ids', true);
    await assert.rejects(client.readResource({ uri: 'ids://session/nothing-here' }));
  } finally {
    await client.close();
  }
});

test('v2 client with auto negotiation picks 2026-07-28 over HTTP', async () => {
  const client = await modernClient('auto');
  try {
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
    assert.ok(client.getDiscoverResult().capabilities.resources.subscribe);
  } finally {
    await client.close();
  }
});

test('two clients edit two documents at once and never see each other\'s', async () => {
  const a = await legacyClient();
  const b = await modernClient();
  try {
    const ca = await call(a.client, 'create_ids', { title: 'Alpha doc' });
    const cb = await call(b, 'create_ids', { title: 'Beta doc' });
    const sa = ca.structuredContent.session_id, sb = cb.structuredContent.session_id;
    assert.notEqual(sa, sb);
    const rounds = 15;
    await Promise.all([
      (async () => { for (let i = 0; i < rounds; i++) await call(a.client, 'add_specification', { name: `alpha-${i}`, ifc_versions: 'IFC4' }); })(),
      (async () => { for (let i = 0; i < rounds; i++) await call(b, 'add_specification', { session_id: sb, name: `beta-${i}`, ifc_versions: 'IFC4' }); })(),
    ]);
    const xa = (await a.client.readResource({ uri: `ids://session/${sa}` })).contents[0].text;
    const xb = (await b.readResource({ uri: `ids://session/${sb}` })).contents[0].text;
    assert.equal((xa.match(/alpha-/g) || []).length, rounds);
    assert.equal((xb.match(/beta-/g) || []).length, rounds);
    assert.doesNotMatch(xa, /beta-|Beta doc/);
    assert.doesNotMatch(xb, /alpha-|Alpha doc/);
    // Legacy resources/list names only its own session.
    const la = (await a.client.listResources()).resources.map((r) => r.uri);
    assert.deepEqual(la, [`ids://session/${sa}`]);
    const ended = await metric(srv.base, 'idsd_sessions_ended_total');
    await a.transport.terminateSession();
    assert.equal(await metric(srv.base, 'idsd_sessions_ended_total'), ended + 1);
  } finally {
    await a.client.close();
    await b.close();
  }
});

test('subscriptions: legacy resources/subscribe and modern subscriptions/listen both see an edit', async () => {
  const legacy = await legacyClient();
  const viewer = await modernClient();
  const editor = await modernClient();
  try {
    const created = await call(legacy.client, 'create_ids', { title: 'Watched live' });
    const sid = created.structuredContent.session_id;
    const uri = `ids://session/${sid}`;
    const legacySeen = new Promise((resolve) => legacy.client.setNotificationHandler(
      ResourceUpdatedNotificationSchema, (n) => { if (n.params.uri === uri) resolve(n); }));
    await legacy.client.subscribeResource({ uri });
    const modernSeen = new Promise((resolve) => viewer.setNotificationHandler('notifications/resources/updated',
      (n) => { if (n.params.uri === uri) resolve(n); }));
    const sub = await viewer.listen({ resourceSubscriptions: [uri] });
    assert.deepEqual(sub.honoredFilter.resourceSubscriptions, [uri]);
    // A third client edits the document by its handle.
    await call(editor, 'add_specification', { session_id: sid, name: 'Edited elsewhere', ifc_versions: 'IFC4' });
    const timeout = (what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`no ${what} notification`)), 10000));
    await Promise.race([legacySeen, timeout('legacy')]);
    await Promise.race([modernSeen, timeout('modern')]);
    await sub.close();
  } finally {
    await legacy.transport.terminateSession();
    await legacy.client.close();
    await viewer.close();
    await editor.close();
  }
});
