// A model authoring with IFC names, through the official TypeScript SDK
// (v1, legacy era; v2, 2026-07-28): a misspelt class refused with
// candidates, the model looking the names up, a standard property's
// dataType filled in, a deliberate unknown name kept with allow_unknown
// and then reported by validate_ids, completion of the prompt's versions
// and of IFC names, and the ifc:// resources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernTransport } from '@modelcontextprotocol/client/stdio';
import { BIN, MODERN, makeRoot, serverArgs } from './lib.mjs';

let root, client;

before(async () => {
  root = makeRoot();
  const transport = new StdioClientTransport({ command: BIN, args: serverArgs([root.dir]), stderr: 'pipe' });
  client = new Client({ name: 'idsd-ifc-test', version: '1.0.0' });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  root?.cleanup();
});

async function call(name, args, expectError = false) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content?.map((c) => c.text).join('\n') ?? '';
  if (!expectError) assert.ok(!r.isError, `${name} failed: ${text}`);
  else assert.equal(r.isError, true, `${name} should have succeeded: ${text}`);
  return { ...r, text, s: r.structuredContent };
}

test('a misspelt class is refused with candidates, then looked up and fixed', async () => {
  await call('create_ids', { title: 'Walls' });
  await call('add_specification', { name: 'Walls need a fire rating', ifc_versions: ['IFC4'] });

  const typo = await call('add_entity_facet', { location: 'applicability', entity_name: 'IfcWal' }, true);
  assert.match(typo.text, /'IFCWAL' is not an IFC class in IFC4/);
  assert.match(typo.text, /Did you mean IFCWALL \(IFC4\)/);
  assert.match(typo.text, /allow_unknown/);
  assert.match(typo.text, /rule E1/);
  // A tool with an outputSchema sends an error as text only.
  assert.equal(typo.s, undefined);

  // The model looks the names up before trying again.
  const found = await call('find_ifc_names', { kind: 'entity', fragment: 'wall', limit: 3 });
  assert.ok(found.s.total > 3);
  assert.equal(found.s.names.length, 3);
  assert.equal(found.s.next_offset, 3);
  const next = await call('find_ifc_names', { kind: 'entity', fragment: 'wall', offset: 3 });
  assert.ok([...found.s.names, ...next.s.names].includes('IFCWALL'));
  assert.equal(found.s.names.length + next.s.names.length, found.s.total);

  const wall = await call('describe_ifc', { name: 'IFCWALL' });
  assert.equal(wall.s.ifc_version, 'IFC4');
  assert.ok(wall.s.predefined_types.includes('SOLIDWALL'));
  assert.ok(wall.s.property_sets.includes('Pset_WallCommon'));
  assert.ok(wall.s.attributes.some((a) => a.name === 'PredefinedType' && a.type === 'IfcWallTypeEnum'));

  await call('add_entity_facet', { location: 'applicability', entity_name: 'IFCWALL', predefined_type: 'SOLIDWALL' });
});

test('a standard property: its name checked, its dataType filled in or held to', async () => {
  const pset = await call('describe_ifc', { name: 'Pset_WallCommon' });
  const fire = pset.s.properties.find((p) => p.name === 'FireRating');
  assert.equal(fire.data_type, 'IFCLABEL');

  const typo = await call('add_property_facet', {
    location: 'requirements', property_set: 'Pset_WallCommon', property_name: 'FireRatingg',
  }, true);
  assert.match(typo.text, /Did you mean FireRating \(IFC4\)\?/);
  const wrong = await call('add_property_facet', {
    location: 'requirements', property_set: 'Pset_WallCommon', property_name: 'FireRating', data_type: 'IFCTEXT',
  }, true);
  assert.match(wrong.text, /has dataType IFCLABEL/);
  const added = await call('add_property_facet', {
    location: 'requirements', property_set: 'Pset_WallCommon', property_name: 'FireRating',
  });
  assert.ok(added.s.notes.some((n) => /data_type IFCLABEL filled in/.test(n)));
  assert.equal(added.s.facet.attributes.dataType, 'IFCLABEL');
  const valid = await call('validate_ids', {});
  assert.equal(valid.s.error_count, 0, valid.text);
});

test('allow_unknown keeps a name on purpose, and validate_ids then reports it', async () => {
  const kept = await call('add_entity_facet', {
    location: 'requirements', entity_name: 'IFCWALLSTANDARDCAS', allow_unknown: true,
  });
  assert.ok(kept.s.notes.some((n) => /allow_unknown/.test(n)));
  const v = await call('validate_ids', {});
  assert.ok(v.s.errors.some((e) => e.rule === 'E1' && /IFCWALLSTANDARDCAS/.test(e.message)), v.text);
});

test('completion: the prompt\'s versions and IFC names by prefix', async () => {
  assert.ok(client.getServerCapabilities().completions);
  const versions = await client.complete({
    ref: { type: 'ref/prompt', name: 'author_ids' },
    argument: { name: 'ifc_version', value: 'IFC2X3 ifc4' },
  });
  assert.deepEqual(versions.completion.values, ['IFC2X3 IFC4', 'IFC2X3 IFC4X3_ADD2']);
  const names = await client.complete({
    ref: { type: 'ref/resource', uri: 'ifc://{ifc_version}/{name}' },
    argument: { name: 'name', value: 'Pset_WallCo' },
    context: { arguments: { ifc_version: 'IFC4X3_ADD2' } },
  });
  assert.deepEqual(names.completion.values, ['Pset_WallCommon']);
  const many = await client.complete({
    ref: { type: 'ref/resource', uri: 'ifc://{ifc_version}/{name}' },
    argument: { name: 'name', value: 'IfcS' },
  });
  assert.equal(many.completion.values.length, Math.min(100, many.completion.total));
  assert.ok(many.completion.values.every((v) => /^IfcS/.test(v)));

  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  assert.ok(templates.includes('ifc://{ifc_version}/{name}'));
  const read = await client.readResource({ uri: 'ifc://IFC2X3/IfcWall' });
  const desc = JSON.parse(read.contents[0].text);
  assert.equal(desc.name, 'IFCWALL');
  assert.ok(desc.parents.includes('IFCBUILDINGELEMENT'));
});

test('the 2026-07-28 client completes and looks up the same way', async () => {
  const r = makeRoot();
  const transport = new ModernTransport({ command: BIN, args: serverArgs([r.dir]), stderr: 'pipe' });
  const modern = new ModernClient({ name: 'idsd-ifc-modern', version: '1.0.0' },
                                  { versionNegotiation: { mode: { pin: MODERN } } });
  await modern.connect(transport);
  try {
    assert.equal(modern.getNegotiatedProtocolVersion(), MODERN);
    const c = await modern.complete({
      ref: { type: 'ref/prompt', name: 'author_ids' },
      argument: { name: 'ifc_version', value: 'IFC4X' },
    });
    assert.deepEqual(c.completion.values, ['IFC4X3_ADD2']);
    const found = await modern.callTool({ name: 'find_ifc_names', arguments: { kind: 'property', fragment: 'FireRating', property_set: 'Pset_DoorCommon' } });
    assert.ok(!found.isError);
    assert.deepEqual(found.structuredContent.names.map((n) => n.name), ['FireRating']);
  } finally {
    await modern.close();
    r.cleanup();
  }
});
