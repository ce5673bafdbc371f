// The HTML report of an IFC check in a real browser, opened as a file the
// way a person opens it: headless Chromium (the Debian package) driven by
// playwright-core. run_report_html.sh writes the reports with
// report_files and sets IDSD_REPORTS, IDSD_ARTIFACTS and IDSD_CHROMIUM.
//
// expected.json holds the counts report_files computed from the check
// result itself; every count the page shows is compared with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const REPORTS = process.env.IDSD_REPORTS;
const ARTIFACTS = process.env.IDSD_ARTIFACTS;
const CHROMIUM = process.env.IDSD_CHROMIUM || '/usr/bin/chromium';
assert.ok(REPORTS && ARTIFACTS, 'run through run_report_html.sh');
const expected = JSON.parse(fs.readFileSync(path.join(REPORTS, 'expected.json'), 'utf8'));

let context;
let userDataDir;

before(async () => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idsd-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  await context?.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

const texts = (page, selector) =>
  page.$$eval(selector, (els) => els.map((e) => e.textContent));

test('the HTML report opened as a file shows the counts of the check', async () => {
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => requests.push(req.url()));
  const url = pathToFileURL(path.join(REPORTS, 'report.html')).href;
  await page.goto(url, { waitUntil: 'load' });
  // The page's own script ran under the CSP it carries in <meta>.
  await page.waitForFunction(() => typeof window.idsdView?.show === 'function', null,
                             { timeout: 5000 });

  assert.equal(await page.title(), 'house.ifc');
  assert.deepEqual(await texts(page, 'h1'), ['house.ifc']);
  const stats = await page.$eval('.check .stats', (p) => p.textContent);
  assert.equal(stats, `fail ${expected.total} specifications: ${expected.passed} passed, ` +
                      `${expected.failed} failed, ${expected.not_applicable} not applicable`);

  // The summary: one row per specification with its counts.
  const rows = await page.$$eval('table.summary tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows, expected.specs.map((s, i) =>
    [String(i + 1), s.name, s.status, String(s.applicable), String(s.passed), String(s.failed)]));

  // Per specification: its section, its failed requirements, its listed
  // failing elements.
  const sections = await page.$$eval('section.cspec', (ss) => ss.map((s) => ({
    heading: s.querySelector('h2').textContent,
    counts: s.querySelector('.counts').textContent,
    requirements: s.querySelectorAll('.creq').length,
    elements: s.querySelectorAll('table.els tbody tr').length,
  })));
  assert.equal(sections.length, expected.total);
  expected.specs.forEach((s, i) => {
    assert.equal(sections[i].heading, `${i + 1}. ${s.name} ${s.status}`);
    assert.equal(sections[i].counts,
                 `${s.applicable} applicable, ${s.passed} passed, ${s.failed} failed`);
    assert.equal(sections[i].requirements, s.failed_requirements, s.name);
    assert.equal(sections[i].elements, s.listed, s.name);
  });
  assert.equal(await page.$$eval('table.els tbody tr', (r) => r.length), expected.element_rows);
  assert.deepEqual((await texts(page, '#check-1 .fails')),
                   ['55 elements fail (the first 40 listed).', '2 elements fail.']);
  assert.deepEqual(await texts(page, '#check-5 .note'),
                   ['required, but no element is applicable']);

  // Self-contained and inert: nothing fetched but the file, no script of
  // the model ran or was even attempted, only the page's own script.
  await page.waitForTimeout(200);
  assert.deepEqual(requests.filter((r) => r !== url && !r.startsWith('data:')), []);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'an injected script ran');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.equal(await page.evaluate(() => document.scripts.length), 1);
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll(
    'img, svg, iframe, object, embed, body style, [onerror], [onload], [srcdoc]')]
    .map((e) => e.outerHTML.slice(0, 80))), []);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) assert.match(href, /^(https?:\/\/|#)/i, `link ${href}`);
  assert.deepEqual(errors, []);

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: false });
  await page.close();
});
