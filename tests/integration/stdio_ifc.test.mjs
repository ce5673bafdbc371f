// Checking IFC models through the official TypeScript SDK (v1) over stdio:
// a model checked by path, loaded once and checked again after an edit,
// progress notifications during the check, and a model's usual mistakes
// (a path outside the roots, an IDS file given as the model, no model
// loaded, an invalid document, a bad max_failures).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, HAVE_SHARED, RawClient, SHARED, makeRoot, serverArgs } from './lib.mjs';

const CASE = 'property/fail-all_matching_property_sets_must_satisfy_requirements_2_3';
let root, client, cases;

before(async () => {
  root = makeRoot();
  const roots = [root.dir];
  if (HAVE_SHARED) {
    cases = join(SHARED, 'testcases');
    roots.push(cases);
  }
  const transport = new StdioClientTransport({ command: BIN, args: serverArgs(roots), stderr: 'pipe' });
  client = new Client({ name: 'idsd-ifc-test', version: '1.0.0' });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  root?.cleanup();
});

async function call(name, args, expectError = false, opts = undefined) {
  const r = await client.callTool({ name, arguments: args }, undefined, opts);
  const text = r.content?.map((c) => c.text).join('\n') ?? '';
  if (!expectError) assert.ok(!r.isError, `${name} failed: ${text}`);
  else assert.equal(r.isError, true, `${name} should have failed: ${text}`);
  return { ...r, text };
}

test('the tools are listed with short descriptions', async () => {
  const tools = (await client.listTools()).tools;
  for (const name of ['load_ifc_model', 'validate_ifc_model']) {
    const t = tools.find((x) => x.name === name);
    assert.ok(t, `${name} is listed`);
    assert.ok(t.description.length < 400, `${name}: description is short`);
  }
});

test('a model checked by path, then loaded and checked again', { skip: !HAVE_SHARED }, async () => {
  await call('load_ids', { source: join(cases, `${CASE}.ids`) });
  const model = join(cases, `${CASE}.ifc`);
  let r = await call('validate_ifc_model', { path: model });
  const s = r.structuredContent;
  assert.equal(s.status, 'fail');
  assert.equal(s.failed, 1);
  assert.equal(s.model.schema, 'IFC4');
  const spec = s.specifications[0];
  assert.equal(spec.applicable, 1);
  const req = spec.failed_requirements[0];
  assert.equal(req.kind, 'property');
  assert.equal(req.failures[0].global_id, '2nJrDaLQfJ1QPhdJR0o97J');
  assert.equal(req.failures[0].class, 'IfcWall');
  assert.match(req.failures[0].reason, /has no property/);

  r = await call('load_ifc_model', { path: model });
  assert.equal(r.structuredContent.model.instances, 13);
  r = await call('validate_ifc_model', { max_failures: 1 });
  assert.equal(r.structuredContent.status, 'fail');
  assert.equal(r.structuredContent.specifications[0].failed_requirements[0].failures.length, 1);
  r = await call('validate_ifc_model', { spec_id: 1 });
  assert.equal(r.structuredContent.specifications.length, 1);
});

// The SDK (v1) handles a response before the notifications that came in
// the same read, and then drops them as of an unknown request; a check of
// a test-case model is that fast, so progress is looked at on the wire.
test('progress notifications during a check increase to the end', { skip: !HAVE_SHARED }, async () => {
  const c = new RawClient(['serve', '--stdio', '--log-level', 'error', '--root', cases]);
  try {
    await c.modern(1, 'tools/call', { name: 'load_ids',
      arguments: { source: join(cases, `${CASE}.ids`) } });
    const r = await c.modern(2, 'tools/call', { name: 'validate_ifc_model',
      arguments: { path: join(cases, `${CASE}.ifc`) }, _meta: { progressToken: 'p1' } });
    assert.equal(r.result.isError ?? false, false, JSON.stringify(r));
    const p = c.notifications.filter((n) => n.method === 'notifications/progress' &&
                                            n.params.progressToken === 'p1');
    assert.ok(p.length >= 3, JSON.stringify(p));
    assert.ok(p.some((n) => /1 of 1 specifications checked/.test(n.params.message)));
    for (let i = 1; i < p.length; i++) assert.ok(p[i].params.progress > p[i - 1].params.progress);
    assert.equal(p[p.length - 1].params.progress, 1);
  } finally {
    await c.close();
  }
});

test('a model\'s usual mistakes get messages to act on', { skip: !HAVE_SHARED }, async () => {
  let r = await call('validate_ifc_model', { path: '/etc/passwd' }, true);
  assert.match(r.text, /outside/);
  r = await call('validate_ifc_model', { path: join(cases, `${CASE}.ids`) }, true);
  assert.match(r.text, /Could not read the IFC model/);
  r = await call('validate_ifc_model', { max_failures: 0 }, true);
  assert.match(r.text, /max_failures/);
  r = await call('validate_ifc_model', { spec_id: 'no such spec' }, true);
  r = await call('add_specification', { name: 'Empty', ifc_versions: ['IFC4'] });
  r = await call('validate_ifc_model', {}, true);
  assert.match(r.text, /validate_ids/);
});

test('without a model loaded, the message says what to do', async () => {
  const c2 = new Client({ name: 'idsd-ifc-test-2', version: '1.0.0' });
  await c2.connect(new StdioClientTransport({ command: BIN, args: serverArgs([root.dir]), stderr: 'pipe' }));
  try {
    await c2.callTool({ name: 'create_ids', arguments: { title: 'T' } });
    const r = await c2.callTool({ name: 'validate_ifc_model', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /load_ifc_model/);
  } finally {
    await c2.close();
  }
});
