// The view's pages in a real browser: headless Chromium (the Debian
// package) driven by playwright-core. run_view.sh writes the pages with
// view_pages and sets IDSD_VIEW_PAGES (their folder), IDSD_ARTIFACTS
// (where the screenshot goes) and IDSD_CHROMIUM.
//
// A small HTTP server here serves each page with its CSP header, and an
// event stream for the live page. Every page records what the CSP
// refused; an attack that ran would set window.__xss.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const PAGES = process.env.IDSD_VIEW_PAGES;
const ARTIFACTS = process.env.IDSD_ARTIFACTS;
const CHROMIUM = process.env.IDSD_CHROMIUM || '/usr/bin/chromium';
assert.ok(PAGES && ARTIFACTS, 'run through run_view.sh');

const read = (name) => fs.readFileSync(path.join(PAGES, name), 'utf8');

// ---- the server ----------------------------------------------------------
let server;
let base;
const streams = new Set();

function pushView(body) {
  // The body holds no line break, so it is one data line.
  assert.ok(!/[\r\n]/.test(body));
  for (const res of streams) res.write(`event: view\ndata: ${body}\n\n`);
}

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    const m = /^\/([a-z0-9]+)\.html$/.exec(url.pathname);
    if (!m || !fs.existsSync(path.join(PAGES, `${m[1]}.html`))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': read(`${m[1]}.csp`),
    });
    res.end(read(`${m[1]}.html`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

// ---- the browser ----------------------------------------------------------
let context;
let userDataDir;

before(async () => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idsd-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  // Runs before any page script, outside the page's CSP.
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  for (const res of streams) res.end();
  await context?.close();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

// A fresh page that records its console errors and uncaught errors.
async function open(name) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  const response = await page.goto(`${base}/${name}.html`, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  // The page's own script ran: its hash in the CSP is right.
  await page.waitForFunction(() => typeof window.idsdView?.show === 'function', null,
                             { timeout: 5000 });
  return { page, errors, response };
}

const texts = (page, selector) =>
  page.$$eval(selector, (els) => els.map((e) => e.textContent));

// No script of an attacker ran, nothing was even attempted, and only the
// page's own script element exists.
async function assertInert(page, errors) {
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'an injected script ran');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.equal(await page.evaluate(() => document.scripts.length), 1);
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll(
    'img, svg, iframe, object, embed, body style, [onerror], [onload], [srcdoc]')]
    .map((e) => e.outerHTML.slice(0, 80))), []);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) assert.match(href, /^(https?:\/\/|#)/i, `link ${href}`);
  assert.deepEqual(errors, []);
}

test('the document page shows the document in words, under its CSP', async () => {
  const { page, errors, response } = await open('doc');
  const csp = read('doc.csp');
  assert.equal(response.headers()['content-security-policy'], csp);
  const meta = await page.$eval('meta[http-equiv="Content-Security-Policy"]',
                                (m) => m.getAttribute('content'));
  assert.equal(`${meta}; frame-ancestors 'none'`, csp);
  assert.match(meta, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}='; style-src 'sha256-/);

  assert.equal(await page.title(), 'Walls & doors');
  assert.deepEqual(await texts(page, 'h1'), ['Walls & doors']);
  assert.deepEqual(await texts(page, '.spec h2'), ['1. External walls', '2. Doors']);
  assert.deepEqual(await texts(page, '.spec .applies'), [
    'All IfcWall elements (IFC4, IFC4X3_ADD2) with Pset_WallCommon.IsExternal = true (data type IfcBoolean).',
    'All IfcDoor elements (IFC4).',
  ]);
  const rows = await page.$$eval('#spec-1 table.reqs tbody tr', (trs) => trs.map((tr) =>
    [...tr.children].map((td) => {
      const copy = td.cloneNode(true);
      copy.querySelectorAll('ul').forEach((u) => u.remove());
      return copy.textContent;
    })));
  assert.deepEqual(rows, [
    ['1', 'Pset_WallCommon.FireRating must be one of REI30, REI60 (data type IfcLabel)', 'required', 'REI classes only'],
    ['2', "must not have material 'wood'", 'prohibited', ''],
    ['3', "must have classification 'EF_25_10' in system 'Uniclass 2015' (see https://identifier.buildingsmart.org/uri/example)", 'required', ''],
    ['4', 'must be contained in an IfcBuildingStorey', 'required', ''],
    ['5', 'Qto_WallBaseQuantities.Width must be between 0.2 and 0.5 (inclusive)', 'required', ''],
  ]);
  // The finding sits in the row of the facet it concerns.
  const finding = await page.$$eval('#spec-1 table.reqs tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('.f .rule')].map((r) => r.textContent)));
  assert.deepEqual(finding, [[], [], [], [], ['P2']]);
  assert.deepEqual(await texts(page, '#spec-1 table.reqs a[href]'),
                   ['https://identifier.buildingsmart.org/uri/example']);
  // The check result below the document.
  assert.deepEqual(await texts(page, '.check h2'), ['house.ifc']);
  assert.deepEqual(await texts(page, '.check .creq .fails'), ['3 elements fail (the first 2 listed).']);
  assert.deepEqual(await texts(page, '.check table.els td.gid'),
                   ['2O2Fr$t4X7Zf8NOew3FLOH', '1hqIFTRjfV6AWq_bMtnZwI']);
  // The style applied (it is hashed too): the findings are styled as a list.
  assert.equal(await page.$eval('.fl', (ul) => getComputedStyle(ul).listStyleType), 'none');

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'view.png'), fullPage: true });
  await assertInert(page, errors);
  await page.close();
});

