// Tools a model cannot misuse, driven by the official TypeScript clients
// over every wire a model meets: stdio (SDK v1), Streamable HTTP in the
// legacy era (SDK v1, Mcp-Session-Id) and in 2026-07-28 (client v2, no
// connection session: the handle travels as session_id). Each item of the
// tools contract has its test per wire, and a table of plausible model
// mistakes checks that each gets the right result or an error naming the
// argument and what is allowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { BIN, MODERN, makeRoot, serverArgs } from './lib.mjs';
import { startServer } from './httplib.mjs';

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

// One connection of a model: call() passes the document's session_id on
// the stateless wire, as a model following the descriptions would.
const WIRES = {
  async stdio() {
    const client = new LegacyClient({ name: 'misuse-stdio', version: '1' });
    await client.connect(new StdioClientTransport({ command: BIN, args: serverArgs([root.dir]), stderr: 'pipe' }));
    return { client, stateless: false, close: () => client.close() };
  },
  async 'http-legacy'() {
    const client = new LegacyClient({ name: 'misuse-http-legacy', version: '1' });
    const transport = new LegacyHttp(new URL(srv.url));
    await client.connect(transport);
    return { client, transport, stateless: false,
             close: async () => { await transport.terminateSession(); await client.close(); } };
  },
  async 'http-modern'() {
    const client = new Client({ name: 'misuse-http-modern', version: '1' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(srv.url)));
    return { client, stateless: true, close: () => client.close() };
  },
};

