// Helpers shared by the stdio integration tests: where things are, how to
// start idsd, and a bare JSON-lines client for what the SDKs will not send.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.IDSD_BIN;
if (!BIN) throw new Error('IDSD_BIN is not set (run through run_stdio.sh)');

export const SHARED = process.env.IDSD_SHARED_IDS || '';
export const HAVE_SHARED = SHARED !== '' && existsSync(join(SHARED, 'testcases'));
export const XSD = HAVE_SHARED ? join(SHARED, 'ids.xsd') : '';

export const MODERN = '2026-07-28';
export const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'idsd-raw-test', version: '1' },
};

// A fresh folder for one test file: the only root idsd may write to.
export function makeRoot() {
  const dir = mkdtempSync(join(tmpdir(), 'idsd-it-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// True when idsd starts with the official XSD (it needs local copies of
// the W3C schemas the XSD imports); the tests then check the XSD verdict.
let xsdUsableCache;
export function xsdUsable() {
  if (xsdUsableCache === undefined) {
    xsdUsableCache = false;
    if (XSD && existsSync(XSD)) {
      const r = spawnSync(BIN, ['serve', '--stdio', '--xsd', XSD, '--log-level', 'error'],
                          { input: '', timeout: 60000 });
      xsdUsableCache = r.status === 0;
    }
  }
  return xsdUsableCache;
}

// The arguments that start idsd for a test: its roots and, when usable,
// the official XSD.
export function serverArgs(roots) {
  const args = ['serve', '--stdio', '--log-level', 'warning'];
  for (const r of roots) args.push('--root', r);
  if (xsdUsable()) args.push('--xsd', XSD);
  return args;
}

// One test-case file of the buildingSMART suite, the first of its folder.
export function sharedCase(folder) {
  const dir = join(SHARED, 'testcases', folder);
  const name = readdirSync(dir).filter((f) => f.endsWith('.ids')).sort()[0];
  return join(dir, name);
}

// A bare client: writes one JSON text per line, matches replies by id,
// keeps notifications and anything unexpected.
export class RawClient {
  constructor(args = ['serve', '--stdio', '--log-level', 'error'], opts = {}) {
    this.proc = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    this.pending = new Map();
    this.notifications = [];
    this.unmatched = [];
    this.lines = [];
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      const msg = JSON.parse(line);  // every line must be one JSON text
      const key = Array.isArray(msg) ? 'batch' : JSON.stringify(msg.id ?? null);
      if (!Array.isArray(msg) && msg.method !== undefined) {
        this.notifications.push(msg);
      } else if (this.pending.has(key)) {
        const resolve = this.pending.get(key);
        this.pending.delete(key);
        resolve(msg);
      } else {
        this.unmatched.push(msg);
      }
    });
  }

  // Sends raw text (one line) and waits for the reply keyed by `expect`
  // (an id, null for id-less errors, or 'batch').
  sendText(text, expect) {
    const key = expect === 'batch' ? 'batch' : JSON.stringify(expect ?? null);
    const p = new Promise((resolve) => this.pending.set(key, resolve));
    this.proc.stdin.write(text + '\n');
    return p;
  }

  request(id, method, params) {
    const msg = { jsonrpc: '2.0', id, method };
    if (params !== undefined) msg.params = params;
    return this.sendText(JSON.stringify(msg), id);
  }

  notify(method, params) {
    const msg = { jsonrpc: '2.0', method };
    if (params !== undefined) msg.params = params;
    this.proc.stdin.write(JSON.stringify(msg) + '\n');
  }

  modern(id, method, params = {}) {
    return this.request(id, method, { ...params, _meta: { ...META, ...(params._meta || {}) } });
  }

  async close() {
    this.proc.stdin.end();
    return this.exited;
  }
}
