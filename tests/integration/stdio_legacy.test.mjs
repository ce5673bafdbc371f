// The legacy era through the official TypeScript SDK (v1): initialize
// handshake, then an IDS built from nothing with every facet kind, through
// tools alone; exported, validated, read back as a resource; test cases
// loaded by path and by string; bad arguments and paths outside the roots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { BIN, HAVE_SHARED, SHARED, makeRoot, serverArgs, sharedCase, xsdUsable } from './lib.mjs';

const EXPECTED_TOOLS = [
  'create_ids', 'load_ids', 'export_ids', 'validate_ids', 'add_specification',
  'add_entity_facet', 'add_partof_facet', 'add_classification_facet',
  'add_attribute_facet', 'add_property_facet', 'add_material_facet',
];

let root, client, logs = [];

before(async () => {
  root = makeRoot();
  const roots = [root.dir];
  if (HAVE_SHARED) roots.push(join(SHARED, 'testcases'));
  const transport = new StdioClientTransport({ command: BIN, args: serverArgs(roots), stderr: 'pipe' });
  client = new Client({ name: 'idsd-legacy-test', version: '1.0.0' });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  root?.cleanup();
});

// Calls a tool; fails the test on isError unless expectError.
async function call(name, args, expectError = false) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content?.map((c) => c.text).join('\n') ?? '';
  if (!expectError) assert.ok(!r.isError, `${name} failed: ${text}`);
  else assert.equal(r.isError, true, `${name} should have failed: ${text}`);
  return { ...r, text };
}

test('handshake and server identity', async () => {
  const info = client.getServerVersion();
  assert.equal(info.name, 'idsd');
  const caps = client.getServerCapabilities();
  for (const k of ['tools', 'resources', 'prompts', 'logging']) assert.ok(caps[k], `capability ${k}`);
  await client.ping();
});

test('tools are listed in a stable order, with schemas', async () => {
  const a = (await client.listTools()).tools.map((t) => t.name);
  const b = (await client.listTools()).tools.map((t) => t.name);
  assert.deepEqual(a, b);
  for (const name of EXPECTED_TOOLS) assert.ok(a.includes(name), `tool ${name} is listed`);
  for (const t of (await client.listTools()).tools) {
    assert.equal(t.inputSchema.type, 'object', t.name);
    assert.ok(t.description.length > 20, t.name);
  }
});

test('every list method answers, even when empty', async () => {
  assert.ok(Array.isArray((await client.listResources()).resources));
  const templates = (await client.listResourceTemplates()).resourceTemplates;
  assert.equal(templates[0].uriTemplate, 'ids://session/{session_id}');
  assert.equal(templates[0].mimeType, 'application/xml');
  const prompts = (await client.listPrompts()).prompts;
  assert.ok(prompts.some((p) => p.name === 'author_ids'));
  const p = await client.getPrompt({ name: 'author_ids',
                                      arguments: { requirement: 'Every wall has a fire rating', ifc_versions: 'IFC4' } });
  assert.match(p.messages[0].content.text, /Every wall has a fire rating/);
});

