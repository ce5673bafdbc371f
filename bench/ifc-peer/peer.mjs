// peer.mjs - the peer IDS checker over the buildingSMART pass/fail test
// cases: ThatOpen's @thatopen/components (pinned in package.json, lock file
// committed), headless in Node.
//
// For each pass-*/fail-* case (an .ids and its .ifc) it converts the model
// with @thatopen/fragments' IfcImporter (web-ifc; every attribute and
// relation kept, so the checker sees more than the importer's default
// selection), loads it into the
// fragments worker, loads the IDS with IDSSpecifications and tests every
// specification. The case's verdict is "pass" when every applicable
// element of every specification passes; the expected verdict is the
// file's prefix. ThatOpen has no specification cardinality (minOccurs /
// maxOccurs of the applicability), so none is applied here: that is part
// of what is measured.
//
// Times per case (performance.now(), one case after another on one Node
// thread plus the fragments worker): convert (IFC to fragments), load
// (into the worker), check (IDS load + every specification's test), total;
// and the CPU time of the process over the case (all its threads).
//
// usage: node peer.mjs TESTCASES_DIR [--json OUT.json] [--filter SUBSTRING]
// Prints one line per case and a summary; --json writes every case.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import Worker from 'web-worker';

// The fragments library starts web workers; Node has none of its own.
globalThis.Worker = Worker;
if (typeof globalThis.navigator === 'undefined')
  globalThis.navigator = { hardwareConcurrency: 2 };
// A loaded model sizes its (unused) view from the window.
if (typeof globalThis.window === 'undefined') {
  globalThis.window = { innerWidth: 1280, innerHeight: 720, devicePixelRatio: 1,
                        screen: { width: 1280, height: 720 },
                        addEventListener() {}, removeEventListener() {} };
}

// Both through require: @thatopen/components has no "exports" and loads
// as CommonJS, and one instance of fragments and three must serve both.
const require = createRequire(import.meta.url);
const OBC = require('@thatopen/components');
const FRAGS = require('@thatopen/fragments');

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const casesDir = args[0];
if (!casesDir || !fs.existsSync(casesDir)) {
  console.error('usage: node peer.mjs TESTCASES_DIR [--json OUT.json] [--filter SUBSTRING]');
  process.exit(2);
}
const flag = (name) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : undefined;
};
const jsonOut = flag('--json');
const filter = flag('--filter');

// The pass-/fail- cases, sorted by their path (the order idsd's bench uses).
function listCases(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listCases(p));
    else if (/^(pass|fail)-.*\.ids$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

const cases = listCases(casesDir).filter((p) => !filter || p.includes(filter))
  .filter((p) => fs.existsSync(p.replace(/\.ids$/, '.ifc')));

const components = new OBC.Components();
const fragments = components.get(OBC.FragmentsManager);
const workerFile = path.join(here, 'node_modules/@thatopen/fragments/dist/Worker/worker.mjs');
fragments.init(pathToFileURL(workerFile).href);
const idsComponent = components.get(OBC.IDSSpecifications);

const importer = new FRAGS.IfcImporter();
importer.wasm = { path: path.join(here, 'node_modules/web-ifc') + '/', absolute: true };
// Every attribute and relation into the fragments: the checker can only
// test what the conversion kept (by default it keeps a selection).
importer.addAllAttributes();
importer.addAllRelations();

// Every element result of every specification passes.
function verdictOf(results) {
  let applicable = 0;
  let failed = 0;
  for (const result of results) {
    for (const [, items] of result) {
      for (const [, item] of items) {
        applicable++;
        if (!item.pass) failed++;
      }
    }
  }
  return { verdict: failed === 0 ? 'pass' : 'fail', applicable, failed };
}

const rows = [];
let n = 0;
for (const idsPath of cases) {
  const rel = path.relative(casesDir, idsPath);
  const expected = path.basename(idsPath).startsWith('pass-') ? 'pass' : 'fail';
  const modelId = `m${n++}`;
  const row = { case: rel, expected };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const ifc = fs.readFileSync(idsPath.replace(/\.ids$/, '.ifc'));
    const frag = await importer.process({ bytes: new Uint8Array(ifc) });
    const t1 = performance.now();
    await fragments.core.load(frag, { modelId });
    const t2 = performance.now();
    idsComponent.list.clear();
    const specs = idsComponent.load(fs.readFileSync(idsPath, 'utf8'));
    const results = [];
    for (const spec of specs) results.push(await spec.test([new RegExp(`^${modelId}$`)]));
    const t3 = performance.now();
    Object.assign(row, verdictOf(results));
    row.convert_ms = t1 - t0;
    row.load_ms = t2 - t1;
    row.check_ms = t3 - t2;
  } catch (err) {
    // A crash of the checker is a wrong verdict, with its reason.
    row.verdict = 'error';
    row.error = String(err?.message ?? err).slice(0, 200);
  }
  row.total_ms = performance.now() - t0;
  // CPU of the whole process (the fragments worker too): what the case
  // costs on a machine busy with other work, where the wall clock waits.
  const cpu = process.cpuUsage(cpu0);
  row.cpu_ms = (cpu.user + cpu.system) / 1000;
  row.right = row.verdict === expected;
  try {
    await fragments.core.disposeModel(modelId);
  } catch { /* it may not have loaded */ }
  rows.push(row);
  console.log(`${row.right ? 'right' : 'WRONG'} ${row.verdict.padEnd(5)} ` +
              `${row.total_ms.toFixed(1).padStart(8)} ms  ${rel}` +
              (row.error ? `  (${row.error})` : ''));
}

const right = rows.filter((r) => r.right).length;
const times = rows.map((r) => r.total_ms).sort((a, b) => a - b);
const sum = times.reduce((a, b) => a + b, 0);
const pct = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
const part = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
const cpus = rows.map((r) => r.cpu_ms).sort((a, b) => a - b);
const summary = {
  checker: '@thatopen/components 3.4.8 (@thatopen/fragments 3.4.7, web-ifc 0.0.78)',
  node: process.version,
  cases: rows.length,
  right,
  wrong: rows.length - right,
  errors: rows.filter((r) => r.verdict === 'error').length,
  total_ms: sum,
  mean_ms: rows.length ? sum / rows.length : 0,
  median_ms: pct(0.5),
  p90_ms: pct(0.9),
  cpu_total_ms: part('cpu_ms'),
  cpu_median_ms: cpus[Math.floor(cpus.length / 2)] ?? 0,
  convert_ms: part('convert_ms'),
  load_ms: part('load_ms'),
  check_ms: part('check_ms'),
};
console.log(`${summary.cases} cases: ${right} verdicts right, ${summary.wrong} wrong ` +
            `(${summary.errors} errors); ${sum.toFixed(0)} ms in all, mean ` +
            `${summary.mean_ms.toFixed(1)} ms, median ${summary.median_ms.toFixed(1)} ms per case ` +
            `(convert ${summary.convert_ms.toFixed(0)} ms, load ${summary.load_ms.toFixed(0)} ms, ` +
            `check ${summary.check_ms.toFixed(0)} ms)`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ summary, cases: rows }, null, 1) + '\n');
await fragments.core.dispose().catch(() => {});
process.exit(0);
