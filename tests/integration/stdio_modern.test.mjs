// The 2026-07-28 era through the official v2 client
// (@modelcontextprotocol/client): server/discover probe, then stateless
// requests that carry _meta, with the document handle passed explicitly as
// the session_id argument, as the modern spec would have it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BIN, MODERN, makeRoot, serverArgs } from './lib.mjs';

async function connect(mode, roots) {
  const transport = new StdioClientTransport({ command: BIN, args: serverArgs(roots), stderr: 'pipe' });
  const client = new Client({ name: 'idsd-modern-test', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(transport);
  return client;
}

async function call(client, name, args, expectError = false) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content?.map((c) => c.text).join('\n') ?? '';
  if (!expectError) assert.ok(!r.isError, `${name} failed: ${text}`);
  else assert.equal(r.isError, true, `${name} should have failed: ${text}`);
  return { ...r, text };
}

test('auto negotiation picks 2026-07-28 over stdio', async () => {
  const root = makeRoot();
  const client = await connect('auto', [root.dir]);
  try {
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
    const d = client.getDiscoverResult();
    assert.ok(d.supportedVersions.includes(MODERN));
    assert.ok(d.capabilities.tools);
    assert.equal(client.getServerVersion()?.name, 'idsd');
  } finally {
    await client.close();
    root.cleanup();
  }
});

test('a document authored statelessly, handle passed each time', async () => {
  const root = makeRoot();
  const client = await connect({ pin: MODERN }, [root.dir]);
  try {
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes('create_ids'));
    const created = await call(client, 'create_ids', { title: 'Doors' });
    const session_id = created.structuredContent.session_id;
    assert.match(session_id, /^[0-9a-f]{32}$/);
    await call(client, 'add_specification', { session_id, name: 'Doors are rated', ifc_versions: 'IFC4 IFC4X3_ADD2' });
    await call(client, 'add_entity_facet', { session_id, location: 'applicability', entity_name: 'IFCDOOR' });
    await call(client, 'add_property_facet', { session_id, location: 'requirements', property_set: 'Pset_DoorCommon',
                                               property_name: 'FireRating', data_type: 'IFCLABEL' });
    const v = await call(client, 'validate_ids', { session_id });
    assert.equal(v.structuredContent.valid, true, v.text);
    const res = await client.readResource({ uri: `ids://session/${session_id}` });
    assert.equal(res.contents[0].mimeType, 'application/xml');
    assert.match(res.contents[0].text, /IFCDOOR/);
    await call(client, 'export_ids', { session_id, output_path: 'doors.ids' });
    assert.ok(existsSync(join(root.dir, 'doors.ids')));
    const bad = await call(client, 'add_entity_facet', { session_id, location: 'applicability' }, true);
    assert.match(bad.text, /entity_name/);
    await assert.rejects(client.readResource({ uri: 'ids://session/nothing-here' }));
    const prompts = (await client.listPrompts()).prompts;
    assert.ok(prompts.some((p) => p.name === 'author_ids'));
    const templates = (await client.listResourceTemplates()).resourceTemplates;
    assert.equal(templates[0].uriTemplate, 'ids://session/{session_id}');
  } finally {
    await client.close();
    root.cleanup();
  }
});

test('the same binary still answers a legacy-mode v2 client', async () => {
  const root = makeRoot();
  const client = await connect('legacy', [root.dir]);
  try {
    assert.notEqual(client.getNegotiatedProtocolVersion(), MODERN);
    assert.ok((await client.listTools()).tools.length > 0);
  } finally {
    await client.close();
    root.cleanup();
  }
});