test('a complete IDS with every facet kind, through tools alone', async () => {
  await client.setLoggingLevel('debug');
  const created = await call('create_ids', { title: 'Walls of the test building', author: 'tester@example.com' });
  const sid = created.structuredContent.session_id;
  assert.match(sid, /^[0-9a-f]{32}$/);
  assert.ok(logs.length > 0, 'logging/setLevel debug brings notifications/message');

  await call('add_specification', { name: 'Walls are described', ifc_versions: ['IFC4'] });
  await call('add_entity_facet', { location: 'applicability', entity_name: 'IFCWALL', predefined_type: 'SOLIDWALL' });
  await call('add_partof_facet', { location: 'requirements', parent_entity: 'IFCBUILDINGSTOREY',
                                   relation: 'IFCRELCONTAINEDINSPATIALSTRUCTURE' });
  await call('add_classification_facet', { location: 'requirements', classification_system: 'Uniclass 2015',
                                           classification_value: 'EF_25_10' });
  await call('add_attribute_facet', { location: 'requirements', attribute_name: 'Name',
                                      value: { base: 'xs:string', pattern: 'W-[0-9]+' } });
  await call('add_property_facet', { location: 'requirements', property_set: 'Pset_WallCommon',
                                     property_name: 'FireRating', data_type: 'IFCLABEL',
                                     value: { enumeration: ['EI30', 'EI60', 'EI90'] } });
  await call('add_material_facet', { location: 'requirements', material_value: 'concrete' });

  const v = await call('validate_ids', {});
  assert.equal(v.structuredContent.valid, true, v.text);
  if (xsdUsable()) assert.equal(v.structuredContent.xsd_checked, true, 'checked with the official XSD');

  // The document as a resource.
  const listed = (await client.listResources()).resources;
  assert.ok(listed.some((r) => r.uri === `ids://session/${sid}`));
  const res = await client.readResource({ uri: `ids://session/${sid}` });
  assert.equal(res.contents[0].mimeType, 'application/xml');
  const xml = res.contents[0].text;
  for (const el of ['<entity', '<partOf', '<classification', '<attribute', '<property', '<material'])
    assert.ok(xml.includes(el) || xml.includes(el.replace('<', '<ids:')), `the document has ${el}`);

  // Export to a file under the root, then load it back: still valid.
  const exported = await call('export_ids', { output_path: 'walls.ids' });
  const file = join(root.dir, 'walls.ids');
  assert.ok(existsSync(file), exported.text);
  assert.equal(readFileSync(file, 'utf8'), xml);
  const inline = await call('export_ids', {});
  assert.equal(inline.structuredContent.xml, xml);
  const back = await call('load_ids', { source: file, source_type: 'file' });
  assert.equal(back.structuredContent.validation.valid, true, back.text);
});

test('test cases load by path and by string', { skip: !HAVE_SHARED && 'no shared IDS test cases' }, async () => {
  for (const folder of ['entity', 'property', 'restriction']) {
    const path = sharedCase(folder);
    const byPath = await call('load_ids', { source: path, source_type: 'file' });
    assert.ok(byPath.structuredContent.specification_count >= 1, byPath.text);
    const byString = await call('load_ids', { source: readFileSync(path, 'utf8'), source_type: 'string' });
    assert.equal(byString.structuredContent.specification_count, byPath.structuredContent.specification_count);
  }
});

test('a bad argument is a tool error with a useful message', async () => {
  await call('create_ids', { title: 'Bad arguments' });
  let r = await call('add_specification', { name: 'x', ifc_versions: ['IFC5'] }, true);
  assert.match(r.text, /IFC2X3|IFC4/, 'says which versions are allowed');
  r = await call('create_ids', {}, true);
  assert.match(r.text, /title/);
  r = await call('add_entity_facet', { location: 'somewhere', entity_name: 'IFCWALL' }, true);
  assert.match(r.text, /applicability|requirements/);
  // Unknown tools are protocol errors.
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /no_such_tool|-32602/);
});

test('a path outside the roots is refused', async () => {
  await call('create_ids', { title: 'Roots' });
  for (const p of ['/etc/passwd', '../outside.ids', join(root.dir, '..', 'outside.ids')]) {
    const r = await call('load_ids', { source: p, source_type: 'file' }, true);
    assert.ok(r.text.length > 20, r.text);
  }
  for (const p of ['/tmp/../etc/idsd-test.ids', '../escape.ids']) {
    const r = await call('export_ids', { output_path: p }, true);
    assert.ok(r.text.length > 20, r.text);
    assert.ok(!existsSync(join(root.dir, '..', 'escape.ids')));
  }
});

test('reading an unknown resource is an error, not empty contents', async () => {
  await assert.rejects(client.readResource({ uri: 'ids://session/00000000000000000000000000000000' }),
                       (e) => e.code === -32602 || /-32602/.test(String(e)));
});
