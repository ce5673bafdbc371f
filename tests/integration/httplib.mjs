// Starting idsd over HTTP for a test, and a bare fetch client for what the
// SDKs will not send.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, META } from './lib.mjs';

// Starts `idsd serve --listen 127.0.0.1:0 ...`; resolves with { url, base,
// stop } once it prints its URL. stop() sends SIGTERM and resolves with the
// exit status (0 = clean; under ASan a leak makes it non-zero).
export function startServer(args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--log-level', 'warning', ...args],
                       { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => reject(new Error(`idsd did not start: ${stderr}`)), 20000);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        base: url.replace(/\/mcp$/, ''),
        stderr: () => stderr,
        stop: async () => { proc.kill('SIGTERM'); const r = await exited; return { ...r, stderr }; },
      });
    });
    exited.then((r) => reject(new Error(`idsd exited early (${r.code}): ${stderr}`)));
  });
}

export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

// POSTs one JSON-RPC message; returns { status, headers, body } with body
// parsed (JSON, or the last data: event of an SSE body).
export async function post(url, msg, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers },
                                 body: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  const text = await res.text();
  let body = null;
  if ((res.headers.get('content-type') || '').includes('text/event-stream')) {
    const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    body = events.at(-1) ?? null;
    body = body && { ...body, events };
  } else if (text) {
    try { body = JSON.parse(text); } catch { body = text; }
  }
  return { status: res.status, headers: res.headers, body };
}

// A modern request with the envelope and the headers 2026-07-28 wants.
export function modern(url, id, method, params = {}, headers = {}) {
  const h = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  if (method === 'tools/call' || method === 'prompts/get') h['mcp-name'] = params.name;
  if (method === 'resources/read') h['mcp-name'] = params.uri;
  if (method === 'tools/call' && params.arguments?.session_id) h['mcp-param-session'] = params.arguments.session_id;
  return post(url, { jsonrpc: '2.0', id, method, params: { ...params, _meta: META } }, { ...h, ...headers });
}

export async function initialize(url, version = '2025-11-25') {
  const r = await post(url, { jsonrpc: '2.0', id: 1, method: 'initialize',
                              params: { protocolVersion: version, capabilities: {},
                                        clientInfo: { name: 'raw', version: '1' } } });
  const sid = r.headers.get('mcp-session-id');
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' },
             { 'mcp-session-id': sid, 'mcp-protocol-version': version });
  return sid;
}

export async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.split(' ').at(-1)) : NaN;
}