test('attacks in a document and a check result render as text and run nothing', async () => {
  const { page, errors } = await open('xss');
  assert.deepEqual(await texts(page, 'h1'), ['<script>window.__xss=1</script>']);
  assert.equal(await page.title(), '<script>window.__xss=1</script>');
  assert.deepEqual(await texts(page, '.spec h2'), ['1. "><img src=x onerror="window.__xss=2">']);
  const applies = (await texts(page, '.spec .applies'))[0];
  assert.equal(applies, 'All <script>window.__xss=1</script> elements (IFC4) with '
    + '[click](javascript:window.__xss=8) = </style><script>window.__xss=5</script>.');
  const body = await page.$eval('#view', (m) => m.textContent);
  for (const s of ['javascript:window.__xss=4', '\u27e8U+2028\u27e9', '\u27e8U+202E\u27e9fdp.exe',
                   '\u27e8U+2066\u27e9[click](javascript:window.__xss=8)\u27e8U+2069\u27e9',
                   '<!-- ]]> --><script>window.__xss=6</script>',
                   '<iframe srcdoc="<script>parent.__xss=7</script>">',
                   'IfcWall\u27e8U+0001\u27e9\u27e8U+001B\u27e9[2J',
                   '<img src=x onerror=window.__xss=17>']) {
    assert.ok(body.includes(s), `shown as text: ${s}`);
  }
  assert.ok(!body.includes('\u202e') && !body.includes('\u2028'));
  await assertInert(page, errors);

  // The same body again, as a live update.
  await page.evaluate((html) => window.idsdView.show(html), read('xss.body.html'));
  assert.deepEqual(await texts(page, 'h1'), ['<script>window.__xss=1</script>']);
  await assertInert(page, errors);
  await page.close();
});

test('the CSP refuses what a body could smuggle in', async () => {
  // view_html_body never writes such markup; this shows the second wall.
  const { page, errors } = await open('doc');
  await page.evaluate(() => window.idsdView.show(
    '<p id="after">after</p><img src="x" onerror="window.__xss=9"><script>window.__xss=10</script>'));
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$eval('#after', (p) => p.textContent), 'after');
  const violations = await page.evaluate(() => window.__violations);
  assert.ok(violations.length > 0, 'the CSP refused the image');
  for (const v of violations) assert.match(v, /^(img-src|script-src-attr|script-src-elem) /);
  // The only console errors are those refusals.
  for (const e of errors) assert.match(e, /Content Security Policy/, e);
  await page.close();
});

test('a live page shows each update from its event stream within a second', async () => {
  const { page, errors } = await open('live');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Live',
                             null, { timeout: 5000 });
  const started = Date.now();
  pushView(read('doc2.body.html'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Walls, doors & slabs',
                             null, { timeout: 1000 });
  const elapsed = Date.now() - started;
  console.log(`live update shown after ${elapsed} ms`);
  assert.equal(await page.title(), 'Walls, doors & slabs');
  assert.deepEqual(await texts(page, '.spec .applies'), ['All IfcSlab elements (IFC4).']);
  assert.match(await page.$eval('#status', (s) => s.textContent), /^Updated /);
  // Back to the first document.
  pushView(read('live.body.html'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Walls & doors',
                             null, { timeout: 1000 });
  await assertInert(page, errors);
  await page.close();
});

test('a document of 500 specifications renders in under a second', async () => {
  // Served whole: the browser's own timing of the navigation.
  const { page, errors } = await open('big');
  assert.equal(await page.$$eval('section.spec', (s) => s.length), 500);
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: fcp ? fcp.startTime : -1 };
  });
  console.log(`500 specifications served: DOMContentLoaded ${nav.dcl.toFixed(1)} ms, `
              + `first contentful paint ${nav.fcp.toFixed(1)} ms, load ${nav.load.toFixed(1)} ms`);
  assert.ok(nav.load < 1000, `load took ${nav.load} ms`);
  await page.close();

  // Sent live: from receiving the body to the next frame, layout included.
  const empty = await open('empty');
  const ms = await empty.page.evaluate(async (html) => {
    const t0 = performance.now();
    window.idsdView.show(html);
    void document.body.offsetHeight;
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    return performance.now() - t0;
  }, read('big.body.html'));
  console.log(`500 specifications shown live: ${ms.toFixed(1)} ms to the next frame`);
  assert.equal(await empty.page.$$eval('section.spec', (s) => s.length), 500);
  assert.ok(ms < 1000, `rendering took ${ms} ms`);
  assert.deepEqual(errors, []);
  assert.deepEqual(empty.errors, []);
  await empty.page.close();
});

test('the standalone check report and the empty shell', async () => {
  const { page, errors } = await open('report');
  assert.deepEqual(await texts(page, 'h1'), ['house.ifc']);
  assert.equal(await page.title(), 'house.ifc');
  assert.deepEqual(await page.$$eval('table.summary tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent))), [
    ['1', 'External walls', 'fail', '12', '9', '3'],
    ['2', 'Doors', 'pass', '4', '4', '0'],
  ]);
  assert.deepEqual(await texts(page, '.cspec h2'), ['1. External walls fail', '2. Doors pass']);
  await assertInert(page, errors);
  await page.close();

  const shell = await open('empty');
  assert.deepEqual(await texts(shell.page, '#view'), ['Waiting for a document\u2026']);
  assert.ok(fs.statSync(path.join(PAGES, 'empty.html')).size < 100 * 1024);
  await assertInert(shell.page, shell.errors);
  await shell.page.close();
});