async function open(wire) {
  const w = await WIRES[wire]();
  w.sid = undefined;
  w.raw = async (name, args) => {
    const r = await w.client.callTool({ name, arguments: args });
    return { ...r, text: r.content?.map((c) => c.text).join('\n') ?? '', sc: r.structuredContent };
  };
  w.call = async (name, args = {}, expectError = false) => {
    const a = { ...args };
    if (w.stateless && w.sid && !('session_id' in a)) a.session_id = w.sid;
    const r = await w.raw(name, a);
    if (!expectError) assert.ok(!r.isError, `${name} ${JSON.stringify(args)} failed: ${r.text}`);
    else assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} should have failed: ${r.text}`);
    if (!r.isError && r.sc?.session_id && (name === 'create_ids' || name === 'load_ids')) w.sid = r.sc.session_id;
    return r;
  };
  return w;
}

// A document with one specification and an entity applicability.
async function walls(w) {
  await w.call('create_ids', { title: 'Walls', replace: true });
  const s = await w.call('add_specification', { name: 'Walls', ifc_versions: 'IFC4' });
  await w.call('add_entity_facet', { location: 'applicability', entity_name: 'IFCWALL' });
  return s.sc.spec_id;
}

for (const wire of Object.keys(WIRES)) {
  test(`${wire}: facet handles keep naming the facet they were given for (item 1)`, async () => {
    const w = await open(wire);
    try {
      await walls(w);
      const name = await w.call('add_attribute_facet', { location: 'requirements', attribute_name: 'Name' });
      const desc = await w.call('add_attribute_facet', { location: 'requirements', attribute_name: 'Description' });
      assert.match(name.sc.facet_id, /^F\d+$/);
      assert.equal(desc.sc.facet_index, 1);
      // A classification goes before attributes: both move, the result says so.
      const cls = await w.call('add_classification_facet', { location: 'requirements', classification_system: 'Uniclass' });
      assert.equal(cls.sc.facet_index, 0);
      assert.deepEqual(cls.sc.moved.map((m) => [m.facet_id, m.from, m.to]),
                       [[name.sc.facet_id, 0, 1], [desc.sc.facet_id, 1, 2]]);
      // The handle still names Description, whatever its position now.
      const r = await w.call('add_pattern_restriction', { facet_id: desc.sc.facet_id, pattern: '[A-Z].*' });
      assert.equal(r.sc.facet_id, desc.sc.facet_id);
      assert.equal(r.sc.facet_label, 'Description');
      assert.equal(r.sc.facet_index, 2);
      // A stale position is refused when it contradicts the handle.
      const stale = await w.call('add_pattern_restriction', { facet_id: desc.sc.facet_id, facet_index: 1, location: 'requirements', pattern: 'x' }, true);
      assert.match(stale.text, /facet_index 2, not 1/);
      // facet_index still works, and the result names the facet it touched.
      const byIndex = await w.call('add_length_restriction', { location: 'requirements', facet_index: 1, max_length: 40 });
      assert.equal(byIndex.sc.facet_id, name.sc.facet_id);
      assert.equal(byIndex.sc.facet_label, 'Name');
      const gone = await w.call('remove_facet', { facet_id: desc.sc.facet_id });
      assert.equal(gone.sc.removed.label, 'Description');
      const spec = (await w.call('get_specification', {})).sc.specification;
      assert.deepEqual(spec.requirements.map((f) => f.facet_id), [cls.sc.facet_id, name.sc.facet_id]);
      const again = await w.call('remove_facet', { facet_id: desc.sc.facet_id }, true);
      assert.match(again.text, /facet_id '.*' names no facet.*removed/);
    } finally { await w.close(); }
  });

  test(`${wire}: specification handles survive removals; identifiers stay unique (item 2)`, async () => {
    const w = await open(wire);
    try {
      await w.call('create_ids', { title: 'Specs' });
      const ids = [];
      for (const n of ['One', 'Two', 'Three']) ids.push((await w.call('add_specification', { name: n, ifc_versions: ['IFC4'] })).sc.spec_id);
      assert.deepEqual(ids, ['S1', 'S2', 'S3']);
      await w.call('remove_specification', { spec_id: ids[1] });
      const third = await w.call('get_specification', { spec_id: ids[2] });
      assert.equal(third.sc.spec_name, 'Three');
      assert.equal(third.sc.spec_index, 2);
      const dup = await w.call('add_specification', { name: 'Four', ifc_versions: 'IFC4', identifier: 'X1' });
      assert.equal(dup.sc.identifier, 'X1');
      const refused = await w.call('update_specification', { spec_id: ids[0], identifier: 'X1' }, true);
      assert.match(refused.text, /argument 'identifier'.*already has identifier 'X1'/);
      // An identifier that looks like a position never shadows it.
      await w.call('update_specification', { spec_id: ids[0], identifier: '2' });
      const amb = await w.call('get_specification', { spec_id: '2' }, true);
      assert.match(amb.text, /ambiguous.*identifier of specification 1.*position of specification 2/);
    } finally { await w.close(); }
  });

  test(`${wire}: no silent data loss (item 3)`, async () => {
    const w = await open(wire);
    try {
      await walls(w);
      // "" is "not given".
      const info = await w.raw('get_ids_info', { session_id: '' });
      if (w.stateless) assert.match(info.text, /keeps no connection session/);
      else assert.equal(info.sc.specification_count, 1);
      // Edited and not exported: create and load refuse without replace.
      const refused = await w.call('create_ids', { title: 'Fresh' }, true);
      assert.match(refused.text, /not exported.*replace: true/);
      const xml = '<ids xmlns="http://standards.buildingsmart.org/IDS"><info><title>L</title></info><specifications/></ids>';
      await w.call('load_ids', { source: xml }, true);
      assert.equal((await w.call('get_ids_info')).sc.specification_count, 1);
      await w.call('export_ids', {});
      await w.call('create_ids', { title: 'Fresh' });
      const only = await w.call('add_specification', { name: 'Only', ifc_versions: 'IFC4' });
      const last = await w.call('remove_specification', { spec_id: only.sc.spec_id });
      assert.match(last.sc.warning, /invalid until add_specification/);
      const replaced = await w.call('create_ids', { title: 'Again', replace: true });
      assert.equal(replaced.sc.replaced_document, true);
      // An unknown session says what happened and gives no advice that loses work.
      const unknown = await w.raw('get_ids_info', { session_id: '0123456789abcdef0123456789abcdef' });
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /unknown or has expired.*latest create_ids or load_ids result/);
      if (wire === 'http-legacy') {
        const closed = await w.call('close_session', {});
        assert.equal(closed.sc.session_kept, true);
        await w.client.ping();
        const next = await w.call('create_ids', { title: 'After close' });
        assert.equal(next.sc.session_id, w.transport.sessionId);
      }
    } finally { await w.close(); }
  });

  test(`${wire}: update_facet edits every part in place (item 4)`, async () => {
    const w = await open(wire);
    try {
      await walls(w);
      const p = await w.call('add_property_facet', { location: 'requirements', property_set: 'Pset_WallCommon', property_name: 'FireRating' });
      const u = await w.call('update_facet', { facet_id: p.sc.facet_id, cardinality: 'optional', data_type: 'ifclabel',
                                               uri: 'https://identifier.buildingsmart.org/x', instructions: 'Fill it', value: { enumeration: ['REI60', 'REI90'] } });
      assert.equal(u.sc.facet_id, p.sc.facet_id);
      assert.deepEqual(u.sc.facet.attributes, { dataType: 'IFCLABEL', uri: 'https://identifier.buildingsmart.org/x', cardinality: 'optional', instructions: 'Fill it' });
      assert.deepEqual(u.sc.facet.parameters.value, { base: 'xs:string', enumeration: ['REI60', 'REI90'] });
      const pof = await w.call('add_partof_facet', { location: 'requirements', parent_entity: 'IFCBUILDINGSTOREY' });
      const rel = await w.call('update_facet', { facet_id: pof.sc.facet_id, relation: 'IFCRELCONTAINEDINSPATIALSTRUCTURE', parent_entity: 'ifcbuilding' });
      assert.equal(rel.sc.facet.attributes.relation, 'IFCRELCONTAINEDINSPATIALSTRUCTURE');
      assert.equal(rel.sc.facet.parameters.name, 'IFCBUILDING');
      const bad = await w.call('update_facet', { facet_id: pof.sc.facet_id, system: 'x' }, true);
      assert.match(bad.text, /argument 'system'.*it takes: name, predefined_type/);
      const ent = await w.call('add_entity_facet', { location: 'applicability', entity_name: 'IFCSLAB' }, true);
      assert.doesNotMatch(ent.text, /ids_[a-z_]+/);
    } finally { await w.close(); }
  });

  test(`${wire}: bases inferred, one vocabulary, case and forgiving input (items 5-7)`, async () => {
    const w = await open(wire);
    try {
      await walls(w);
      const inCall = await w.call('add_property_facet', { location: 'requirements', property_set: 'Acme_Wall', property_name: 'Floors',
                                                          data_type: 'IFCINTEGER', value: { enumeration: [1, 2] } });
      assert.equal(inCall.sc.facet.parameters.value.base, 'xs:integer');
      const len = await w.call('add_property_facet', { location: 'requirements', property_set: 'Acme_Wall', property_name: 'Width', data_type: 'IFCLENGTHMEASURE' });
      const set = await w.call('set_restriction', { facet_id: len.sc.facet_id, items: [{ facet: 'min_inclusive', value: 0.1 }, { facet: 'maxInclusive', value: 2 }] });
      assert.equal(set.sc.value.base, 'xs:double');
      const en = await w.call('add_enumeration_restriction', { facet_id: inCall.sc.facet_id, values: [3, 4] });
      assert.equal(en.sc.value.base, 'xs:integer');
      const alias = await w.call('add_pattern_restriction', { facet_id: len.sc.facet_id, parameter_name: 'property_name', pattern: 'W.*' });
      assert.equal(alias.sc.parameter_name, 'baseName');
      const b = await w.call('add_property_facet', { location: 'requirements', property_set: 'Pset_WallCommon', property_name: 'IsExternal', data_type: 'IFCBOOLEAN', value: 'TRUE' });
      assert.equal(b.sc.facet.parameters.value, 'true');
      assert.ok(b.sc.notes.some((n) => /TRUE.*true/.test(n)), JSON.stringify(b.sc.notes));
      const rel = await w.call('add_partof_facet', { location: 'requirements', parent_entity: 'IfcBuildingStorey', relation: 'IfcRelContainedInSpatialStructure' });
      assert.equal(rel.sc.facet.attributes.relation, 'IFCRELCONTAINEDINSPATIALSTRUCTURE');
      assert.equal(rel.sc.facet.parameters.name, 'IFCBUILDINGSTOREY');
      const ent = await w.call('add_entity_facet', { location: 'requirements', entity_name: { enumeration: ['IfcWall', 'IfcWallStandardCase'] } });
      assert.deepEqual(ent.sc.facet.parameters.name.enumeration, ['IFCWALL', 'IFCWALLSTANDARDCASE']);
      const later = await w.call('add_enumeration_restriction', { facet_id: ent.sc.facet_id, values: ['IfcWall', 'IfcCurtainWall'] });
      assert.deepEqual(later.sc.value.enumeration, ['IFCWALL', 'IFCCURTAINWALL']);
      const plain = await w.call('set_facet_parameter', { facet_id: ent.sc.facet_id, parameter_name: 'entity_name', value: 'IfcSlab' });
      assert.equal(plain.sc.value, 'IFCSLAB');
      await w.call('export_ids', {});
      const xml = (await w.call('export_ids', {})).sc.xml;
      const fenced = await w.call('load_ids', { source: `\uFEFF\n\n\`\`\`xml\n${xml}\n\`\`\`\n` });
      assert.equal(fenced.sc.specification_count, 1);
      assert.ok(fenced.sc.notes.some((n) => /fence/.test(n)));
      const junk = await w.call('load_ids', { source: `Here is the IDS:\n${xml}`, replace: true }, true);
      assert.match(junk.text, /neither a path nor an IDS document/);
      assert.ok(junk.text.length < 600, 'a path error never echoes the document');
      const prompt = await w.client.getPrompt({ name: 'author_ids', arguments: { requirement: 'Walls have a fire rating', ifc_versions: 'IFC4' } });
      assert.match(prompt.messages[0].content.text, /ifc_versions IFC4/);
    } finally { await w.close(); }
  });

  test(`${wire}: the catalogue is affordable and hints help (items 8-10)`, async () => {
    const w = await open(wire);
    try {
      const tools = (await w.client.listTools()).tools;
      const bytes = Buffer.byteLength(JSON.stringify(tools));
      assert.ok(bytes <= 25 * 1024, `tools/list is ${bytes} bytes`);
      const addSpec = tools.find((t) => t.name === 'add_specification').inputSchema;
      const sidDesc = addSpec.properties.session_id.description ?? '';
      const sidRequired = (addSpec.required ?? []).includes('session_id');
      assert.equal(sidDesc, '');
      assert.equal(sidRequired, w.stateless);
      if (w.stateless) {
        assert.ok(!(tools.find((t) => t.name === 'create_ids').inputSchema.required ?? []).includes('session_id'));
        const miss = await w.raw('add_specification', { name: 'x', ifc_versions: 'IFC4' });
        assert.match(miss.text, /keeps no connection session.*session_id that create_ids or load_ids returned/);
      } else {
        assert.deepEqual((await w.client.listResources()).resources, []);
      }
      await walls(w);
      if (!w.stateless) assert.equal((await w.client.listResources()).resources.length, 1);
      const dym = await w.call('add_specification', { name: 'x', ifc_version: 'IFC4' }, true);
      assert.match(dym.text, /unknown argument 'ifc_version' \(did you mean 'ifc_versions'\?\)/);
      const dup = await w.call('add_enumeration_restriction', { values: ['A', 'B', 'A'] }, true);
      assert.match(dup.text, /argument 'values' lists 'A' twice/);
      const p = await w.call('add_attribute_facet', { location: 'requirements', attribute_name: 'Name', value: { pattern: '^W-[0-9]+$' } });
      assert.ok(p.sc.notes.some((n) => /literal character, not an anchor/.test(n)), JSON.stringify(p.sc.notes));
    } finally { await w.close(); }
  });

  // The mistakes models make, each with what it must get: ok (optionally
  // checked) or an error naming the argument and what is allowed.
  const MISTAKES = [
    ['add_entity_facet', { location: 'Applicability', entity_name: 'IfcDoor' }, (r) => r.sc.location === 'applicability' && r.sc.facet.parameters.name === 'IFCDOOR'],
    ['add_entity_facet', { location: 'applicability', entityName: 'IFCDOOR' }, /unknown argument|already has an entity facet/],
    ['add_property_facet', { location: 'requirements', propertySet: 'Pset_DoorCommon', propertyName: 'FireRating' }, (r) => r.sc.facet.parameters.baseName === 'FireRating'],
    ['add_property_facet', { location: 'requirements', pset: 'Pset_DoorCommon', name: 'IsExternal', dataType: 'IFCBOOLEAN', value: 'True' }, (r) => r.sc.facet.parameters.value === 'true'],
    ['add_property_facet', { location: 'requirements', property_set: 'P', property_name: 'N', cardinality: 'Required' }, (r) => r.sc.facet.attributes.cardinality === 'required'],
    ['add_property_facet', { location: 'requirements', property_set: 'P' }, /missing required argument 'property_name'/],
    ['add_property_facet', { location: 'requirement', property_set: 'P', property_name: 'N' }, /argument 'location' must be one of: applicability, requirements/],
    ['add_property_facet', { location: 'requirements', property_set: 'P', property_name: 'N', cardinality: 'mandatory' }, /argument 'cardinality' must be one of: required, optional, prohibited/],
    ['add_property_facet', { location: 'applicability', property_set: 'P', property_name: 'N', uri: 'https://x.org' }, /argument 'uri' is only allowed on requirement facets/],
    ['add_attribute_facet', { location: 'requirements', attribute: 'Name' }, /unknown argument 'attribute' \(did you mean 'attribute_name'\?\)/],
    ['add_attribute_facet', { location: 'requirements', name: 'Tag' }, (r) => r.sc.facet.parameters.name === 'Tag'],
    ['add_attribute_facet', { location: 'requirements', attribute_name: '' }, /argument 'attribute_name' must not be empty/],
    ['add_classification_facet', { location: 'requirements', system: 'Uniclass', value: 'EF_25' }, (r) => r.sc.facet.parameters.system === 'Uniclass'],
    ['add_material_facet', { location: 'requirements', material: 'concrete' }, (r) => r.sc.facet.parameters.value === 'concrete'],
    ['add_partof_facet', { location: 'requirements', parent_entity: 'IFCBUILDING', relation: 'contained' }, /argument 'relation' must be one of: IFCRELAGGREGATES/],
    ['add_partof_facet', { location: 'requirements', parent_entity: 'IfcSpace', relation: 'ifcrelaggregates' }, (r) => r.sc.facet.attributes.relation === 'IFCRELAGGREGATES'],
    ['add_partof_facet', { location: 'requirements', parent_entity: 'IFCBUILDING', cardinality: 'optional' }, /argument 'cardinality' must be one of: required, prohibited/],
    ['add_specification', { name: 'S', ifc_versions: 'IFC4, ifc4x3' }, (r) => r.sc.spec_id.startsWith('S')],
    ['add_specification', { name: 'S', ifc_versions: ['IFC5'] }, /ifc_versions.*IFC2X3, IFC4, IFC4X3_ADD2/],
    ['add_specification', { name: 'S', ifc_versions: 'IFC4', usage: 'Mandatory' }, /argument 'usage' must be one of: required, optional, prohibited/],
    ['add_specification', { name: 'S', ifc_versions: 'IFC4', usage: 'OPTIONAL' }, (r) => r.sc.usage === 'optional'],
    ['add_specification', { name: 'S', ifcVersions: 'IFC4' }, (r) => r.sc.spec_id.startsWith('S')],
    ['add_specification', { title: 'S', ifc_versions: 'IFC4' }, /unknown argument 'title'.*may only contain: name/],
    ['get_specification', { spec_id: 'S99' }, /spec_id 'S99' not found; specifications: S1 'Walls'/],
    ['get_specification', { spec_id: 99 }, /spec_id 99 is out of range/],
    ['get_specification', { spec_id: 'walls' }, /spec_id 'walls' not found/],
    ['get_specification', { spec_id: '' }, (r) => r.sc.spec_id_defaulted === true],
    ['add_bounds_restriction', {}, /Give at least one bound: min_inclusive, max_inclusive/],
    ['add_bounds_restriction', { minInclusive: 0, facet_id: '$P' }, (r) => r.sc.value.min_inclusive === '0'],
    ['add_bounds_restriction', { min: 0, facet_id: '$P' }, /unknown argument 'min'.*min_inclusive/],
    ['add_bounds_restriction', { min_inclusive: 'abc', facet_id: '$P' }, /min_inclusive/],
    ['add_bounds_restriction', { min_inclusive: 1, facet_id: 'F99' }, /facet_id 'F99' names no facet/],
    ['add_bounds_restriction', { min_inclusive: 1, facet_id: '7' }, /a handle is F and a number/],
    ['add_bounds_restriction', { min_inclusive: 1, facet_index: 42, location: 'requirements' }, /facet_index 42 is out of range.*F\d+ \(facet_index 0/],
    ['add_pattern_restriction', { pattern: '[A-Z]+', facet_id: '$P', base_type: 'text' }, /argument 'base_type' must be one of: xs:string/],
    ['add_pattern_restriction', { pattern: '[A-Z]+', facet_id: '$P', base_type: 'string', parameter_name: 'property_set' }, (r) => r.sc.value.base === 'xs:string'],
    ['add_pattern_restriction', { pattern: '[0-9]+', facet_id: '$P', base_type: 'xs:string' }, /dataType IFCREAL needs base xs:double/],
    ['add_pattern_restriction', { pattern: '[0-9]+', facet_id: '$P' }, (r) => r.sc.value.base === 'xs:double'],
    ['add_pattern_restriction', { pattern: '[A-Z]+', facet_id: '$P', parameter_name: 'PropertySet' }, (r) => r.sc.parameter_name === 'propertySet'],
    ['add_pattern_restriction', { pattern: '[A-Z]+', facet_id: '$P', parameter_name: 'colour' }, /argument 'parameter_name': 'colour' is not a parameter of the property facet .*; it has: propertySet, baseName, value/],
    ['add_enumeration_restriction', { values: 'REI60', facet_id: '$P' }, /argument 'values' must be an array/],
    ['add_enumeration_restriction', { enumeration: [60, 90], facet_id: '$P' }, (r) => r.sc.value.enumeration.length === 2],
    ['add_length_restriction', { facet_id: '$P', min_length: -1 }, /argument 'min_length' must be at least 0/],
    ['add_length_restriction', { facet_id: '$P', max_length: '8', parameter_name: 'baseName' }, (r) => r.sc.value.max_length === 8],
    ['set_restriction', { facet_id: '$P', parameter_name: 'property_set', items: [{ facet: 'MaxLength', value: 3 }] }, (r) => r.sc.value.max_length === 3],
    ['set_restriction', { facet_id: '$P', items: [{ facet: 'regex', value: 'x' }] }, /argument 'items\[0\].facet' must be one of: enumeration, pattern/],
    ['set_facet_parameter', { facet_id: '$P', parameter_name: 'baseName', value: null }, /required and cannot be removed/],
    ['update_facet', { facet_id: '$P' }, /Nothing to update: give at least one of name/],
    ['update_facet', { facet_id: '$P', property_name: 'FireRating2', datatype: 'ifcreal' }, (r) => r.sc.facet.attributes.dataType === 'IFCREAL' && r.sc.facet.parameters.baseName === 'FireRating2'],
    ['remove_facet', {}, /Say which facet: facet_id/],
    ['remove_facet', { facet_index: '0', location: 'requirements' }, (r) => r.sc.status === 'removed'],
    ['create_ids', { title: 'New' }, /not exported.*replace: true/],
    ['export_ids', { validate: 'false' }, (r) => typeof r.sc.xml === 'string'],
    ['validate_ids', { use_xsd: 'yes' }, /argument 'use_xsd' must be a boolean/],
    ['update_ids_info', { author: 'Bob' }, /author/],
  ];

  test(`${wire}: ${MISTAKES.length} plausible model mistakes get the right result or a precise error`, async () => {
    assert.ok(MISTAKES.length >= 40);
    const w = await open(wire);
    try {
      await w.call('create_ids', { title: 'Mistakes' });
      await w.call('add_specification', { name: 'Walls', ifc_versions: 'IFC4' });
      const bare = await w.call('add_property_facet', { location: 'requirements', property_set: 'Acme_Wall', property_name: 'Bare' });
      const nodt = await w.raw('add_bounds_restriction', { facet_id: bare.sc.facet_id, min_inclusive: 1, ...(w.stateless ? { session_id: w.sid } : {}) });
      assert.match(nodt.text, /data_type first: update_facet/);
      const prop = await w.call('add_property_facet', { location: 'requirements', property_set: 'Acme_Wall', property_name: 'FireRating', data_type: 'IFCREAL' });
      for (const [name, args, want] of MISTAKES) {
        const a = { ...args };
        if (a.facet_id === '$P') a.facet_id = prop.sc.facet_id;
        if (w.stateless && !('session_id' in a)) a.session_id = w.sid;
        const r = await w.raw(name, a);
        const where = `${name} ${JSON.stringify(args)} -> ${r.text.slice(0, 400)}`;
        if (want instanceof RegExp) {
          assert.equal(r.isError, true, where);
          assert.match(r.text, want, where);
        } else {
          assert.ok(!r.isError, where);
          assert.ok(want(r), where);
        }
      }
    } finally { await w.close(); }
  });
}

test('the catalogue fits its budget on every wire (item 9)', async () => {
  const w = await open('http-modern');
  try {
    const tools = (await w.client.listTools()).tools;
    const bytes = Buffer.byteLength(JSON.stringify(tools));
    writeFileSync(join(root.dir, 'tools-list-bytes.txt'), String(bytes));
    assert.ok(bytes <= 25 * 1024, `${bytes} bytes`);
  } finally { await w.close(); }
});
